import { z } from "zod";
import { inviteUser } from "@/lib/account/invitations";
import { USER_ROLES, USER_STATUSES } from "@/lib/db/schema";
import { apiHandler, assertSameOrigin, metadataOf, methodNotAllowed, readJson, requireApiAdmin, requireApiStaff } from "@/lib/next/api";
import { readQuery } from "@/lib/next/query";
import { requestOrigin } from "@/lib/next/request-meta";
import { refusalResponse, StepUpBody, stepUpAnswerOf } from "@/lib/next/step-up";
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
  const { items, total } = await listUsers(ctx.runtime.database.db, { ...query, page, pageSize }, new Date(ctx.runtime.clock()));
  return Response.json({
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

const Invite = StepUpBody.extend({
  email: z.string().max(320),
  name: z.string().max(200),
  role: z.enum(USER_ROLES).default("user"),
});

/** Creates an account by invitation (the link goes by mail only; a staff role needs a fresh step-up, answered in the body). Admins only. */
export const POST = apiHandler(ROUTE, async (ctx) => {
  assertSameOrigin(ctx.request);
  const session = await requireApiAdmin(ctx);
  const body = await readJson(ctx.request, Invite);
  const input = { email: body.email, name: body.name, role: body.role, stepUp: stepUpAnswerOf(ctx, body) };
  const result = await inviteUser(ctx.runtime.invitations, { actor: session, metadata: metadataOf(ctx), origin: requestOrigin(ctx.request.headers) }, input);
  if (!result.ok) return refusalResponse(result);
  const u = result.value.user;
  return Response.json(
    { user: { id: u.id, email: u.email, name: u.name, role: u.role, status: u.status, createdAt: u.createdAt.toISOString() }, invitation: { status: "pending", expiresAt: result.value.expiresAt.toISOString() } },
    { status: 201 },
  );
});

export const PUT = methodNotAllowed(ROUTE, ["GET", "POST"]);
export const PATCH = PUT;
export const DELETE = PUT;
