import "server-only";
import type { z } from "zod";
import { AppError } from "../errors";

/**
 * Reads a URL's query string through a zod schema. Untrusted input: anything the schema refuses is a
 * 400 INVALID_INPUT naming the parameter, never a 500 from a malformed value reaching the database.
 */
export function readQuery<S extends z.ZodType>(request: Request, schema: S): z.infer<S> {
  const params = new URL(request.url).searchParams;
  const raw: Record<string, string> = {};
  for (const [key, value] of params) {
    // PostgreSQL text cannot hold U+0000: refused here as bad input, not a query error (500) later.
    if (key.includes("\u0000") || value.includes("\u0000")) throw new AppError("INVALID_INPUT", "A query parameter holds a NUL character.");
    // Empty values mean "no filter", as a form with an empty field sends them.
    if (value.trim() !== "") raw[key] = value.trim();
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    throw new AppError("INVALID_INPUT", undefined, {
      issues: parsed.error.issues.slice(0, 10).map((i) => ({ path: i.path.join("."), message: i.message })),
    });
  }
  return parsed.data;
}
