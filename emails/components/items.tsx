import { Text } from "@react-email/components";
import { styles } from "./theme";

export interface OrderItem {
  name: string;
  /** Whole units, ≥ 1. */
  quantity: number;
}

/** "Items to collect:" followed by "2× Margherita Pizza" lines (seed 001 §5.2 pickup template). */
export function ItemList({ items, heading = "Items to collect" }: { items: readonly OrderItem[]; heading?: string }) {
  if (items.length === 0) return null;
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
