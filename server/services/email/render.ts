/**
 * Email rendering (docs/requirements.md R9.5): every template in `emails/` rendered to HTML and plain text
 * together, after its props are validated with the template's strict zod schema. Each template file declares
 * its props once, as an exported `schema` (built from emails/components/schema.ts), with the props type
 * `z.infer` of it; {@link TEMPLATE_MODULES} below is the one list of templates: the catalog's notification
 * types (server/services/notifications/catalog.ts), the generic `announcement`, and the account and
 * newsletter emails.
 *
 * Safety rules (issue "email templates"): no CR/LF from user text reaches a header (`safeHeaderValue`),
 * all user text is rendered as React children (escaped; nothing uses `dangerouslySetInnerHTML`), and every
 * link target goes through `safeActionUrl` inside the templates.
 *
 * No "server-only" import here: the react-email preview server and tests load these modules directly.
 */
import { createElement, type ComponentType } from "react";
import { render, toPlainText } from "react-email";
import type { z } from "zod";
import { AppError } from "@/server/services/errors";
import { NOTIFICATION_TYPES } from "@/server/services/notifications/catalog";
import { safeActionUrl, safeHeaderValue } from "@/emails/components/safety";
import * as newListing from "@/emails/new-listing";
import * as listingExpiring from "@/emails/listing-expiring";
import * as pickupReminder from "@/emails/pickup-reminder";
import * as interactionConfirmed from "@/emails/interaction-confirmed";
import * as interactionCompleted from "@/emails/interaction-completed";
import * as pickupMissed from "@/emails/pickup-missed";
import * as orderStatus from "@/emails/order-status";
import * as reviewReceived from "@/emails/review-received";
import * as businessUpdate from "@/emails/business-update";
import * as systemAnnouncement from "@/emails/system-announcement";
import * as welcome from "@/emails/welcome";
import * as verificationStatus from "@/emails/verification-status";
import * as securityAlert from "@/emails/security-alert";
import * as passwordReset from "@/emails/password-reset";
import * as bookingConfirmed from "@/emails/booking-confirmed";
import * as bookingCancelled from "@/emails/booking-cancelled";
import * as billing from "@/emails/billing";
import * as digest from "@/emails/digest";
import * as announcement from "@/emails/announcement";
import * as newsletterConfirm from "@/emails/newsletter-confirm";
import * as verifyEmail from "@/emails/verify-email";
import * as accountExists from "@/emails/account-exists";

export { safeActionUrl, safeHeaderValue };

// ---------------------------------------------------------------------------------------------------------
// Registry
// ---------------------------------------------------------------------------------------------------------

/**
 * The one list of templates: name → the module `emails/<name>.tsx` (its default export is the component,
 * with `PreviewProps`; `subject(props)`; `schema`). A catalog type's template has the type's name.
 */
const TEMPLATE_MODULES = {
  new_listing: newListing,
  listing_expiring: listingExpiring,
  pickup_reminder: pickupReminder,
  interaction_confirmed: interactionConfirmed,
  pickup_missed: pickupMissed,
  order_status: orderStatus,
  interaction_completed: interactionCompleted,
  review_received: reviewReceived,
  business_update: businessUpdate,
  system_announcement: systemAnnouncement,
  welcome,
  verification_status: verificationStatus,
  security_alert: securityAlert,
  password_reset: passwordReset,
  booking_confirmed: bookingConfirmed,
  booking_cancelled: bookingCancelled,
  billing,
  digest,
  announcement,
  newsletter_confirm: newsletterConfirm,
  verify_email: verifyEmail,
  account_exists: accountExists,
};

/**
 * A template name: every catalog notification type, plus `announcement` (campaigns), `newsletter_confirm`
 * (double opt-in), and `verify_email` and `account_exists` (sign-up, server/services/accounts).
 */
export type EmailTemplateName = keyof typeof TEMPLATE_MODULES;

/** Props of each template, by template name: `z.infer` of the template's `schema`. */
export type EmailPropsByTemplate = { [N in EmailTemplateName]: z.infer<(typeof TEMPLATE_MODULES)[N]["schema"]> };

/**
 * Whether each template that is not a catalog type is transactional (no unsubscribe link, sent whatever the
 * email preferences say): the newsletter confirmation and the sign-up emails are; campaign announcements are not.
 */
const NOT_IN_CATALOG = { announcement: false, newsletter_confirm: true, verify_email: true, account_exists: true } as const;

export interface EmailTemplateEntry<P> {
  /** The react-email component (default export of `emails/<name>.tsx`). */
  component: ComponentType<P>;
  /** The template's own subject builder (plain text, one line). */
  subject: (props: P) => string;
  /** Strict zod schema of the props (the template's exported `schema`). */
  schema: z.ZodType<P>;
  /** The template's `PreviewProps` (realistic sample data; used by `npm run email:dev`, tests and admin previews). */
  previewProps: P;
  /**
   * Transactional mail (the catalog's critical types): no unsubscribe link, no List-Unsubscribe headers,
   * sent regardless of email preferences. Everything else must carry an unsubscribe link (docs/requirements.md R9.1).
   */
  transactional: boolean;
}

/** What a template module exports, with its parts agreeing on one props type `P`. */
interface TemplateModule<P> {
  default: ComponentType<P> & { PreviewProps: P };
  subject: (props: P) => string;
  schema: z.ZodType<P>;
}

/** The list, checked at compile time: each module's component, subject and preview props take its schema's output. */
const CHECKED_MODULES: { readonly [N in EmailTemplateName]: TemplateModule<EmailPropsByTemplate[N]> } = TEMPLATE_MODULES;

/** Every email template, keyed by name. `transactional` follows the catalog's `critical` flag. */
export const EMAIL_TEMPLATES = Object.fromEntries(
  (Object.keys(CHECKED_MODULES) as EmailTemplateName[]).map((name) => {
    const m = CHECKED_MODULES[name] as TemplateModule<unknown>;
    const transactional = Object.hasOwn(NOT_IN_CATALOG, name)
      ? NOT_IN_CATALOG[name as keyof typeof NOT_IN_CATALOG]
      : NOTIFICATION_TYPES[name as Exclude<EmailTemplateName, keyof typeof NOT_IN_CATALOG>].critical;
    const entry: EmailTemplateEntry<unknown> = { component: m.default, subject: m.subject, schema: m.schema, previewProps: m.default.PreviewProps, transactional };
    return [name, entry];
  }),
) as { readonly [N in EmailTemplateName]: EmailTemplateEntry<EmailPropsByTemplate[N]> };

/** All template names, in registry order. */
export const EMAIL_TEMPLATE_NAMES = Object.keys(EMAIL_TEMPLATES) as EmailTemplateName[];

/** Narrows a string (e.g. a notification's `type`) to a template name. */
export function isEmailTemplateName(value: string): value is EmailTemplateName {
  return Object.hasOwn(EMAIL_TEMPLATES, value);
}

/**
 * Whether a template is transactional (no unsubscribe link or List-Unsubscribe headers).
 * Source: the catalog's `critical` flag (docs/requirements.md R4.3, R9.1); for the templates outside the catalog,
 * `NOT_IN_CATALOG` (`announcement` is never transactional).
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
