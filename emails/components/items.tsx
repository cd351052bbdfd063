import { Text } from "react-email";
import type { Locale } from "../../lib/i18n";
import { translator } from "../../messages";
import { styles } from "./theme";
import type { z } from "zod";
import type { orderItem } from "./schema";

/** One ordered item: its name and whole units (≥ 1); the shape of `orderItem` in ./schema.ts. */
export type OrderItem = z.infer<typeof orderItem>;

/**
 * "Items to collect:" followed by "2× Margherita Pizza" lines (the pickup emails of docs/requirements.md R12.2); the default
 * heading in `locale` (default English).
 */
export function ItemList({ items, heading, locale = "en" }: { items: readonly OrderItem[]; heading?: string; locale?: Locale }) {
  if (items.length === 0) return null;
  heading ??= translator(locale)("mail.common.itemsToCollect");
  return (
    <>
      <Text style={{ ...styles.text, margin: "0 0 6px" }}>
        <strong>{heading}:</strong>
      </Text>
      <ul style={{ margin: "0 0 16px", paddingLeft: "20px" }}>
        {items.map((item, i) => (
          <li key={i} style={{ ...styles.text, margin: "0 0 4px" }}>
            {item.quantity}× {item.name}
          </li>
        ))}
      </ul>
    </>
  );
}
