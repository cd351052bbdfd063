/**
 * CSV writing (RFC 4180) for exports opened in spreadsheets: every field is quoted, quotes inside a field
 * are doubled, records end with CRLF (the last one too). Guard against CSV/formula injection (OWASP "CSV
 * Injection"): a text cell starting with `=`, `+`, `-`, `@`, a tab or a carriage return is prefixed with a
 * single quote, so a spreadsheet shows it as text instead of evaluating it. Numbers are written as they are
 * (a negative number stays a number).
 */

/** A cell: text, a number, a boolean ("true"/"false"), or empty (null/undefined). */
export type CsvCell = string | number | boolean | null | undefined;

const FORMULA_START = /^[=+\-@\t\r]/;

/** A text value made safe to open in a spreadsheet: `'` before a leading `=`, `+`, `-`, `@`, tab or CR. */
export function neutralizeFormula(s: string): string {
  return FORMULA_START.test(s) ? `'${s}` : s;
}

/** One field, quoted (RFC 4180 §2.5–2.7), with formula-looking text neutralized. */
export function csvField(cell: CsvCell): string {
  let s: string;
  if (cell === null || cell === undefined) s = "";
  else if (typeof cell === "number") s = Number.isFinite(cell) ? String(cell) : "";
  else if (typeof cell === "boolean") s = cell ? "true" : "false";
  else s = neutralizeFormula(cell);
  return `"${s.replaceAll('"', '""')}"`;
}

/** Rows (the first is usually the header) as an RFC 4180 document: quoted fields, commas, CRLF after each record. */
export function toCsv(rows: readonly (readonly CsvCell[])[]): string {
  return rows.map((r) => `${r.map(csvField).join(",")}\r\n`).join("");
}
