import { z } from "zod";
import { NextResponse } from "next/server";
import { changeUserRole, setUserBanned } from "@/lib/admin/user-admin";
import { USER_ROLES, USER_STATUSES } from "@/lib/db/schema";
import { AppError } from "@/lib/errors";
import { grantStatusOf } from "@/lib/impersonation/grants";
import { grantStatusJson } from "@/lib/impersonation/grant-json";
import { apiHandler, assertSameOrigin, jsonError, metadataOf, methodNotAllowed, readJson, requireApiAdmin, requireApiStaff } from "@/lib/next/api";
import { findUserById, isUuid, type PublicUser } from "@/lib/users/users";

const ROUTE = "/api/admin/users/[userId]";
const Body = z
  .object({
    role: z.enum(USER_ROLES).optional(),
    status: z.enum(USER_STATUSES).optional(),
    reason: z.string().max(500).optional(),
  })
  .refine((b) => b.role !== undefined || b.status !== undefined, { message: "Give a role or a status." });

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
  return NextResponse.json({ user: present(user), access: grantStatusJson(access) });
});

/** Role change (takes effect on the user's next request) and ban (revokes every session at once). Admins only. */
export const PATCH = apiHandler(ROUTE, async (ctx) => {
  assertSameOrigin(ctx.request);
  const session = await requireApiAdmin(ctx);
  const id = ctx.params.userId ?? "";
  if (!isUuid(id)) throw new AppError("INVALID_ID");
  const body = await readJson(ctx.request, Body);
  const metadata = metadataOf(ctx);
  let user: PublicUser | null = null;
  if (body.role !== undefined) {
    const result = await changeUserRole(ctx.runtime, session, id, body.role, metadata, body.reason);
    if (!result.ok) return jsonError(result.code, { message: result.message });
    user = result.value;
  }
  if (body.status !== undefined) {
    const result = await setUserBanned(ctx.runtime, session, id, body.status === "banned", metadata, body.reason);
    if (!result.ok) return jsonError(result.code, { message: result.message });
    user = result.value;
  }
  return NextResponse.json({ user: present(user!) });
});

export const POST = methodNotAllowed(ROUTE, ["GET", "PATCH"]);
export const PUT = POST;
export const DELETE = POST;
