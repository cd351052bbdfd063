/**
 * Email rendering (DESIGN §9): every template in `emails/` rendered to HTML and plain text together, after
 * its props are validated with a strict zod schema. The registry below is the one list of templates: the
 * catalog's notification types (server/services/notifications/catalog.ts) plus the generic `announcement`.
 *
 * Safety rules (issue "email templates"): no CR/LF from user text reaches a header (`safeHeaderValue`),
 * all user text is rendered as React children (escaped; nothing uses `dangerouslySetInnerHTML`), and every
 * link target goes through `safeActionUrl` inside the templates.
 *
 * No "server-only" import here: the react-email preview server and tests load these modules directly.
 */
import { createElement, type ComponentType } from "react";
import { render, toPlainText } from "@react-email/render";
import { z } from "zod";
import { AppError } from "@/server/services/errors";
import { NOTIFICATION_TYPE_NAMES, NOTIFICATION_TYPES, type NotificationType } from "@/server/services/notifications/catalog";
import { LOCALES } from "@/lib/i18n";
import { safeActionUrl, safeHeaderValue } from "@/emails/components/safety";
import NewListingEmail, { subject as newListingSubject, type NewListingEmailProps } from "@/emails/new-listing";
import ListingExpiringEmail, { subject as listingExpiringSubject, type ListingExpiringEmailProps } from "@/emails/listing-expiring";
import PickupReminderEmail, { subject as pickupReminderSubject, type PickupReminderEmailProps } from "@/emails/pickup-reminder";
import InteractionConfirmedEmail, {
  subject as interactionConfirmedSubject,
  type InteractionConfirmedEmailProps,
} from "@/emails/interaction-confirmed";
import InteractionCompletedEmail, {
  subject as interactionCompletedSubject,
  type InteractionCompletedEmailProps,
} from "@/emails/interaction-completed";
import PickupMissedEmail, { subject as pickupMissedSubject, type PickupMissedEmailProps } from "@/emails/pickup-missed";
import OrderStatusEmail, { subject as orderStatusSubject, type OrderStatusEmailProps } from "@/emails/order-status";
import ReviewReceivedEmail, { subject as reviewReceivedSubject, type ReviewReceivedEmailProps } from "@/emails/review-received";
import BusinessUpdateEmail, { subject as businessUpdateSubject, type BusinessUpdateEmailProps } from "@/emails/business-update";
import SystemAnnouncementEmail, {
  subject as systemAnnouncementSubject,
  type SystemAnnouncementEmailProps,
} from "@/emails/system-announcement";
import WelcomeEmail, { subject as welcomeSubject, type WelcomeEmailProps } from "@/emails/welcome";
import VerificationStatusEmail, {
  subject as verificationStatusSubject,
  type VerificationStatusEmailProps,
} from "@/emails/verification-status";
import SecurityAlertEmail, { subject as securityAlertSubject, type SecurityAlertEmailProps } from "@/emails/security-alert";
import PasswordResetEmail, { subject as passwordResetSubject, type PasswordResetEmailProps } from "@/emails/password-reset";
import BookingConfirmedEmail, { subject as bookingConfirmedSubject, type BookingConfirmedEmailProps } from "@/emails/booking-confirmed";
import BookingCancelledEmail, { subject as bookingCancelledSubject, type BookingCancelledEmailProps } from "@/emails/booking-cancelled";
import BillingEmail, { subject as billingSubject, type BillingEmailProps } from "@/emails/billing";
import DigestEmail, { subject as digestSubject, type DigestEmailProps } from "@/emails/digest";
import AnnouncementEmail, { subject as announcementSubject, type AnnouncementEmailProps } from "@/emails/announcement";
import NewsletterConfirmEmail, {
  subject as newsletterConfirmSubject,
  type NewsletterConfirmEmailProps,
} from "@/emails/newsletter-confirm";
import VerifyEmailEmail, { subject as verifyEmailSubject, type VerifyEmailEmailProps } from "@/emails/verify-email";
import AccountExistsEmail, { subject as accountExistsSubject, type AccountExistsEmailProps } from "@/emails/account-exists";

export { safeActionUrl, safeHeaderValue };

// ---------------------------------------------------------------------------------------------------------
// Schemas. Strict objects everywhere (unknown keys are rejected); lengths are capped so one bad payload
// cannot produce a megabyte email. URL fields are only length-checked here: templates pass every href
// through `safeActionUrl`, which falls back to the inbox for anything that is not https or app-relative.
// ---------------------------------------------------------------------------------------------------------

const LOOPBACK = new Set(["localhost", "127.0.0.1", "[::1]"]);

/** `https://…` anywhere, or `http://` on a loopback host (the embedded mode, DESIGN §2). */
function isAppUrl(value: string): boolean {
  try {
    const u = new URL(value);
    if (u.username || u.password) return false;
    return u.protocol === "https:" || (u.protocol === "http:" && (LOOPBACK.has(u.hostname) || u.hostname.endsWith(".localhost")));
  } catch {
    return false;
  }
}

function isTimeZone(value: string): boolean {
  try {
    new Intl.DateTimeFormat("en", { timeZone: value });
    return true;
  } catch {
    return false;
  }
}

const text = (max = 200) => z.string().trim().min(1).max(max);
const optText = (max = 200) => z.string().trim().max(max).optional();
const link = z.string().trim().min(1).max(2048);
const appUrl = z.string().trim().max(2048).refine(isAppUrl, "appUrl must be an https URL (http only on localhost)");
const isoDateTime = z.iso.datetime({ offset: true });
const timeZone = z.string().max(64).refine(isTimeZone, "unknown IANA time zone").optional();
const amount = z.string().regex(/^\d{1,9}(\.\d{1,2})?$/, "a decimal amount such as 12.50");
const currency = z.string().regex(/^[A-Z]{3}$/, "an ISO 4217 currency code such as ZAR");
const items = z.array(z.strictObject({ name: text(200), quantity: z.number().int().min(1).max(100_000) })).max(100);
const body = z.string().trim().min(1).max(20_000);

/** Fields every template takes. */
const base = { appUrl, recipientName: optText(100) };
/** Non-transactional templates must carry the recipient's unsubscribe link (DESIGN §9). */
const bulk = { ...base, unsubscribeUrl: link };

export const newListingSchema = z.strictObject({
  ...bulk,
  businessName: text(),
  listingName: text(),
  description: optText(2000),
  price: amount,
  currency,
  expiryDate: isoDateTime,
  pickupLocation: text(300),
  listingUrl: link,
  /** The listing's photo (absolute https URL, or http on loopback in the embedded mode). */
  imageUrl: z.string().max(2000).refine(isAppUrl, "an https URL").optional(),
  timeZone,
  locale: z.enum(LOCALES).optional(),
});

export const listingExpiringSchema = z.strictObject({
  ...bulk,
  businessName: text(),
  listingName: text(),
  expiryDate: isoDateTime,
  pickupLocation: text(300),
  price: amount.optional(),
  currency: currency.optional(),
  quantityLeft: z.number().int().min(0).max(100_000).optional(),
  listingUrl: link,
  timeZone,
  locale: z.enum(LOCALES).optional(),
});

export const pickupReminderSchema = z.strictObject({
  ...base,
  businessName: text(),
  orderNumber: text(64),
  pickupTime: isoDateTime,
  pickupLocation: text(300),
  contactPerson: optText(100),
  contactPhone: optText(40),
  confirmationCode: optText(32),
  items,
  totalAmount: amount.optional(),
  currency: currency.optional(),
  orderUrl: link,
  timeZone,
  locale: z.enum(LOCALES).optional(),
});

export const interactionConfirmedSchema = z.strictObject({
  ...bulk,
  businessName: text(),
  orderNumber: text(64),
  pickupTime: isoDateTime,
  pickupLocation: text(300),
  confirmationCode: optText(32),
  items,
  totalAmount: amount.optional(),
  currency: currency.optional(),
  orderUrl: link,
  timeZone,
  locale: z.enum(LOCALES).optional(),
});

export const pickupMissedSchema = z.strictObject({
  ...bulk,
  audience: z.enum(["customer", "business"]),
  businessName: text(),
  customerName: optText(100),
  orderNumber: text(64),
  pickupTime: isoDateTime,
  orderUrl: link,
  timeZone,
  locale: z.enum(LOCALES).optional(),
});

export const orderStatusSchema = z.strictObject({
  ...bulk,
  businessName: text(),
  orderNumber: text(64),
  status: z.enum(["placed", "preparing", "ready"]),
  pickupTime: isoDateTime.optional(),
  orderUrl: link,
  timeZone,
  locale: z.enum(LOCALES).optional(),
});

export const interactionCompletedSchema = z.strictObject({
  ...bulk,
  businessName: text(),
  orderNumber: text(64),
  completedAt: isoDateTime,
  totalItems: z.number().int().min(0).max(100_000).optional(),
  impact: optText(200),
  reviewUrl: link,
  timeZone,
  locale: z.enum(LOCALES).optional(),
});

export const reviewReceivedSchema = z.strictObject({
  ...bulk,
  businessName: text(),
  reviewerName: text(100),
  rating: z.number().int().min(1).max(5),
  comment: optText(5000),
  listingName: optText(),
  reviewedAt: isoDateTime.optional(),
  reviewUrl: link,
  timeZone,
  locale: z.enum(LOCALES).optional(),
});

export const businessUpdateSchema = z.strictObject({
  ...bulk,
  businessName: text(),
  title: text(),
  body,
  actionUrl: link.optional(),
  actionLabel: optText(60),
  locale: z.enum(LOCALES).optional(),
});

export const systemAnnouncementSchema = z.strictObject({
  ...bulk,
  title: text(),
  body,
  actionUrl: link.optional(),
  actionLabel: optText(60),
  locale: z.enum(LOCALES).optional(),
});

export const welcomeSchema = z.strictObject({
  ...base,
  role: z.enum(["CUSTOMER", "NGO", "BUSINESS"]).optional(),
  getStartedUrl: link,
  locale: z.enum(LOCALES).optional(),
});

export const verificationStatusSchema = z.strictObject({
  ...base,
  status: z.enum(["approved", "rejected", "pending"]),
  organisationName: optText(),
  note: optText(2000),
  actionUrl: link,
  locale: z.enum(LOCALES).optional(),
});

export const securityAlertSchema = z.strictObject({
  ...base,
  event: z.enum(["new_sign_in", "password_changed", "email_changed", "api_key_created"]),
  occurredAt: isoDateTime,
  ipAddress: optText(64),
  device: optText(200),
  location: optText(200),
  secureAccountUrl: link,
  timeZone,
  locale: z.enum(LOCALES).optional(),
});

export const passwordResetSchema = z.strictObject({
  ...base,
  resetUrl: link,
  expiresInMinutes: z.number().int().min(1).max(7 * 24 * 60),
  requestedFromIp: optText(64),
  locale: z.enum(LOCALES).optional(),
});

export const bookingConfirmedSchema = z.strictObject({
  ...bulk,
  businessName: text(),
  bookingReference: text(64),
  pickupTime: isoDateTime,
  pickupLocation: text(300),
  items,
  totalAmount: amount.optional(),
  currency: currency.optional(),
  bookingUrl: link,
  timeZone,
  locale: z.enum(LOCALES).optional(),
});

export const bookingCancelledSchema = z.strictObject({
  ...bulk,
  businessName: text(),
  bookingReference: text(64),
  pickupTime: isoDateTime,
  cancelledBy: z.enum(["business", "customer", "system"]),
  reason: optText(1000),
  refundAmount: amount.optional(),
  currency: currency.optional(),
  browseUrl: link,
  timeZone,
  locale: z.enum(LOCALES).optional(),
});

export const billingSchema = z.strictObject({
  ...base,
  event: z.enum(["payment_succeeded", "payment_failed", "invoice_available", "subscription_renewing", "subscription_expiring", "subscription_canceled"]),
  amount,
  currency,
  planName: optText(100),
  invoiceNumber: optText(64),
  date: isoDateTime.optional(),
  paymentMethod: optText(100),
  billingUrl: link,
  timeZone,
  locale: z.enum(LOCALES).optional(),
});

export const digestSchema = z.strictObject({
  ...bulk,
  period: z.enum(["daily", "weekly"]),
  sections: z
    .array(
      z.strictObject({
        heading: text(80),
        moreUrl: link.optional(),
        noun: z.strictObject({ one: text(60), many: text(60) }).optional(),
        type: z.enum(NOTIFICATION_TYPE_NAMES as [NotificationType, ...NotificationType[]]).optional(),
        items: z
          .array(
            z.strictObject({
              title: text(),
              businessName: optText(),
              detail: optText(200),
              url: link,
            }),
          )
          .max(200),
      }),
    )
    .max(10),
  locale: z.enum(LOCALES).optional(),
});

export const announcementSchema = z.strictObject({
  ...bulk,
  title: text(),
  body,
  format: z.enum(["text", "markdown"]).optional(),
  clickTrackingUrl: link.optional(),
  preheader: optText(200),
  actionUrl: link.optional(),
  actionLabel: optText(60),
  senderName: optText(),
  locale: z.enum(LOCALES).optional(),
});

export const newsletterConfirmSchema = z.strictObject({
  ...base,
  confirmUrl: link,
  expiresInHours: z.number().int().min(1).max(24 * 30),
  locale: z.enum(LOCALES).optional(),
});

/** Standalone accounts (issue 17; server/services/accounts): the sign-up's confirmation link. */
export const verifyEmailSchema = z.strictObject({
  ...base,
  verifyUrl: link,
  expiresInHours: z.number().int().min(1).max(24 * 7),
  locale: z.enum(LOCALES).optional(),
});

/** Standalone accounts: a sign-up with the address of an existing account (its owner is told instead). */
export const accountExistsSchema = z.strictObject({
  ...base,
  signInUrl: link,
  resetUrl: link.optional(),
  locale: z.enum(LOCALES).optional(),
});

// ---------------------------------------------------------------------------------------------------------
// Registry
// ---------------------------------------------------------------------------------------------------------

/** Props of each template, by template name. */
export interface EmailPropsByTemplate {
  new_listing: NewListingEmailProps;
  listing_expiring: ListingExpiringEmailProps;
  pickup_reminder: PickupReminderEmailProps;
  interaction_confirmed: InteractionConfirmedEmailProps;
  interaction_completed: InteractionCompletedEmailProps;
  pickup_missed: PickupMissedEmailProps;
  order_status: OrderStatusEmailProps;
  review_received: ReviewReceivedEmailProps;
  business_update: BusinessUpdateEmailProps;
  system_announcement: SystemAnnouncementEmailProps;
  welcome: WelcomeEmailProps;
  verification_status: VerificationStatusEmailProps;
  security_alert: SecurityAlertEmailProps;
  password_reset: PasswordResetEmailProps;
  booking_confirmed: BookingConfirmedEmailProps;
  booking_cancelled: BookingCancelledEmailProps;
  billing: BillingEmailProps;
  digest: DigestEmailProps;
  announcement: AnnouncementEmailProps;
  newsletter_confirm: NewsletterConfirmEmailProps;
  verify_email: VerifyEmailEmailProps;
  account_exists: AccountExistsEmailProps;
}

/**
 * A template name: every catalog notification type, plus `announcement` (campaigns), `newsletter_confirm`
 * (double opt-in), and `verify_email` and `account_exists` (sign-up, server/services/accounts).
 */
export type EmailTemplateName = keyof EmailPropsByTemplate;

export interface EmailTemplateEntry<P> {
  /** The react-email component (default export of `emails/<name>.tsx`). */
  component: ComponentType<P>;
  /** The template's own subject builder (plain text, one line). */
  subject: (props: P) => string;
  /** Strict zod schema of the props. */
  schema: z.ZodType<P>;
  /** The template's `PreviewProps` (realistic sample data; used by `npm run email:dev`, tests and admin previews). */
  previewProps: P;
  /**
   * Transactional mail (the catalog's critical types): no unsubscribe link, no List-Unsubscribe headers,
   * sent regardless of email preferences. Everything else must carry an unsubscribe link (DESIGN §9).
   */
  transactional: boolean;
}

/** Every email template, keyed by name. `transactional` follows the catalog's `critical` flag. */
export const EMAIL_TEMPLATES: { readonly [N in EmailTemplateName]: EmailTemplateEntry<EmailPropsByTemplate[N]> } = {
  new_listing: {
    component: NewListingEmail,
    previewProps: NewListingEmail.PreviewProps,
    subject: newListingSubject,
    schema: newListingSchema,
    transactional: NOTIFICATION_TYPES.new_listing.critical,
  },
  listing_expiring: {
    component: ListingExpiringEmail,
    previewProps: ListingExpiringEmail.PreviewProps,
    subject: listingExpiringSubject,
    schema: listingExpiringSchema,
    transactional: NOTIFICATION_TYPES.listing_expiring.critical,
  },
  pickup_reminder: {
    component: PickupReminderEmail,
    previewProps: PickupReminderEmail.PreviewProps,
    subject: pickupReminderSubject,
    schema: pickupReminderSchema,
    transactional: NOTIFICATION_TYPES.pickup_reminder.critical,
  },
  interaction_confirmed: {
    component: InteractionConfirmedEmail,
    previewProps: InteractionConfirmedEmail.PreviewProps,
    subject: interactionConfirmedSubject,
    schema: interactionConfirmedSchema,
    transactional: NOTIFICATION_TYPES.interaction_confirmed.critical,
  },
  pickup_missed: {
    component: PickupMissedEmail,
    previewProps: PickupMissedEmail.PreviewProps,
    subject: pickupMissedSubject,
    schema: pickupMissedSchema,
    transactional: NOTIFICATION_TYPES.pickup_missed.critical,
  },
  order_status: {
    component: OrderStatusEmail,
    previewProps: OrderStatusEmail.PreviewProps,
    subject: orderStatusSubject,
    schema: orderStatusSchema,
    transactional: NOTIFICATION_TYPES.order_status.critical,
  },
  interaction_completed: {
    component: InteractionCompletedEmail,
    previewProps: InteractionCompletedEmail.PreviewProps,
    subject: interactionCompletedSubject,
    schema: interactionCompletedSchema,
    transactional: NOTIFICATION_TYPES.interaction_completed.critical,
  },
  review_received: {
    component: ReviewReceivedEmail,
    previewProps: ReviewReceivedEmail.PreviewProps,
    subject: reviewReceivedSubject,
    schema: reviewReceivedSchema,
    transactional: NOTIFICATION_TYPES.review_received.critical,
  },
  business_update: {
    component: BusinessUpdateEmail,
    previewProps: BusinessUpdateEmail.PreviewProps,
    subject: businessUpdateSubject,
    schema: businessUpdateSchema,
    transactional: NOTIFICATION_TYPES.business_update.critical,
  },
  system_announcement: {
    component: SystemAnnouncementEmail,
    previewProps: SystemAnnouncementEmail.PreviewProps,
    subject: systemAnnouncementSubject,
    schema: systemAnnouncementSchema,
    transactional: NOTIFICATION_TYPES.system_announcement.critical,
  },
  welcome: {
    component: WelcomeEmail,
    previewProps: WelcomeEmail.PreviewProps,
    subject: welcomeSubject,
    schema: welcomeSchema,
    transactional: NOTIFICATION_TYPES.welcome.critical,
  },
  verification_status: {
    component: VerificationStatusEmail,
    previewProps: VerificationStatusEmail.PreviewProps,
    subject: verificationStatusSubject,
    schema: verificationStatusSchema,
    transactional: NOTIFICATION_TYPES.verification_status.critical,
  },
  security_alert: {
    component: SecurityAlertEmail,
    previewProps: SecurityAlertEmail.PreviewProps,
    subject: securityAlertSubject,
    schema: securityAlertSchema,
    transactional: NOTIFICATION_TYPES.security_alert.critical,
  },
  password_reset: {
    component: PasswordResetEmail,
    previewProps: PasswordResetEmail.PreviewProps,
    subject: passwordResetSubject,
    schema: passwordResetSchema,
    transactional: NOTIFICATION_TYPES.password_reset.critical,
  },
  booking_confirmed: {
    component: BookingConfirmedEmail,
    previewProps: BookingConfirmedEmail.PreviewProps,
    subject: bookingConfirmedSubject,
    schema: bookingConfirmedSchema,
    transactional: NOTIFICATION_TYPES.booking_confirmed.critical,
  },
  booking_cancelled: {
    component: BookingCancelledEmail,
    previewProps: BookingCancelledEmail.PreviewProps,
    subject: bookingCancelledSubject,
    schema: bookingCancelledSchema,
    transactional: NOTIFICATION_TYPES.booking_cancelled.critical,
  },
  billing: {
    component: BillingEmail,
    previewProps: BillingEmail.PreviewProps,
    subject: billingSubject,
    schema: billingSchema,
    transactional: NOTIFICATION_TYPES.billing.critical,
  },
  digest: {
    component: DigestEmail,
    previewProps: DigestEmail.PreviewProps,
    subject: digestSubject,
    schema: digestSchema,
    transactional: NOTIFICATION_TYPES.digest.critical,
  },
  announcement: {
    component: AnnouncementEmail,
    previewProps: AnnouncementEmail.PreviewProps,
    subject: announcementSubject,
    schema: announcementSchema,
    transactional: false,
  },
  newsletter_confirm: {
    component: NewsletterConfirmEmail,
    previewProps: NewsletterConfirmEmail.PreviewProps,
    subject: newsletterConfirmSubject,
    schema: newsletterConfirmSchema,
    transactional: true,
  },
  verify_email: {
    component: VerifyEmailEmail,
    previewProps: VerifyEmailEmail.PreviewProps,
    subject: verifyEmailSubject,
    schema: verifyEmailSchema,
    transactional: true,
  },
  account_exists: {
    component: AccountExistsEmail,
    previewProps: AccountExistsEmail.PreviewProps,
    subject: accountExistsSubject,
    schema: accountExistsSchema,
    transactional: true,
  },
};

/** All template names, in registry order. */
export const EMAIL_TEMPLATE_NAMES = Object.keys(EMAIL_TEMPLATES) as EmailTemplateName[];

/** Narrows a string (e.g. a notification's `type`) to a template name. */
export function isEmailTemplateName(value: string): value is EmailTemplateName {
  return Object.hasOwn(EMAIL_TEMPLATES, value);
}

/**
 * Whether a template is transactional (no unsubscribe link or List-Unsubscribe headers).
 * Source: the catalog's `critical` flag (seed 001 §16.2); `announcement` is never transactional.
 */
export function isTransactionalTemplate(template: EmailTemplateName): boolean {
  return EMAIL_TEMPLATES[template].transactional;
}

/** html-to-text options on top of react-email's: keep headings as written (user titles are not shouted). */
const PLAIN_TEXT_OPTIONS = {
  selectors: ["h1", "h2", "h3", "h4"].map((selector) => ({ selector, options: { uppercase: false } })),
};

export interface RenderedEmail {
  /** One line, no control characters, ≤ 200 characters (`safeHeaderValue`). */
  subject: string;
  /** A complete XHTML document (`<!DOCTYPE …><html …>…</html>`). */
  html: string;
  /** The plain-text alternative, converted from the same render. */
  text: string;
  /** Copied from the registry, so the sender knows whether to add List-Unsubscribe headers. */
  transactional: boolean;
}

/**
 * Renders one email to subject, HTML and plain text.
 *
 * Props are validated with the template's strict zod schema first (unknown keys, wrong types, non-ISO
 * dates, a non-https `appUrl` are rejected); the HTML comes from one react-email render and the text is
 * converted from that same HTML with react-email's `toPlainText` (what `render(el, { plainText: true })`
 * does, without rendering twice). The subject goes through `safeHeaderValue`.
 *
 * @param template a name from {@link EMAIL_TEMPLATES}
 * @param props the template's props; `appUrl` is the app's public base URL (never read from env here)
 * @returns `{ subject, html, text, transactional }`
 * @throws AppError `VALIDATION_ERROR` for an unknown template or invalid props (`details.issues` lists
 *   `{ path, code, message }` without echoing values)
 */
export async function renderEmail<N extends EmailTemplateName>(template: N, props: EmailPropsByTemplate[N]): Promise<RenderedEmail> {
  if (!isEmailTemplateName(template)) {
    throw new AppError("VALIDATION_ERROR", `Unknown email template "${safeHeaderValue(String(template), 60)}"`);
  }
  const entry: EmailTemplateEntry<EmailPropsByTemplate[N]> = EMAIL_TEMPLATES[template];
  const parsed = entry.schema.safeParse(props);
  if (!parsed.success) {
    throw new AppError("VALIDATION_ERROR", `Invalid props for email template "${template}"`, {
      template,
      issues: parsed.error.issues.map((i) => ({ path: i.path.join("."), code: i.code, message: i.message })),
    });
  }
  const data = parsed.data;
  const html = await render(createElement(entry.component as ComponentType<object>, data as object));
  const text = toPlainText(html, PLAIN_TEXT_OPTIONS);
  return { subject: safeHeaderValue(entry.subject(data)), html, text, transactional: entry.transactional };
}
