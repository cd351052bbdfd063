/**
 * The message catalogs by language (see lib/i18n.ts), one folder per language and one file per area of the
 * app: `app.json` (header, inbox, bell, preference center, the new-listing email), `public.json` (sign-in,
 * businesses, following, listings, unsubscribe, newsletter, error pages), `account.json` (the settings
 * pages besides notifications), `business.json` (the business dashboard and composer), `admin.json` (admin users, API keys, webhooks,
 * the admin tabs), `campaigns.json`, `segments.json`, `reports.json` (delivery log and analytics), `embed.json` (the
 * embeddable inbox `<herald-inbox>`, bundled into /embed.js by scripts/build-embed.ts),
 * `emails.json` (email, SMS and push texts), `notices.json` (the titles and bodies of notifications to named
 * recipients, rendered in each one's language by server/services/delivery/notify.ts), `billing.json` (the texts of
 * Stripe billing notices: server/services/billing), `accounts.json` (sign-up, email verification and password
 * reset pages, and their emails: server/services/accounts), `sso.json` (sign-in with the platform's identity provider:
 * the button on /signin and its errors, server/auth-oidc.ts), `validation.json` (the wording of input checks that carry no
 * message of their own, and wait times, for server/i18n-errors.ts). Each file holds top-level
 * namespaces of its own; {@link merge} refuses two files that define the same one.
 *
 * English is the reference: its shape is the type `Messages`, which `use-intl`'s `AppConfig` is augmented
 * with (messages/types.d.ts), so a key missing from English fails the type check and one missing elsewhere
 * fails messages/messages.test.ts.
 */
import { createTranslator } from "use-intl/core";
import enApp from "./en/app.json";
import enPublic from "./en/public.json";
import enAccount from "./en/account.json";
import enBusiness from "./en/business.json";
import enAdmin from "./en/admin.json";
import enCampaigns from "./en/campaigns.json";
import enEmails from "./en/emails.json";
import enReports from "./en/reports.json";
import enSegments from "./en/segments.json";
import enEmbed from "./en/embed.json";
import enNotices from "./en/notices.json";
import enBilling from "./en/billing.json";
import enAccounts from "./en/accounts.json";
import enSso from "./en/sso.json";
import enValidation from "./en/validation.json";
import afApp from "./af/app.json";
import afPublic from "./af/public.json";
import afAccount from "./af/account.json";
import afBusiness from "./af/business.json";
import afAdmin from "./af/admin.json";
import afCampaigns from "./af/campaigns.json";
import afEmails from "./af/emails.json";
import afReports from "./af/reports.json";
import afSegments from "./af/segments.json";
import afEmbed from "./af/embed.json";
import afNotices from "./af/notices.json";
import afBilling from "./af/billing.json";
import afAccounts from "./af/accounts.json";
import afSso from "./af/sso.json";
import afValidation from "./af/validation.json";
import zuApp from "./zu/app.json";
import zuPublic from "./zu/public.json";
import zuAccount from "./zu/account.json";
import zuBusiness from "./zu/business.json";
import zuAdmin from "./zu/admin.json";
import zuCampaigns from "./zu/campaigns.json";
import zuEmails from "./zu/emails.json";
import zuReports from "./zu/reports.json";
import zuSegments from "./zu/segments.json";
import zuEmbed from "./zu/embed.json";
import zuNotices from "./zu/notices.json";
import zuBilling from "./zu/billing.json";
import zuAccounts from "./zu/accounts.json";
import zuSso from "./zu/sso.json";
import zuValidation from "./zu/validation.json";
import { INTL_LOCALE, type Locale } from "../lib/i18n";

/**
 * One language's area files as one catalog.
 * @throws Error when two files define the same top-level namespace (one would silently hide the other)
 */
function merge<T extends object[]>(...files: T): UnionToIntersection<T[number]> {
  const out: Record<string, unknown> = {};
  for (const file of files) {
    for (const [namespace, value] of Object.entries(file)) {
      if (namespace in out) throw new Error(`messages: the namespace "${namespace}" is defined twice`);
      out[namespace] = value;
    }
  }
  return out as UnionToIntersection<T[number]>;
}
type UnionToIntersection<U> = (U extends unknown ? (x: U) => void : never) extends (x: infer I) => void ? I : never;

const en = merge(enApp, enPublic, enAccount, enBusiness, enAdmin, enCampaigns, enEmails, enReports, enSegments, enEmbed, enNotices, enBilling, enAccounts, enSso, enValidation);

export type Messages = typeof en;

export const MESSAGES: Record<Locale, Messages> = {
  en,
  af: merge(afApp, afPublic, afAccount, afBusiness, afAdmin, afCampaigns, afEmails, afReports, afSegments, afEmbed, afNotices, afBilling, afAccounts, afSso, afValidation) as Messages,
  zu: merge(zuApp, zuPublic, zuAccount, zuBusiness, zuAdmin, zuCampaigns, zuEmails, zuReports, zuSegments, zuEmbed, zuNotices, zuBilling, zuAccounts, zuSso, zuValidation) as Messages,
};

/**
 * A translator for `locale` with full keys (`t("email.newListing.subject", { business, listing })`): ICU
 * plurals, and formats through `Intl` in the language's South African tag ({@link INTL_LOCALE}). Loads on the
 * server and in the react-email preview; the browser gets its one catalog from the layout instead.
 */
export function translator(locale: Locale) {
  return createTranslator({ locale: INTL_LOCALE[locale], messages: MESSAGES[locale] });
}
