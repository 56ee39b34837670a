import { z } from "zod";
import { AUDIT_ACTIONS, listAuditEvents, personFilter, type AuditFilters } from "@/lib/audit/audit";
import { AUDIT_EXPORT_FORMATS, EXPORT_CONTENT_TYPES, openAuditExport } from "@/lib/audit/export";
import { apiHandler, methodNotAllowed, requireApiStaff } from "@/lib/next/api";
import { readQuery } from "@/lib/next/query";
import { isUuid } from "@/lib/users/users";
import { dayRange, isAuditDay } from "../../../admin/audit/audit-query";

const ROUTE = "/api/admin/audit";
const day = z.string().refine(isAuditDay, "expected a day as YYYY-MM-DD");
const Query = z.object({
  action: z.enum(AUDIT_ACTIONS).optional(),
  // uuid-shaped or refused: a malformed id must not reach a uuid column as a query error.
  actorId: z.string().refine(isUuid, "expected a user id").optional(),
  subjectId: z.string().refine(isUuid, "expected a user id").optional(),
  /** As on /admin/audit: a user id, or words of a name or email. */
  actor: z.string().max(320).optional(),
  subject: z.string().max(320).optional(),
  /** Whole UTC days, "to" included. */
  from: day.optional(),
  to: day.optional(),
  page: z.coerce.number().int().min(1).max(100_000).optional(),
  pageSize: z.coerce.number().int().min(1).max(200).optional(),
  /** Without it, one page of JSON; with it, every matching row as a streamed download. */
  format: z.enum(AUDIT_EXPORT_FORMATS).optional(),
});

/** The audit log, newest first, for staff (never while impersonating): a JSON page, or the whole filtered log as CSV / NDJSON. */
export const GET = apiHandler(ROUTE, async (ctx) => {
  await requireApiStaff(ctx);
  const query = readQuery(ctx.request, Query);
  const actor = personFilter(query.actor);
  const subject = personFilter(query.subject);
  const filters: AuditFilters = {
    action: query.action,
    actorId: query.actorId ?? actor.id,
    subjectId: query.subjectId ?? subject.id,
    actorSearch: actor.search,
    subjectSearch: subject.search,
    ...dayRange({ from: query.from, to: query.to }),
  };
  if (query.format) {
    const body = await openAuditExport(ctx.runtime.database.db, filters, query.format);
    const stamp = new Date().toISOString().slice(0, 19).replaceAll(":", "-");
    return new Response(body, {
      headers: {
        "Content-Type": EXPORT_CONTENT_TYPES[query.format],
        "Content-Disposition": `attachment; filename="audit-${stamp}.${query.format}"`,
        "X-Content-Type-Options": "nosniff",
      },
    });
  }
  const page = query.page ?? 1;
  const pageSize = query.pageSize ?? 25;
  const { items, total } = await listAuditEvents(ctx.runtime.database.db, { ...filters, page, pageSize });
  return Response.json({
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
