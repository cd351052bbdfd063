import { Heading, Hr, Section, Text } from "@react-email/components";
import { EmailLayout } from "./components/layout";
import { Button, SafeLink } from "./components/button";
import { greeting, plural } from "./components/format";
import { safeHeaderValue } from "./components/safety";
import { BRAND_NAME, colors, PREVIEW_APP_URL, styles } from "./components/theme";

export interface DigestItem {
  title: string;
  /** The business it came from; used to count "from N businesses". */
  businessName?: string;
  /** One short line under the title, e.g. "R12.50 · until 18:00". */
  detail?: string;
  /** https or app-relative. */
  url: string;
}

export interface DigestSection {
  /** Plural noun phrase: "New listings", "Pickup updates", "Business news". */
  heading: string;
  items: DigestItem[];
  /** "See all" link for the section. */
  moreUrl?: string;
  /** Counting noun, e.g. `{ one: "new listing", many: "new listings" }`; defaults to the heading, lower-cased. */
  noun?: { one: string; many: string };
}

/** `digest` (seed 001 §16.1: over-cap notifications are deferred to a digest; seed 002: daily/weekly cadence). */
export interface DigestEmailProps {
  appUrl: string;
  unsubscribeUrl: string;
  recipientName?: string;
  period: "daily" | "weekly";
  sections: DigestSection[];
}

/** Items shown per section; the rest are summarised with a "see all" link. */
export const DIGEST_ITEMS_PER_SECTION = 10;

/**
 * "5 new listings from 3 businesses" for a section headed "New listings" with 5 items from 3 businesses.
 * The heading is lower-cased and used as the plural noun; "from N businesses" appears when items name one.
 */
export function sectionSummary(section: DigestSection): string {
  const n = section.items.length;
  const many = section.noun?.many ?? section.heading.toLowerCase();
  const one = section.noun?.one ?? (/[^s]s$/.test(many) && !/news$/.test(many) ? many.slice(0, -1) : many);
  const businesses = new Set(section.items.map((i) => i.businessName).filter((b): b is string => Boolean(b)));
  const from = businesses.size > 0 ? ` from ${plural(businesses.size, "business", "businesses")}` : "";
  return `${n} ${n === 1 ? one : many}${from}`;
}

export function subject(p: DigestEmailProps): string {
  const parts = p.sections.filter((s) => s.items.length > 0).map(sectionSummary);
  const lead = `Your ${p.period} ${BRAND_NAME} digest`;
  return safeHeaderValue(parts.length > 0 ? `${lead}: ${parts.join(", ")}` : lead);
}

export default function DigestEmail(p: DigestEmailProps) {
  const sections = p.sections.filter((s) => s.items.length > 0);
  const summary = sections.map(sectionSummary).join(" · ");
  return (
    <EmailLayout
      appUrl={p.appUrl}
      title={subject(p)}
      preview={summary || "Nothing new since your last digest."}
      reason={`you chose a ${p.period} digest in your ${BRAND_NAME} notification settings`}
      unsubscribeUrl={p.unsubscribeUrl}
    >
      <Heading as="h1" style={styles.heading}>
        Your {p.period} digest
      </Heading>
      <Text style={styles.text}>{greeting(p.recipientName)}</Text>
      <Text style={styles.text}>
        {sections.length > 0 ? `Here is what happened ${p.period === "daily" ? "today" : "this week"}.` : "Nothing new since your last digest."}
      </Text>
      {sections.map((s) => {
        const shown = s.items.slice(0, DIGEST_ITEMS_PER_SECTION);
        const rest = s.items.length - shown.length;
        return (
          <Section key={s.heading} style={{ margin: "0 0 8px" }}>
            <Hr style={{ borderColor: colors.border, margin: "8px 0 16px" }} />
            <Heading as="h2" style={{ ...styles.subheading, margin: "0 0 4px" }}>
              {s.heading}
            </Heading>
            <Text style={styles.muted}>{sectionSummary(s)}</Text>
            {shown.map((item, i) => (
              <Text key={i} style={{ ...styles.text, margin: "0 0 10px" }}>
                <SafeLink href={item.url} appUrl={p.appUrl}>
                  {item.title}
                </SafeLink>
                {item.businessName || item.detail ? (
                  <>
                    <br />
                    <span style={{ color: colors.muted, fontSize: "13px" }}>
                      {[item.businessName, item.detail].filter(Boolean).join(" · ")}
                    </span>
                  </>
                ) : null}
              </Text>
            ))}
            {rest > 0 && s.moreUrl ? (
              <Text style={styles.muted}>
                …and {rest} more.{" "}
                <SafeLink href={s.moreUrl} appUrl={p.appUrl}>
                  See all
                </SafeLink>
              </Text>
            ) : rest > 0 ? (
              <Text style={styles.muted}>…and {rest} more in your inbox.</Text>
            ) : null}
          </Section>
        );
      })}
      <Button href="/notifications" appUrl={p.appUrl}>
        Open your inbox
      </Button>
    </EmailLayout>
  );
}

DigestEmail.PreviewProps = {
  appUrl: PREVIEW_APP_URL,
  unsubscribeUrl: `${PREVIEW_APP_URL}/unsubscribe/preview-token`,
  recipientName: "Thandi",
  period: "daily",
  sections: [
    {
      heading: "New listings",
      moreUrl: "/notifications?category=listings",
      items: [
        { title: "Margherita Pizza", businessName: "Mario's Restaurant", detail: "R12.50 · until 20:00", url: "/listings/550e8400-e29b-41d4-a716-446655440000" },
        { title: "Garlic Bread (4 pack)", businessName: "Mario's Restaurant", detail: "R6.00 · until 20:00", url: "/listings/550e8400-e29b-41d4-a716-446655440001" },
        { title: "Sourdough loaf", businessName: "Green Leaf Bakery", detail: "R15.00 · until 18:30", url: "/listings/550e8400-e29b-41d4-a716-446655440002" },
        { title: "Assorted muffins", businessName: "Green Leaf Bakery", detail: "R5.00 each · until 18:30", url: "/listings/550e8400-e29b-41d4-a716-446655440003" },
        { title: "Vegetable curry & rice", businessName: "Spice Route Kitchen", detail: "R25.00 · until 21:00", url: "/listings/550e8400-e29b-41d4-a716-446655440004" },
      ],
    },
    {
      heading: "Business news",
      noun: { one: "update", many: "updates" },
      items: [
        { title: "New evening pickup window", businessName: "Mario's Restaurant", url: "/notifications" },
      ],
    },
  ],
} satisfies DigestEmailProps;
