import { z } from "zod";
import { updateUserAccount } from "@/lib/admin/user-admin";
import { USER_ROLES, USER_STATUSES } from "@/lib/db/schema";
import { AppError } from "@/lib/errors";
import { grantStatusOf } from "@/lib/impersonation/grants";
import { grantStatusJson } from "@/lib/impersonation/grant-json";
import { apiHandler, assertSameOrigin, jsonError, metadataOf, methodNotAllowed, readJson, requireApiAdmin, requireApiStaff } from "@/lib/next/api";
import { refusalResponse, StepUpBody, stepUpAnswerOf } from "@/lib/next/step-up";
import { findUserById, isUuid, type PublicUser } from "@/lib/users/users";

const ROUTE = "/api/admin/users/[userId]";
const Body = StepUpBody.extend({
  role: z.enum(USER_ROLES).optional(),
  status: z.enum(USER_STATUSES).optional(),
  reason: z.string().max(500).optional(),
}).refine((b) => b.role !== undefined || b.status !== undefined, { message: "Give a role or a status." });

const present = (u: PublicUser) => ({ id: u.id, email: u.email, name: u.name, role: u.role, status: u.status, createdAt: u.createdAt.toISOString(), sample: u.sample });

/** The user, and their consent to support access (`access`: the widest live grant, a pending request). */
export const GET = apiHandler(ROUTE, async (ctx) => {
  await requireApiStaff(ctx);
  const id = ctx.params.userId ?? "";
  if (!isUuid(id)) throw new AppError("INVALID_ID");
  const db = ctx.runtime.database.db;
  const user = await findUserById(db, id);
  if (!user) return jsonError("USER_NOT_FOUND");
  const access = (await grantStatusOf(db, [user.id], ctx.runtime.clock())).get(user.id);
  return Response.json({ user: present(user), access: grantStatusJson(access) });
});

/**
 * Role change (takes effect on the user's next request) and ban (revokes every session at once). Admins only,
 * with a step-up (`password`, `code` or `passkey` in the body; 401 REAUTH_REQUIRED with `stepUpWith` says which).
 */
export const PATCH = apiHandler(ROUTE, async (ctx) => {
  assertSameOrigin(ctx.request);
  const session = await requireApiAdmin(ctx);
  const id = ctx.params.userId ?? "";
  if (!isUuid(id)) throw new AppError("INVALID_ID");
  const body = await readJson(ctx.request, Body);
  const change = { role: body.role, banned: body.status === undefined ? undefined : body.status === "banned" };
  const result = await updateUserAccount(ctx.runtime, session, id, change, metadataOf(ctx), body.reason, stepUpAnswerOf(ctx, body));
  return result.ok ? Response.json({ user: present(result.value) }) : refusalResponse(result);
});

export const POST = methodNotAllowed(ROUTE, ["GET", "PATCH"]);
export const PUT = POST;
export const DELETE = POST;
