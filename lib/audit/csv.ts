/**
 * CSV cells (RFC 4180) that a spreadsheet cannot execute. A cell starting with `=`, `+`, `-`, `@`, a tab or a
 * carriage return may be read as a formula (OWASP "CSV injection"): such a cell gets a leading `'`, which
 * spreadsheets show as text. Audit fields hold attacker-chosen text (a reason, a user agent, a failed login's email).
 */
const FORMULA_START = /^[=+\-@\t\r]/;

export function neutraliseCell(value: string): string {
  return FORMULA_START.test(value) ? `'${value}` : value;
}

/** Every cell quoted, quotes doubled: commas, quotes and line breaks inside a cell stay inside it. */
export function csvCell(value: string | number | null): string {
  if (value === null) return "";
  const text = typeof value === "number" ? String(value) : neutraliseCell(value);
  return `"${text.replaceAll('"', '""')}"`;
}

export function csvRow(values: readonly (string | number | null)[]): string {
  return `${values.map(csvCell).join(",")}\r\n`;
}
