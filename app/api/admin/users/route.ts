import { z } from "zod";
import { NextResponse } from "next/server";
import { USER_ROLES, USER_STATUSES } from "@/lib/db/schema";
import { apiHandler, methodNotAllowed, requireApiStaff } from "@/lib/next/api";
import { readQuery } from "@/lib/next/query";
import { listUsers, USER_SORTS } from "@/lib/users/users";

const ROUTE = "/api/admin/users";
const Query = z.object({
  q: z.string().max(200).optional(),
  role: z.enum(USER_ROLES).optional(),
  status: z.enum(USER_STATUSES).optional(),
  sort: z.enum(USER_SORTS).optional(),
  dir: z.enum(["asc", "desc"]).optional(),
  page: z.coerce.number().int().min(1).max(100_000).optional(),
  pageSize: z.coerce.number().int().min(1).max(100).optional(),
});

/** The user table for staff: search, filter, sort, paginate. */
export const GET = apiHandler(ROUTE, async (ctx) => {
  await requireApiStaff(ctx);
  const query = readQuery(ctx.request, Query);
  const page = query.page ?? 1;
  const pageSize = query.pageSize ?? 25;
  const { items, total } = await listUsers(ctx.runtime.db, { ...query, page, pageSize }, new Date(ctx.runtime.clock()));
  return NextResponse.json({
    page,
    pageSize,
    total,
    users: items.map((u) => ({
      id: u.id,
      email: u.email,
      name: u.name,
      role: u.role,
      status: u.status,
      createdAt: u.createdAt.toISOString(),
      sample: u.sample,
      lastSeenAt: u.lastSeenAt?.toISOString() ?? null,
      activeSessions: u.activeSessions,
    })),
  });
});

export const POST = methodNotAllowed(ROUTE, ["GET"]);
export const PUT = POST;
export const PATCH = POST;
export const DELETE = POST;
