/**
 * SMS length accounting (issue 7 "160-character awareness"). Pure functions, no server imports, so a client
 * component may use them for a live counter too. "Segment" here is an SMS message part (what a long text is
 * split into and billed by), not an audience segment (/admin/segments, server/services/campaigns/segments.ts).
 *
 * Rules (3GPP TS 23.038 and the concatenation header of TS 23.040, as carriers and Twilio apply them):
 * - A body written only with the GSM 03.38 default alphabet is sent as GSM-7: 160 septets fit one segment;
 *   longer bodies are split into segments of 153 septets (7 septets go to the concatenation header).
 *   Characters of the extension table (`^ { } \ [ ~ ] | €` and form feed) take two septets (ESC + char), and
 *   an ESC pair is never split across two segments.
 * - Any other character makes the whole body UCS-2 (UTF-16 on the wire): 70 code units fit one segment, 67
 *   per segment beyond that; a surrogate pair (an emoji, for instance) is never split across two segments.
 * Twilio bills and caps by these segments (its Messages API refuses bodies over 1,600 characters).
 */

/** The GSM 03.38 default alphabet (every character except ESC, 0x1B). LF and CR are part of it. */
const GSM7_BASIC =
  "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?" +
  "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";

/** The GSM 03.38 extension table: each costs two septets (ESC + the character). */
const GSM7_EXTENSION = "\f^{}\\[~]|€";

const BASIC = new Set(Array.from(GSM7_BASIC));
const EXTENSION = new Set(Array.from(GSM7_EXTENSION));

/** Septets (GSM-7) or UTF-16 code units (UCS-2) per segment. */
export const SMS_SEGMENT_LIMITS = {
  "GSM-7": { single: 160, multi: 153 },
  "UCS-2": { single: 70, multi: 67 },
} as const;

export type SmsEncoding = keyof typeof SMS_SEGMENT_LIMITS;

export interface SmsSegmentInfo {
  /** GSM-7 when every character is in the GSM 03.38 alphabet (basic or extension), else UCS-2. */
  encoding: SmsEncoding;
  /** Segments the body is sent (and billed) as; 0 for an empty body. */
  segments: number;
  /** Encoded length: septets for GSM-7 (extension characters count 2), UTF-16 code units for UCS-2. */
  length: number;
}

/** Whether one character (a code point) is in the GSM-7 alphabet, basic or extension table. */
export function isGsm7Char(ch: string): boolean {
  return BASIC.has(ch) || EXTENSION.has(ch);
}

/** Whether the whole text can be sent as GSM-7. */
export function isGsm7(text: string): boolean {
  for (const ch of text) if (!isGsm7Char(ch)) return false;
  return true;
}

/** Cost of one code point in the encoding's units (septets or UTF-16 code units). */
function unitCost(ch: string, encoding: SmsEncoding): number {
  if (encoding === "UCS-2") return ch.length; // 2 for astral code points (surrogate pairs)
  return EXTENSION.has(ch) ? 2 : 1;
}

/**
 * Counts the segments a body needs, packing characters the way the handset does: a character that would
 * straddle a segment boundary (an ESC pair, a surrogate pair) moves whole to the next segment.
 * @param body the message text exactly as it will be sent
 * @returns `{ encoding, segments, length }`; e.g. 160 × "a" is `{ "GSM-7", 1, 160 }`, 161 × "a" is 2 segments,
 *   one emoji is `{ "UCS-2", 1, 2 }`.
 */
export function countSmsSegments(body: string): SmsSegmentInfo {
  const encoding: SmsEncoding = isGsm7(body) ? "GSM-7" : "UCS-2";
  const limits = SMS_SEGMENT_LIMITS[encoding];
  let length = 0;
  for (const ch of body) length += unitCost(ch, encoding);
  if (length === 0) return { encoding, segments: 0, length };
  if (length <= limits.single) return { encoding, segments: 1, length };
  let segments = 1;
  let used = 0;
  for (const ch of body) {
    const cost = unitCost(ch, encoding);
    if (used + cost > limits.multi) {
      segments++;
      used = 0;
    }
    used += cost;
  }
  return { encoding, segments, length };
}

/** Units (septets or UTF-16 code units) left in `segments` segments once `body` is written; negative when over. */
export function smsUnitsLeft(body: string, segments = 1): number {
  const info = countSmsSegments(body);
  const limits = SMS_SEGMENT_LIMITS[info.encoding];
  const capacity = segments <= 1 ? limits.single : segments * limits.multi;
  return capacity - info.length;
}
