import { mfaRequirement } from "@/lib/auth/mfa/policy";
import { remainingRecoveryCodes } from "@/lib/auth/mfa/recovery-codes";
import { secondFactorMethods } from "@/lib/auth/mfa/service";
import { apiHandler, methodNotAllowed, requireApiSession } from "@/lib/next/api";

const ROUTE = "/api/auth/mfa";

/** The caller's second factors: what is enrolled, whether one is required for their role, recovery codes left. */
export const GET = apiHandler(ROUTE, async (ctx) => {
  const session = await requireApiSession(ctx);
  const { database: { db }, mfa } = ctx.runtime;
  const methods = await secondFactorMethods(db, session.user.id);
  return Response.json({
    requirement: mfaRequirement(session.user.role, mfa.policy),
    methods,
    recoveryCodesLeft: methods.length > 0 ? await remainingRecoveryCodes(db, session.user.id) : 0,
    session: { aal: session.aal },
  });
});

export const POST = methodNotAllowed(ROUTE, ["GET"]);
export const PUT = POST;
export const PATCH = POST;
export const DELETE = POST;
