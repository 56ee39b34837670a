import { z } from "zod";
import { NextResponse } from "next/server";
import { AUDIT_ACTIONS, listAuditEvents } from "@/lib/audit/audit";
import { apiHandler, methodNotAllowed, requireApiStaff } from "@/lib/next/api";
import { readQuery } from "@/lib/next/query";
import { isUuid } from "@/lib/users/users";

const ROUTE = "/api/admin/audit";
const Query = z.object({
  action: z.enum(AUDIT_ACTIONS).optional(),
  // uuid-shaped or refused: a malformed id must not reach a uuid column as a query error.
  actorId: z.string().refine(isUuid, "expected a user id").optional(),
  subjectId: z.string().refine(isUuid, "expected a user id").optional(),
  page: z.coerce.number().int().min(1).max(100_000).optional(),
  pageSize: z.coerce.number().int().min(1).max(200).optional(),
});

/** The audit log, newest first, for staff (never while impersonating). */
export const GET = apiHandler(ROUTE, async (ctx) => {
  await requireApiStaff(ctx);
  const query = readQuery(ctx.request, Query);
  const page = query.page ?? 1;
  const pageSize = query.pageSize ?? 25;
  const { items, total } = await listAuditEvents(ctx.runtime.db, { ...query, page, pageSize });
  return NextResponse.json({
    page,
    pageSize,
    total,
    events: items.map((e) => ({ ...e, createdAt: e.createdAt.toISOString() })),
  });
});

export const POST = methodNotAllowed(ROUTE, ["GET"]);
export const PUT = POST;
export const PATCH = POST;
export const DELETE = POST;
