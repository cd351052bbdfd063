/**
 * Mail merge for bulk email (listing fan-out, campaigns): a template is rendered once with placeholders,
 * then each recipient's first name (HTML-escaped in the HTML part), signed unsubscribe token and, for
 * tracked links, click token are substituted. One render serves thousands of recipients.
 */
import { CLICK_TOKEN } from "./click-tracking";

/** Placeholder for the recipient's first name (rendered as `recipientName`). */
export const NAME_PLACEHOLDER = "%%HERALD_RECIPIENT_NAME%%";
/** Placeholder for the recipient's unsubscribe token (inside the unsubscribe URL). */
export const UNSUBSCRIBE_PLACEHOLDER = "HERALD_UNSUBSCRIBE_TOKEN";

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * The rendered template's HTML and text for one recipient.
 * @param r.clickToken the recipient's click token, when the template's links are tracked
 */
export function mergeRecipient(
  t: { html: string; text: string },
  r: { firstName: string; unsubscribeToken: string; clickToken?: string },
): { html: string; text: string } {
  const fill = (s: string, name: string) => {
    const out = s.replaceAll(NAME_PLACEHOLDER, name).replaceAll(UNSUBSCRIBE_PLACEHOLDER, r.unsubscribeToken);
    return r.clickToken ? out.replaceAll(CLICK_TOKEN, r.clickToken) : out;
  };
  return { html: fill(t.html, escapeHtml(r.firstName)), text: fill(t.text, r.firstName) };
}
