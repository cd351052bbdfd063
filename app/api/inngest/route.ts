/**
 * The Inngest serve endpoint (DESIGN §7): the embedded executor, Inngest Cloud or a self-hosted Inngest
 * drives Herald's functions through it. Cloud mode: every request must carry a valid signature.
 */
import { serve } from "inngest/next";
import { inngest } from "@/inngest/client";
import { functions } from "@/inngest";

export const { GET, POST, PUT } = serve({ client: inngest, functions });
