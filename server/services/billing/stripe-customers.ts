import "server-only";
/**
 * Which Stripe customer an account is (issue 17): `users.stripe_customer_id`, which Stripe's billing webhooks
 * (./stripe-webhook.ts) find the person by. The webhook links an account itself when an invoice's email is
 * the account's; an admin sets or clears the link explicitly here (the tRPC mutation `admin.setStripeCustomer`, at /admin/users),
 * for a customer whose invoices carry another address, or to correct a link. Each change is recorded in
 * `audit_log` (action "user.stripe_customer").
 */
import { z } from "zod";
import { db } from "../../db";
import { Prisma } from "../../generated/prisma/client";
import { AppError, notFound } from "../errors";

/** A Stripe customer id (`cus_…`, https://docs.stripe.com/api/customers/object#customer_object-id). */
export const stripeCustomerId = z.string().trim().regex(/^cus_[A-Za-z0-9]{1,100}$/, "Enter a Stripe customer id, such as cus_NffrFeUfNV2Hib");

/** Input of {@link setStripeCustomer} (also the tRPC input): unknown fields rejected. */
export const setStripeCustomerInput = z
  .object({
    userId: z.uuid({ error: "Not a user id." }),
    /** The customer to link, or null to remove the link. */
    stripeCustomerId: stripeCustomerId.nullable(),
  })
  .strict();
export type SetStripeCustomerInput = z.input<typeof setStripeCustomerInput>;

/** What a change did. */
export interface StripeCustomerChanged {
  userId: string;
  from: string | null;
  to: string | null;
}

/**
 * Links account `input.userId` to Stripe customer `input.stripeCustomerId` (or unlinks it with null), and
 * records "user.stripe_customer" (`details`: from, to) in `audit_log` with `actorId` as actor, in one
 * transaction. Setting the link it already has changes nothing (no audit entry).
 * @param actorId the admin making the change (the tRPC router checks the ADMIN role)
 * @throws AppError VALIDATION_ERROR for malformed input (not a uuid, not a `cus_…` id, unknown fields)
 * @throws AppError NOT_FOUND when the account does not exist
 * @throws AppError CONFLICT when another account has that customer (one customer is one person); nothing changes
 */
export async function setStripeCustomer(actorId: string, input: SetStripeCustomerInput): Promise<StripeCustomerChanged> {
  const parsed = setStripeCustomerInput.safeParse(input);
  if (!parsed.success) throw new AppError("VALIDATION_ERROR", parsed.error.issues[0]?.message ?? "Invalid input", z.flattenError(parsed.error).fieldErrors);
  const { userId, stripeCustomerId: to } = parsed.data;
  try {
    return await db.$transaction(async (tx) => {
      const [user] = await tx.$queryRaw<{ stripe_customer_id: string | null }[]>`SELECT stripe_customer_id FROM users WHERE id = ${userId}::uuid FOR UPDATE`;
      if (!user) throw notFound("User");
      const from = user.stripe_customer_id;
      if (from === to) return { userId, from, to };
      await tx.user.update({ where: { id: userId }, data: { stripeCustomerId: to } });
      await tx.auditLog.create({ data: { actorId, action: "user.stripe_customer", targetType: "user", targetId: userId, details: { from, to } } });
      return { userId, from, to };
    });
  } catch (err) {
    if (err instanceof Prisma.PrismaClientKnownRequestError && err.code === "P2002") {
      throw new AppError("CONFLICT", "Another account is linked to this Stripe customer", { stripeCustomerId: ["Already linked to another account"] });
    }
    throw err;
  }
}
