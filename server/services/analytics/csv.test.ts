/** RFC 4180 writing and the CSV-injection guard. */
import { describe, expect, it } from "vitest";
import { csvField, neutralizeFormula, toCsv } from "./csv";

describe("csv", () => {
  it("quotes every field, doubles quotes and ends each record with CRLF", () => {
    expect(toCsv([["name", "n"], ['Say "hi", then\r\nleave', 3], [null, undefined], [true, 0.25]])).toBe(
      '"name","n"\r\n"Say ""hi"", then\r\nleave","3"\r\n"",""\r\n"true","0.25"\r\n',
    );
    expect(toCsv([])).toBe("");
    expect(csvField(Number.NaN)).toBe('""');
  });

  it("prefixes text that a spreadsheet would evaluate with a single quote", () => {
    for (const s of ["=1+1", "+27 12 345", "-2", "@SUM(A1)", "\tx", "\rx"]) expect(neutralizeFormula(s)).toBe(`'${s}`);
    for (const s of ["Spring drive", "1=1", "", "'quoted", "a-b"]) expect(neutralizeFormula(s)).toBe(s);
    expect(csvField('=HYPERLINK("http://evil","click")')).toBe('"\'=HYPERLINK(""http://evil"",""click"")"');
    expect(csvField(-1)).toBe('"-1"'); // numbers are data we wrote, not text: left alone
  });
});
