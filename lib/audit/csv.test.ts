import { parse } from "csv-parse/sync";
import { describe, expect, it } from "vitest";
import { csvCell, csvRow, neutraliseCell } from "./csv";

describe("CSV cells", () => {
  it.each(["=HYPERLINK(\"http://x\")", "+1+1", "-2+3", "@SUM(A1)", "\tcmd", "\rcmd"])("neutralises a cell that starts a formula: %j", (value) => {
    expect(neutraliseCell(value)).toBe(`'${value}`);
  });

  it.each(["plain", "a=b", "1-2", " =x", "", "é@x"])("leaves a cell that cannot start a formula as it is: %j", (value) => {
    expect(neutraliseCell(value)).toBe(value);
  });

  it("quotes every cell and doubles quotes, so commas, quotes and line breaks stay in their cell", () => {
    const row = csvRow(["a,b", 'say "hi"', "two\r\nlines", null, 7, "=1+2"]);
    expect(row).toBe('"a,b","say ""hi""","two\r\nlines",,"7","\'=1+2"\r\n');
    expect(parse(row)).toEqual([["a,b", 'say "hi"', "two\r\nlines", "", "7", "'=1+2"]]);
  });

  it("writes a number as it is and an empty cell for null", () => {
    expect(csvCell(-5)).toBe('"-5"');
    expect(csvCell(null)).toBe("");
  });
});
