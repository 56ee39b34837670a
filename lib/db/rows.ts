/** drizzle's execute answers an array on postgres.js and `{ rows }` on PGlite. */
export function rowsOf<T>(result: unknown): T[] {
  return (Array.isArray(result) ? result : (result as { rows: T[] }).rows) as T[];
}

/**
 * A timestamptz from `Database.queryArrays`, in ms: a `Date` on PGlite, text such as
 * "2026-11-30 03:22:22.123+00" on postgres.js (whose date parsing drizzle turns off).
 */
export function timestampMs(value: unknown): number {
  return value instanceof Date ? value.getTime() : Date.parse(value as string);
}

/** A json/jsonb value from `Database.queryArrays`: parsed by both drivers, text if a driver left it so. */
export function jsonValue<T>(value: unknown): T {
  return (typeof value === "string" ? JSON.parse(value) : value) as T;
}
