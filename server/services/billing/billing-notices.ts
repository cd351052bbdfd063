import "server-only";
/**
 * Billing notices (catalog type `billing`, category billing: critical, so emailed even in quiet hours and with
 * email preferences off; docs/requirements.md R4.1, R4.3). One builder for both of their sources:
 *
 * - the host platform's `billing.payment_succeeded` / `.payment_failed` / `.subscription_expiring` events
 *   (`POST /api/v1/events`, ../api/event-handlers.ts `notifyBilling`);
 * - Stripe's webhooks (`POST /api/webhooks/stripe`, ./stripe-webhook.ts; issue 17).
 *
 * Either way the notice goes through the one notice path (../delivery/notify.ts): the inbox row, its email
 * decision (template emails/billing.tsx) and the realtime signal.
 */
import type { BillingEvent as BillingTemplateEvent } from "@/emails/billing";
import type { Locale } from "@/lib/i18n";
import { recipientLocale, translator } from "../../i18n";
import type { Notice, NoticeText } from "../delivery/notify";
import { noticeText } from "../delivery/notice-text";
import { localTime } from "../pickups/pickups";

/** The billing template's events a notice can carry (emails/billing.tsx). */
export type BillingEvent = Extract<BillingTemplateEvent, "payment_succeeded" | "payment_failed" | "subscription_expiring" | "subscription_canceled">;

/** Who a billing notice is for: the columns of `users` it is written with. */
export interface BillingRecipient {
  id: string;
  /** IANA time zone: dates in the body are written in it. */
  timezone: string;
  /** `users.locale` (null: the platform's language). */
  locale: string | null;
}

/** What a billing notice says. */
export interface BillingNoticeInput {
  event: BillingEvent;
  /**
   * Decimal string in major units (`"299.00"`, at most 2 decimals, as the template's schema), or null when
   * the source gives no amount (a Stripe subscription priced by tiers or usage): then the notice is in-app
   * only, since the billing email needs an amount.
   */
  amount: string | null;
  /** ISO 4217, upper case. */
  currency: string;
  planName?: string | undefined;
  invoiceNumber?: string | undefined;
  /** ISO 8601: payment date, the expiry date for subscription_expiring, the end for subscription_canceled. */
  date?: string | undefined;
  paymentMethod?: string | undefined;
  /** ISO 8601: when a failed payment is tried again (Stripe's `next_payment_attempt`), shown in the email. */
  nextAttempt?: string | undefined;
  /** Unique per recipient (docs/requirements.md R5.1): the same key again creates nothing. */
  dedupeKey: string;
  /** A title instead of the event's own ("Payment received: ZAR 299.00", …). */
  title?: NoticeText | undefined;
  /**
   * The body instead of the default "<invoice number> · <date>", already in the recipient's language
   * ({@link billingText}, {@link billingTime}).
   */
  body?: string | undefined;
  /** More facts for the notification's `data` (snake_case keys, ISO 8601 times). */
  data?: Record<string, unknown> | undefined;
}

/** The recipient's language for billing texts. */
export function billingLocale(user: Pick<BillingRecipient, "locale">): Locale {
  return recipientLocale(user.locale);
}

/** `iso` as the recipient reads it: in their time zone and language (e.g. "Thu 3 Dec, 12:00"). */
export function billingTime(iso: string, user: Pick<BillingRecipient, "timezone" | "locale">): string {
  return localTime(new Date(iso), user.timezone, billingLocale(user));
}

/** Keys of the `billing.notice` catalog namespace (messages/<locale>/billing.json). */
export type BillingTextKey =
  | "nextAttempt"
  | "trialEnding.title"
  | "trialEnding.titleWithoutPlan"
  | "trialEnding.body"
  | "pastDue.title"
  | "pastDue.body"
  | "unpaid.title"
  | "unpaid.body"
  | "canceled.title"
  | "canceled.body"
  | "cancelAtPeriodEnd.title"
  | "cancelAtPeriodEnd.body";

/**
 * The billing text `key` (messages/<locale>/billing.json, `billing.notice.<key>`) in the recipient's
 * language, with its ICU `values` (dates already written by {@link billingTime}; plan names as given).
 */
export function billingText(user: Pick<BillingRecipient, "locale">, key: BillingTextKey, values?: Record<string, string>): string {
  return translator(billingLocale(user))(`billing.notice.${key}`, values);
}

/**
 * The notice for one billing event, ready for `notifyUsers` / `notifyUsersIn` (../delivery/notify.ts).
 * Title by default: "Payment received: <amount>", "Payment failed: <amount>", "Your <plan> expires soon"
 * (messages/<locale>/notices.json), "Your subscription has been cancelled" (billing.json), each in the
 * recipient's language; body by default: the invoice number and
 * the date in the recipient's time zone. `data` holds the event, amount, currency and invoice number (plus
 * `input.data`); the email (emails/billing.tsx, critical) carries the same facts and links to the
 * notification settings.
 * @returns the notice; without an email when `input.amount` is null
 */
export function billingNotice(user: BillingRecipient, input: BillingNoticeInput): Notice {
  const { event, amount, currency } = input;
  const shown = `${currency} ${amount ?? ""}`.trim();
  const title =
    input.title ??
    {
      payment_succeeded: noticeText("paymentReceived.title", { amount: shown }),
      payment_failed: noticeText("paymentFailed.title", { amount: shown }),
      subscription_expiring: input.planName ? noticeText("subscriptionExpiring.title", { plan: input.planName }) : noticeText("subscriptionExpiring.titleWithoutPlan"),
      subscription_canceled: billingText(user, "canceled.title"),
    }[event];
  const body = input.body ?? [input.invoiceNumber, input.date ? billingTime(input.date, user) : undefined].filter(Boolean).join(" · ");
  return {
    userId: user.id,
    type: "billing",
    title,
    body,
    actionUrl: "/settings/notifications",
    data: {
      event,
      ...(amount !== null ? { amount, currency } : {}),
      ...(input.invoiceNumber ? { invoice_number: input.invoiceNumber } : {}),
      ...input.data,
    },
    dedupeKey: input.dedupeKey,
    ...(amount !== null
      ? {
          email: {
            event,
            amount,
            currency,
            ...(input.planName ? { planName: input.planName } : {}),
            ...(input.invoiceNumber ? { invoiceNumber: input.invoiceNumber } : {}),
            ...(input.date ? { date: input.date } : {}),
            ...(input.paymentMethod ? { paymentMethod: input.paymentMethod } : {}),
            ...(input.nextAttempt ? { nextAttempt: input.nextAttempt } : {}),
            billingUrl: "/settings/notifications",
          },
        }
      : {}),
  };
}
