"use client";
/**
 * The browser's side of i18n: `use-intl`'s provider with the one catalog the layout chose
 * (server/i18n.ts), so client components call `useTranslations()` and `useFormatter()`.
 */
import type { ReactNode } from "react";
import { IntlProvider, IntlErrorCode, type IntlError } from "use-intl";
import { INTL_LOCALE, type Locale } from "@/lib/i18n";
import type { Messages } from "@/messages";

/** No time zone on a signed-out page: the browser's own is right there, so that is not an error. */
function onError(error: IntlError) {
  if (error.code === IntlErrorCode.ENVIRONMENT_FALLBACK) return;
  console.error(error);
}

export function I18nProvider(props: { locale: Locale; messages: Messages; timeZone?: string; children: ReactNode }) {
  return (
    <IntlProvider locale={INTL_LOCALE[props.locale]} messages={props.messages} timeZone={props.timeZone} onError={onError}>
      {props.children}
    </IntlProvider>
  );
}
