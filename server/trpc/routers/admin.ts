import "server-only";
import { z } from "zod";
import { adminProcedure, router } from "../init";
import { deliveryDetail, deliveryLogFilterSchema, listDeliveryLog, userDeliveryLog } from "../../services/delivery/delivery-log";
import { findUsers, findUsersInput, setRoleInput, setUserRole } from "../../services/users/admin-users";
import { setStripeCustomer, setStripeCustomerInput } from "../../services/billing/stripe-customers";

/** Admin tools. Every procedure: UNAUTHORIZED when signed out, FORBIDDEN for anyone but an admin. */
export const adminRouter = router({
  /** One user's delivery log, with reasons (the newest 100). */
  userDeliveries: adminProcedure.input(z.object({ email: z.string().trim().email().max(320) }).strict()).query(({ input }) => userDeliveryLog(input.email)),

  /**
   * The delivery log over every user: filters as in the page's query string (`deliveryLogFilterSchema`,
   * strict: unknown keys are BAD_REQUEST), newest first, keyset pages (`cursor` = the previous `nextCursor`).
   */
  deliveries: adminProcedure.input(deliveryLogFilterSchema).query(({ input }) => listDeliveryLog(input)),

  /** One delivery's notification, recipient, captured email and timeline. NOT_FOUND for an unknown id. */
  delivery: adminProcedure.input(z.strictObject({ id: z.uuid({ error: "Not a delivery id." }) })).query(({ input }) => deliveryDetail(input.id)),

  /** Accounts whose email contains `email` (case-insensitive), at most 25; empty: the newest accounts. */
  users: adminProcedure.input(findUsersInput).query(({ input }) => findUsers(input)),

  /**
   * Changes an account's role, signs out all of its sessions and records it in the audit log. FORBIDDEN when
   * an admin removes their own admin role; NOT_FOUND for an unknown account; BAD_REQUEST for an unknown role.
   */
  setRole: adminProcedure.input(setRoleInput).mutation(({ ctx, input }) => setUserRole(ctx.user.id, input)),

  /**
   * Links an account to its Stripe customer (`cus_…`), or unlinks it with null, for Stripe's billing webhooks
   * (issue 17); audited. NOT_FOUND for an unknown account; CONFLICT when another account has that customer;
   * BAD_REQUEST for malformed input.
   */
  setStripeCustomer: adminProcedure.input(setStripeCustomerInput).mutation(({ ctx, input }) => setStripeCustomer(ctx.user.id, input)),
});
