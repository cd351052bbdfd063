/**
 * The Inngest serve endpoint (docs/protocols.md, "Inngest (the embedded executor)"): the embedded executor,
 * Inngest Cloud or a self-hosted Inngest drives Herald's functions through it. Cloud mode: every request must
 * carry a valid signature (docs/protocols.md, "Modes and signing"; docs/requirements.md R17.7).
 */
import { serve } from "inngest/next";
// The one place outside inngest/ that loads the functions (eslint.config.mjs, "Only the engine's serve endpoint").
// eslint-disable-next-line no-restricted-imports
import { inngest } from "@/inngest/client";
// eslint-disable-next-line no-restricted-imports
import { functions } from "@/inngest";

export const { GET, POST, PUT } = serve({ client: inngest, functions });
