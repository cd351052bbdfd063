import type { ReactNode } from "react";
import { Heading, Section, Text } from "react-email";
import { colors, styles } from "./theme";

export interface KeyValueRow {
  label: string;
  value: ReactNode;
}

export interface DetailsCardProps {
  /** Optional card title (e.g. the listing name, "Order #SNB-2025-12345"). */
  title?: string;
  /** Rows to show; rows whose value is `undefined`, `null` or "" are skipped. */
  rows: readonly KeyValueRow[];
  children?: ReactNode;
}

const row = { ...styles.text, margin: "0 0 6px" };

/**
 * A bordered card of "Label: value" lines (one `<p>` per row, so the plain-text version reads
 * "Price: R12.50" on one line and narrow screens never need a table).
 */
export function DetailsCard({ title, rows, children }: DetailsCardProps) {
  const shown = rows.filter((r) => r.value !== undefined && r.value !== null && r.value !== "");
  return (
    <Section style={styles.card}>
      {title ? (
        <Heading as="h3" style={{ ...styles.subheading, margin: "0 0 10px" }}>
          {title}
        </Heading>
      ) : null}
      {shown.map((r) => (
        <Text key={r.label} style={row}>
          <strong style={{ color: colors.text }}>{r.label}:</strong> {r.value}
        </Text>
      ))}
      {children}
    </Section>
  );
}
