import { sendPasswordReset } from "@/lib/account/password-reset";
import { requestOrigin } from "@/lib/next/request-meta";
import { apiHandler, assertSameOrigin, jsonError, metadataOf, methodNotAllowed, requireApiStaff } from "@/lib/next/api";

const ROUTE = "/api/admin/users/[userId]/password-reset";

/** Mails the user a single-use reset link (202). Staff never see the link; who may send to whom: reset-policy.ts. */
export const POST = apiHandler(ROUTE, async (ctx) => {
  assertSameOrigin(ctx.request);
  const session = await requireApiStaff(ctx);
  const result = await sendPasswordReset(ctx.runtime.passwordReset, { actor: session, metadata: metadataOf(ctx), origin: requestOrigin(ctx.request.headers) }, ctx.params.userId ?? "");
  if (!result.ok) return jsonError(result.code, { message: result.message });
  return Response.json({ passwordReset: { status: "sent", expiresAt: result.value.expiresAt.toISOString() } }, { status: 202 });
});

export const GET = methodNotAllowed(ROUTE, ["POST"]);
export const PUT = GET;
export const PATCH = GET;
export const DELETE = GET;
