/**
 * Herald's email look: brand greens on neutral slate, one 600 px column (issue "email templates").
 * Inline style objects only: email clients ignore most `<style>` blocks.
 */
import type { CSSProperties } from "react";

export const BRAND_NAME = "Herald";

export const colors = {
  brand: "#065f46",
  brandLight: "#047857",
  text: "#1e293b",
  muted: "#64748b",
  border: "#e2e8f0",
  background: "#f1f5f9",
  surface: "#ffffff",
  warning: "#b45309",
  danger: "#b91c1c",
} as const;

export const fontFamily =
  '-apple-system, BlinkMacSystemFont, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif';

export const styles = {
  heading: { color: colors.text, fontSize: "22px", lineHeight: "30px", fontWeight: 700, margin: "0 0 16px" },
  subheading: { color: colors.text, fontSize: "17px", lineHeight: "24px", fontWeight: 600, margin: "24px 0 8px" },
  text: { color: colors.text, fontSize: "15px", lineHeight: "24px", margin: "0 0 16px" },
  muted: { color: colors.muted, fontSize: "13px", lineHeight: "20px", margin: "0 0 12px" },
  link: { color: colors.brandLight, textDecoration: "underline" },
  card: {
    border: `1px solid ${colors.border}`,
    borderRadius: "8px",
    padding: "16px 20px",
    margin: "16px 0 20px",
    backgroundColor: "#f8fafc",
  },
} satisfies Record<string, CSSProperties>;

/** The app URL the PreviewProps use: the embedded dev server (`npm run dev`). */
export const PREVIEW_APP_URL = "http://localhost:3000";
