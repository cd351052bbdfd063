/**
 * Twilio's request signature (`X-Twilio-Signature`), per https://www.twilio.com/docs/usage/webhooks/webhooks-security:
 * take the full URL Twilio requested (scheme, host, path and query string), append every POST parameter
 * sorted by name as name + value with no separators (a repeated name: its distinct values sorted, each as
 * name + value), HMAC-SHA1 the UTF-8 string with the account's auth token, and base64 the digest.
 * Twilio is inconsistent about explicit standard ports, so — as its own libraries do — the URL is checked
 * with and without `:443`/`:80`. Comparison is constant-time. Pure; no server imports.
 */
import { createHmac } from "node:crypto";
import { constantTimeEqual } from "../../signing";

/** Form parameters by name, each with every value received (URLSearchParams → {@link formParams}). */
export type TwilioParams = Record<string, string[]>;

/** Groups a form body's parameters by name, keeping repeated names. */
export function formParams(form: URLSearchParams): TwilioParams {
  const out: TwilioParams = {};
  for (const [k, v] of form) (out[k] ??= []).push(v);
  return out;
}

/** The expected base64 signature of `url` + `params` under `authToken`. */
export function twilioSignature(authToken: string, url: string, params: TwilioParams): string {
  let data = url;
  for (const name of Object.keys(params).sort()) {
    for (const value of [...new Set(params[name])].sort()) data += name + value;
  }
  return createHmac("sha1", authToken).update(Buffer.from(data, "utf8")).digest("base64");
}

/** `url` as given, with its standard port written out, and without any port (distinct values). */
function urlVariants(url: string): string[] {
  const out = new Set<string>([url]);
  try {
    const u = new URL(url);
    const standard = u.protocol === "https:" ? "443" : u.protocol === "http:" ? "80" : "";
    if (!u.port && standard) out.add(`${u.protocol}//${u.host}:${standard}${u.pathname}${u.search}`);
    if (u.port === standard || !u.port) {
      const bare = new URL(url);
      bare.port = "";
      out.add(bare.toString());
    }
  } catch {
    // not a URL: only the string itself
  }
  return [...out];
}

/**
 * Whether `signature` is Twilio's signature of this request for any of `urls` (the configured webhook URL,
 * the URL the request arrived at), each with and without its standard port.
 */
export function verifyTwilioSignature(authToken: string, signature: string | null, urls: readonly string[], params: TwilioParams): boolean {
  if (!signature || signature.length > 200) return false;
  const given = Buffer.from(signature, "utf8");
  let ok = false;
  for (const url of new Set(urls.flatMap(urlVariants))) {
    const expected = Buffer.from(twilioSignature(authToken, url, params), "utf8");
    // No early exit: every candidate is compared, in constant time.
    if (constantTimeEqual(expected, given)) ok = true;
  }
  return ok;
}
