/**
 * The catalogs (messages/<locale>/*.json) stay complete and well-formed: every key of every language is in every
 * other, each message is valid ICU MessageFormat that renders, and a translation uses exactly the
 * placeholders and tags of the English one (a renamed `{business}` would print nothing, or the raw name).
 */
import { describe, expect, it } from "vitest";
import { createTranslator } from "use-intl/core";
import { LOCALES, INTL_LOCALE } from "@/lib/i18n";
import { MESSAGES } from "./index";

type Tree = { [key: string]: string | Tree };

/** Every leaf as `path → message`. */
function leaves(tree: Tree, prefix = ""): Map<string, string> {
  const out = new Map<string, string>();
  for (const [k, v] of Object.entries(tree)) {
    if (typeof v === "string") out.set(prefix + k, v);
    else for (const [p, m] of leaves(v, `${prefix}${k}.`)) out.set(p, m);
  }
  return out;
}

/** The arguments (`{name}`, `{count, plural, …}`) and tags (`<hidden>`) a message uses. */
function slots(message: string): string[] {
  const args = [...message.matchAll(/\{\s*([A-Za-z_]\w*)\s*[,}]/g)].map((m) => `{${m[1]}}`);
  const tags = [...message.matchAll(/<(\w+)>/g)].map((m) => `<${m[1]}>`);
  return [...new Set([...args, ...tags])].sort();
}

const english = leaves(MESSAGES.en as unknown as Tree);

describe("message catalogs", () => {
  it("have the same keys in every language", () => {
    for (const locale of LOCALES) {
      const keys = [...leaves(MESSAGES[locale] as unknown as Tree).keys()].sort();
      expect({ locale, keys }).toEqual({ locale, keys: [...english.keys()].sort() });
    }
  });

  it("use exactly the English placeholders and tags, and render without errors", () => {
    for (const locale of LOCALES) {
      const errors: string[] = [];
      const t = createTranslator({
        locale: INTL_LOCALE[locale],
        messages: MESSAGES[locale] as unknown as Tree,
        onError: (e) => errors.push(`${locale}: ${e.message}`),
      }) as unknown as { (key: string, values?: Record<string, unknown>): string; rich: (key: string, values?: Record<string, unknown>) => unknown };
      for (const [key, message] of leaves(MESSAGES[locale] as unknown as Tree)) {
        expect({ locale, key, slots: slots(message) }).toEqual({ locale, key, slots: slots(english.get(key)!) });
        const values: Record<string, unknown> = {};
        for (const s of slots(message)) {
          if (s.startsWith("{")) values[s.slice(1, -1)] = s === "{count}" ? 2 : "x";
          else values[s.slice(1, -1)] = (chunks: unknown) => chunks;
        }
        if (slots(message).some((s) => s.startsWith("<"))) t.rich(key, values);
        else expect(t(key, values)).not.toBe(key);
      }
      expect(errors).toEqual([]);
    }
  });

  it("catch a broken translation (so passing means something)", () => {
    expect(slots("Nuut by {besigheid}: {listing}")).not.toEqual(slots(english.get("notification.newListing.title")!));
    const errors: string[] = [];
    const t = createTranslator({ locale: "af", messages: { x: "{count, plural, one {#" }, onError: (e) => errors.push(e.code) });
    t("x" as never, { count: 1 } as never);
    expect(errors).toEqual(["INVALID_MESSAGE"]);
  });

  it("pluralize in each language's own rules", () => {
    const count = (locale: (typeof LOCALES)[number], n: number) =>
      createTranslator({ locale: INTL_LOCALE[locale], messages: MESSAGES[locale] })("types.new_listing.count", { count: n });
    expect([count("en", 1), count("en", 5)]).toEqual(["1 new listing", "5 new listings"]);
    expect([count("af", 1), count("af", 5)]).toEqual(["1 nuwe aanbod", "5 nuwe aanbiedinge"]);
    expect([count("zu", 1), count("zu", 5)]).toEqual(["Okunikezwayo okusha oku-1", "Okunikezwayo okusha okungu-5"]);
  });
});
