/**
 * Standalone accounts' emails (issue 17): sends the one an `accounts/email-requested` event asks for — it makes
 * the link's secret, stores only its hash, and sends (server/services/accounts/account-mail.ts). The event id
 * is the email's idempotency key, so a retried step whose first send went out sends nothing twice (the link of
 * that first email keeps working).
 */
import { NonRetriableError } from "inngest";
import { inngest } from "../client";
import { accountEmailRequested } from "../../server/events";
import { sendAccountEmail as send } from "../../server/services/accounts/account-mail";
import { emailStep } from "./email-step-errors";

export const sendAccountEmail = inngest.createFunction(
  { id: "send-account-email", triggers: [accountEmailRequested], retries: 6 },
  async ({ event, step }) => {
    // The outbox gives every event its row's id (server/services/outbox/relay.ts).
    const eventId = event.id;
    if (!eventId) throw new NonRetriableError("accounts/email-requested without an event id");
    return step.run("send", () => emailStep(() => send(event.data, eventId)));
  },
);
