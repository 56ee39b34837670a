import { AppError } from "@/lib/errors";
import { apiHandler, jsonError, methodNotAllowed } from "@/lib/next/api";

const ROUTE = "/api/faults/slow";
const MAX_MS = 30_000;

/**
 * Test-only (FAULT_ROUTES=1; 404 otherwise): answers after `?ms=` milliseconds, then touches Postgres,
 * so the graceful-shutdown fault test can prove that an in-flight request still finishes, database
 * included, after SIGTERM.
 */
export const GET = apiHandler(ROUTE, async (ctx) => {
  if (!ctx.runtime.config.faultRoutes) return jsonError("NOT_FOUND");
  const raw = ctx.request.nextUrl.searchParams.get("ms") ?? "1000";
  const ms = Number(raw);
  if (!/^\d{1,5}$/.test(raw) || ms > MAX_MS) throw new AppError("INVALID_INPUT", `ms must be a whole number from 0 to ${MAX_MS}.`);
  await new Promise((resolve) => setTimeout(resolve, ms));
  await ctx.runtime.database.ping();
  return Response.json({ sleptMs: ms, database: "ok" });
});

export const POST = methodNotAllowed(ROUTE, ["GET"]);
export const PUT = POST;
export const PATCH = POST;
export const DELETE = POST;
