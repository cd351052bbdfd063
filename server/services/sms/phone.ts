import "server-only";
/**
 * Phone numbers (issue 7; docs/requirements.md R11.1): validated before sending, with libphonenumber-js
 * (Google's libphonenumber metadata, maintained) and stored in E.164 (`+27821234567`).
 *
 * Choices, documented:
 * - The `max` metadata build is used (about 65 kB more than the default `min`): `min` checks only lengths,
 *   so `isValid()` would accept any digits of the right length, and `getType()` would be unknown.
 * - Only numbers that can receive texts are accepted: type MOBILE, FIXED_LINE_OR_MOBILE (regions such as
 *   the US and Canada where the digits do not tell the two apart), or no type at all (a region whose metadata
 *   has no type patterns). Fixed lines, toll-free, premium-rate, shared-cost, VoIP, personal numbers, pagers,
 *   UAN and voicemail numbers are refused with a message that says so.
 * - Input is digits with `+ ( ) - .` and spaces only: letters (vanity numbers, "ext. 12") are refused
 *   instead of letting the parser pick digits out of free text.
 * - A number without a country code is read in `SMS_DEFAULT_COUNTRY` (default ZA: `082 123 4567` is
 *   `+27821234567`); `00` and `+` international prefixes work from anywhere.
 */
import { getCountryCallingCode, isSupportedCountry, parsePhoneNumberFromString, validatePhoneNumberLength, type CountryCode } from "libphonenumber-js/max";
import { env } from "../../env";
import { AppError } from "../errors";

export type { CountryCode };

/** Longest input accepted before parsing (characters). */
export const PHONE_INPUT_MAX = 40;

const ALLOWED_INPUT = /^[0-9+()\-.\s]+$/;
const SMS_CAPABLE = new Set(["MOBILE", "FIXED_LINE_OR_MOBILE", undefined]);
/** The refusal for each kind of number that cannot receive texts (libphonenumber types), a whole sentence each so each is translated. */
const NOT_MOBILE: Record<string, string> = {
  FIXED_LINE: "That looks like a landline number. Enter a mobile number.",
  TOLL_FREE: "That looks like a toll-free number. Enter a mobile number.",
  PREMIUM_RATE: "That looks like a premium-rate number. Enter a mobile number.",
  SHARED_COST: "That looks like a shared-cost number. Enter a mobile number.",
  VOIP: "That looks like an internet (VoIP) number. Enter a mobile number.",
  PERSONAL_NUMBER: "That looks like a personal forwarding number. Enter a mobile number.",
  PAGER: "That looks like a pager number. Enter a mobile number.",
  UAN: "That looks like a company switchboard number. Enter a mobile number.",
  VOICEMAIL: "That looks like a voicemail number. Enter a mobile number.",
};

/** The region used for numbers typed without a country code (`SMS_DEFAULT_COUNTRY`, default "ZA"). */
export function defaultSmsCountry(): CountryCode {
  const code = env("sms").SMS_DEFAULT_COUNTRY;
  if (!isSupportedCountry(code)) throw new Error(`SMS_DEFAULT_COUNTRY=${code} is not a region libphonenumber-js knows`);
  return code;
}

/** The default region with its English name and calling code, for the hint next to the phone field. */
export function defaultSmsCountryInfo(): { code: CountryCode; name: string; callingCode: string } {
  const code = defaultSmsCountry();
  const name = new Intl.DisplayNames(["en"], { type: "region" }).of(code) ?? code;
  return { code, name, callingCode: getCountryCallingCode(code) };
}

function invalid(message: string, reason: string): AppError {
  return new AppError("VALIDATION_ERROR", message, { phone: [message], reason });
}

/**
 * Validates a phone number typed by a person and returns it in E.164.
 * @param input e.g. `"082 123 4567"`, `"+27 82 123 4567"`, `"0027821234567"`
 * @param defaultCountry region for numbers without a country code (default: {@link defaultSmsCountry})
 * @returns the number in E.164, e.g. `"+27821234567"`
 * @throws AppError VALIDATION_ERROR (details `{ phone: [message], reason }`, reason one of `empty`,
 *   `characters`, `too_short`, `too_long`, `country`, `invalid`, `not_mobile`) with a message for people.
 */
export function normalizePhone(input: string, defaultCountry?: CountryCode): string {
  const raw = String(input ?? "").trim();
  if (raw === "") throw invalid("Enter a mobile number.", "empty");
  if (raw.length > PHONE_INPUT_MAX) throw invalid("That is too long for a phone number.", "too_long");
  if (!ALLOWED_INPUT.test(raw)) throw invalid("Use digits only, with an optional + and spaces, brackets or dashes.", "characters");
  const country = defaultCountry ?? defaultSmsCountry();
  const length = validatePhoneNumberLength(raw, country);
  if (length === "TOO_SHORT" || length === "NOT_A_NUMBER") throw invalid("That number is too short. Check the digits.", "too_short");
  if (length === "TOO_LONG") throw invalid("That number has too many digits.", "too_long");
  if (length === "INVALID_COUNTRY") throw invalid("Add the country code, e.g. +44 for the United Kingdom.", "country");
  const parsed = parsePhoneNumberFromString(raw, country);
  if (!parsed || !parsed.isValid()) throw invalid("That is not a valid phone number. Check the digits and the country code.", "invalid");
  const type = parsed.getType();
  if (!SMS_CAPABLE.has(type)) {
    throw invalid(NOT_MOBILE[type!] ?? "That looks like a number that cannot receive texts. Enter a mobile number.", "not_mobile");
  }
  return parsed.number;
}

/** An E.164 number for people: `+27 82 123 4567` (international format). Returns the input when it does not parse. */
export function formatPhone(e164: string): string {
  return parsePhoneNumberFromString(e164)?.formatInternational() ?? e164;
}

/** Whether a string is already in E.164 form (`+` and 7–15 digits); says nothing about validity. */
export function isE164(value: string): boolean {
  return /^\+[1-9]\d{6,14}$/.test(value);
}
