"use client";
/**
 * Campaigns and segments in the reader's language (the `campaigns` catalog namespace): statuses, roles,
 * channels, audiences and their sizes ("1,234 people · 1,100 reachable by email"), counts, percentages and
 * times through `Intl` in the reader's locale, and {@link errorOf} with its own words translated.
 */
import { useFormatter, useTranslations } from "use-intl";
import { asAudience, errorOf, type AudienceSize, type CampaignStatus, type Role } from "./campaign-types";

type Channel = "IN_APP" | "EMAIL" | "PUSH" | "SMS";

/** The wording helpers for client components (a hook: they read the page's language and catalog). */
export function useCampaignWording() {
  const t = useTranslations("campaigns");
  const tr = useTranslations();
  const format = useFormatter();

  const count = (n: number) => format.number(n);
  const people = (n: number) => t("people", { count: n });

  /** The audience size's two parts: who ("12 people") and how many email reaches. */
  const sizeParts = (size: AudienceSize, critical: boolean, newsletter = false) => ({
    who: newsletter ? t("subscribers", { count: size.people }) : people(size.people),
    reach: !newsletter && critical ? t("reachableAll") : t("reachable", { email: count(size.email) }),
  });

  return {
    count,
    people,
    /** A fraction as a percentage with up to two decimals (0.0042 → 0.42 %). */
    percent: (r: number) => format.number(r, { style: "percent", maximumFractionDigits: 2 }),
    /** "Sun, 29 Mar 2026, 10:00" in `timeZone` (the viewer's when omitted). */
    dateTime: (d: Date, timeZone?: string) =>
      format.dateTime(d, { weekday: "short", day: "numeric", month: "short", year: "numeric", hour: "2-digit", minute: "2-digit", ...(timeZone ? { timeZone } : {}) }),
    status: (s: CampaignStatus) => t(`status.${s}`),
    /** A role in the plural ("NGOs"). */
    role: (r: Role) => t(`roles.${r}`),
    /** ["IN_APP", "EMAIL"] → "In-app + Email". */
    channels: (channels: readonly Channel[]) => channels.map((c) => tr(`channels.${c}`)).join(" + "),
    /**
     * "Everyone", "By role: NGOs", "Followers of Mario's", "Wants “listings” by email", "Segment: Pretoria NGOs",
     * "Newsletter subscribers". `segmentName`: the segment's name when known; `null` says it was deleted.
     */
    audienceLabel: (v: unknown, businessName?: string | null, segmentName?: string | null): string => {
      const a = asAudience(v);
      if (!a) return t("audienceLabel.unknown");
      switch (a.kind) {
        case "everyone":
          return t("audienceLabel.everyone");
        case "role":
          return t("audienceLabel.role", { role: t(`roles.${a.role}`) });
        case "followers":
          return businessName ? t("audienceLabel.followersOf", { business: businessName }) : t("audienceLabel.followersAny");
        case "category":
          return t("audienceLabel.category", { category: a.category });
        case "segment":
          return segmentName ? t("audienceLabel.segmentNamed", { name: segmentName }) : segmentName === null ? t("audienceLabel.segmentDeleted") : t("audienceLabel.segmentAny");
        case "newsletter":
          return t("audienceLabel.newsletter");
      }
    },
    sizeParts,
    /**
     * "1,234 people · 1,100 reachable by email" (everyone by email for a critical campaign); for the newsletter
     * audience "12 confirmed subscribers · 11 reachable by email" (suppressed addresses are not).
     */
    sizeText: (size: AudienceSize, critical: boolean, newsletter = false) => t("sizeLine", sizeParts(size, critical, newsletter)),
    /** A tRPC error's message and field errors, for forms (see ./format.ts). */
    errorOf: (err: unknown) => errorOf(err, { failed: t("errors.failed"), checkFields: t("errors.checkFields") }),
  };
}

export type CampaignWording = ReturnType<typeof useCampaignWording>;
