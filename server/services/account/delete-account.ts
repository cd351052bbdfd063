import "server-only";
/**
 * Account deletion — the right to be forgotten (docs/requirements.md R16.3; GDPR / POPIA;
 * issue "Retention and erasure").
 *
 * One transaction:
 * 1. lock the user's row (and, for an admin, every admin row, in id order) and check the confirmation and
 *    the last-admin rule;
 * 2. suppress the address: `email_suppressions` gets SHA-256 hex of the lower-cased address with reason
 *    "erased" (an existing row, e.g. a hard bounce, is kept and its reason set to "erased"), so Herald never
 *    mails it again and keeps no clear-text copy (the same hash the email decisions check:
 *    server/services/delivery/email-decisions.ts);
 * 3. delete dev-mailbox emails addressed to them (`captured_emails`), the pushes and texts captured
 *    for them (`captured_pushes`, `captured_sms`; their push subscriptions, native app devices and phone
 *    codes cascade), and
 *    the webhook deliveries that named them (`webhook_deliveries`);
 * 4. delete the user: the foreign keys cascade to notifications (and their deliveries), deliveries, follows,
 *    preferences, settings, personal access tokens, pickups and digests; a business owner's business goes
 *    with them (with its listings, its followers' follows and its pickups). Other users' notifications that
 *    named them as actor or their business keep their text, with the reference set to NULL; API keys they
 *    created stay (the host platform still uses them) with `created_by_id` NULL.
 */
import { z } from "zod";
import { db } from "../../db";
import { AppError, notFound } from "../errors";

/** Why a deletion was refused (`details.reason` of the AppError). */
export const DELETE_ACCOUNT_REFUSAL = {
  /** `confirmEmail` is not the account's email (compared trimmed, case-insensitively). VALIDATION_ERROR. */
  confirmationMismatch: "CONFIRM_EMAIL_MISMATCH",
  /** The account is the only ADMIN: Herald would have nobody to administer it. CONFLICT. */
  lastAdmin: "LAST_ADMIN",
} as const;

/** Input of {@link deleteAccount} (also the tRPC input): unknown fields rejected. */
export const deleteAccountInput = z
  .object({
    /** The account's email, typed by the person as confirmation. */
    confirmEmail: z.string().trim().min(1, "Type your email address to confirm").max(320),
  })
  .strict();
export type DeleteAccountInput = z.input<typeof deleteAccountInput>;

/** What a deletion removed (counted inside the transaction, just before the delete). */
export interface DeletedAccount {
  userId: string;
  /** ISO 8601, UTC. */
  deletedAt: string;
  /** Name of the business that was deleted with the account, if they owned one. */
  businessName: string | null;
  removed: {
    notifications: number;
    deliveries: number;
    follows: number;
    preferences: number;
    personalAccessTokens: number;
    pickups: number;
    digests: number;
    capturedEmails: number;
  };
}

/**
 * Deletes the account `userId` and everything attached to it (see the module comment), after checking that
 * `confirmEmail` is the account's address. Irreversible.
 * @throws AppError VALIDATION_ERROR (`details.reason` "CONFIRM_EMAIL_MISMATCH", or malformed input)
 * @throws AppError CONFLICT (`details.reason` "LAST_ADMIN") when the account is the last ADMIN
 * @throws AppError NOT_FOUND when the account does not exist (already deleted)
 */
export async function deleteAccount(userId: string, input: DeleteAccountInput): Promise<DeletedAccount> {
  const parsed = deleteAccountInput.safeParse(input);
  if (!parsed.success) {
    throw new AppError("VALIDATION_ERROR", parsed.error.issues[0]?.message ?? "Invalid input", z.flattenError(parsed.error).fieldErrors);
  }
  const confirm = parsed.data.confirmEmail.toLowerCase();

  return db.$transaction(
    async (tx) => {
      const [current] = await tx.$queryRaw<{ role: string }[]>`SELECT role::text AS role FROM users WHERE id = ${userId}::uuid`;
      if (!current) throw notFound("Account");
      // Lock order: every admin row in id order (admins), then the user's own row. Two admins deleting
      // themselves at once serialise here, and the second sees only the admins that remain.
      const admins =
        current.role === "ADMIN"
          ? await tx.$queryRaw<{ id: string }[]>`SELECT id FROM users WHERE role = 'ADMIN' ORDER BY id FOR UPDATE`
          : [];
      const [user] = await tx.$queryRaw<{ id: string; email: string; role: string }[]>`
        SELECT id, email, role::text AS role FROM users WHERE id = ${userId}::uuid FOR UPDATE`;
      if (!user) throw notFound("Account");
      if (user.email.trim().toLowerCase() !== confirm) {
        throw new AppError("VALIDATION_ERROR", "The email you typed does not match your account's email address.", {
          reason: DELETE_ACCOUNT_REFUSAL.confirmationMismatch,
          confirmEmail: ["Does not match your account's email address"],
        });
      }
      if (user.role === "ADMIN" && admins.filter((a) => a.id !== user.id).length === 0) {
        throw new AppError("CONFLICT", "You are the last admin. Make someone else an admin before deleting your account.", {
          reason: DELETE_ACCOUNT_REFUSAL.lastAdmin,
        });
      }

      const [counts] = await tx.$queryRaw<(Omit<DeletedAccount["removed"], "capturedEmails"> & { business_name: string | null })[]>`
        SELECT (SELECT count(*) FROM notifications WHERE user_id = ${userId}::uuid)::int AS notifications,
               (SELECT count(*) FROM deliveries WHERE user_id = ${userId}::uuid)::int AS deliveries,
               (SELECT count(*) FROM follows WHERE user_id = ${userId}::uuid)::int AS follows,
               (SELECT count(*) FROM notification_preferences WHERE user_id = ${userId}::uuid)::int AS preferences,
               (SELECT count(*) FROM personal_access_tokens WHERE user_id = ${userId}::uuid)::int AS "personalAccessTokens",
               (SELECT count(*) FROM pickups WHERE customer_id = ${userId}::uuid)::int AS pickups,
               (SELECT count(*) FROM digests WHERE user_id = ${userId}::uuid)::int AS digests,
               (SELECT name FROM businesses WHERE owner_id = ${userId}::uuid) AS business_name`;

      await tx.$executeRaw`
        INSERT INTO email_suppressions (email_hash, reason)
        VALUES (encode(sha256(convert_to(lower(${user.email}), 'UTF8')), 'hex'), 'erased')
        ON CONFLICT (email_hash) DO UPDATE SET reason = 'erased'`;
      const capturedEmails = await tx.$executeRaw`DELETE FROM captured_emails WHERE lower("to") = lower(${user.email})`;
      // The other captured channels (issue 7): pushes to their browsers, texts to their verified number.
      await tx.$executeRaw`DELETE FROM captured_pushes WHERE user_id = ${userId}::uuid`;
      await tx.$executeRaw`DELETE FROM captured_sms WHERE "to" = (SELECT phone FROM users WHERE id = ${userId}::uuid)`;
      // Webhook deliveries name the person (their clicks, R20.2): the log of what was sent about them goes too.
      await tx.$executeRaw`DELETE FROM webhook_deliveries WHERE payload -> 'data' -> 'user' ->> 'id' = ${userId}`;
      await tx.$executeRaw`DELETE FROM users WHERE id = ${userId}::uuid`;

      const { business_name, ...removed } = counts!;
      return { userId, deletedAt: new Date().toISOString(), businessName: business_name, removed: { ...removed, capturedEmails } };
    },
    // Cascades over a large inbox take a while; the default 5 s interactive-transaction timeout is too short.
    { maxWait: 10_000, timeout: 120_000 },
  );
}
