/**
 * Typed {@link LocalText}s for notices: `noticeText("bookingConfirmed.title", { business })` checks the key
 * against the English catalog (messages/en/notices.json, namespace `notice`) at compile time; notify.ts renders
 * it in each recipient's language when the row is stored.
 */
import type { Messages } from "@/messages";
import type { LocalText } from "./notify";

/** Every message path of `T` ("a.b.c"). */
type Paths<T, P extends string = ""> = {
  [K in keyof T & string]: T[K] extends string ? `${P}${K}` : Paths<T[K], `${P}${K}.`>;
}[keyof T & string];

/** A key of the `notice` namespace. */
export type NoticeKey = Paths<Messages["notice"]>;

/** The notice text `key` with its ICU `values` (the caller's words: names, order numbers — never translated). */
export function noticeText(key: NoticeKey, values?: Record<string, string | number>): LocalText {
  return values ? { key, values } : { key };
}
