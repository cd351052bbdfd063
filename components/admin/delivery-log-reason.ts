/**
 * The delivery log's reasons in the reader's language. A delivery row keeps the pipeline's reason code
 * ("quiet_hours", "fallback:push", …; their English is ADMIN_REASON_TEXT in
 * server/services/delivery/delivery-log.ts, which `reasonText` carries), a push's "2 of 3 devices", or a
 * provider's own error message: the codes and the device count are worded from the catalog
 * (`deliveryLog.reason.*`); a provider's message is shown as the provider wrote it.
 */

/** The reason codes with words of their own (the daily cap reads differently for push and SMS). */
const CODES = [
  "channel_off",
  "unsubscribed",
  "preference",
  "suppressed",
  "quiet_hours",
  "frequency_cap",
  "critical",
  "no_device",
  "no_phone",
  "opted_out",
  "read",
  "expired",
  "devices_gone",
  "no_active_device",
] as const;

/** A key under `deliveryLog.reason`. */
export type ReasonKey = (typeof CODES)[number] | "frequency_cap_mobile" | "fallback_push" | "fallback_sms" | "someDevices";

/** How to say one reason: a catalog key under `deliveryLog.reason` and its values. */
export interface ReasonMessage {
  key: ReasonKey;
  values?: { sent: string; count: number };
}

/** The catalog message for a stored reason, or null for no reason or a provider's own words. */
export function reasonMessage(reason: string | null, channel: string): ReasonMessage | null {
  if (!reason) return null;
  if (reason === "frequency_cap" && channel !== "EMAIL") return { key: "frequency_cap_mobile" };
  if (reason === "fallback:push") return { key: "fallback_push" };
  if (reason === "fallback:sms") return { key: "fallback_sms" };
  if ((CODES as readonly string[]).includes(reason)) return { key: reason as ReasonKey };
  const devices = /^(\d+) of (\d+) devices$/.exec(reason);
  if (devices) return { key: "someDevices", values: { sent: devices[1]!, count: Number(devices[2]) } };
  return null;
}

/**
 * A reason in words: the catalog's for a code (through `say`, which looks up `deliveryLog.reason.<key>`),
 * else the server's text (a provider's message), else null.
 */
export function reasonWords(
  say: (key: ReasonKey, values?: ReasonMessage["values"]) => string,
  reason: string | null,
  reasonText: string | null,
  channel: string,
): string | null {
  const m = reasonMessage(reason, channel);
  return m ? say(m.key, m.values) : reasonText;
}
