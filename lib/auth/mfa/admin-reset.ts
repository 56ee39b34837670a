/**
 * An admin's reset of a locked-out staff member's second factors (lost phone, lost security key). Admins only,
 * with a reason for the audit log, and with the acting admin's own strongest factor fresh: either recent
 * already, or answered with this request.
 */
import { fail, type Result } from "../../errors";
import { accessRefusal } from "../access";
import { cleanText, MAX_REASON_LENGTH } from "../../impersonation/limits";
import type { SessionContext, SessionMetadata } from "../../session/types";
import { findUserById, isUuid } from "../../users/users";
import { strongestFactor, type FactorAnswer, type MfaDeps } from "./factors";
import { isStepUpFresh } from "./policy";
import { resetSecondFactors, stepUpWithFactor } from "./service";

export async function resetUserSecondFactors(
  deps: MfaDeps,
  actor: SessionContext,
  targetId: string,
  input: { reason: unknown; stepUp: FactorAnswer | null },
  metadata: SessionMetadata,
): Promise<Result<{ revoked: number }>> {
  const refusal = accessRefusal(actor, "admin", { staffMfa: deps.policy });
  if (refusal) return fail(refusal);
  if (!isUuid(targetId)) return fail("INVALID_ID");
  const reason = cleanText(input.reason);
  if (!reason) return fail("REASON_REQUIRED");
  if ([...reason].length > MAX_REASON_LENGTH) return fail("REASON_TOO_LONG");
  if (!(await findUserById(deps.db, targetId))) return fail("USER_NOT_FOUND");
  const factor = await strongestFactor(deps.db, actor.user.id);
  const fresh = isStepUpFresh({ hasSecondFactor: factor !== null, lastAuthenticatedAt: actor.lastAuthenticatedAt, mfaVerifiedAt: actor.mfaVerifiedAt }, deps.sessions.clock(), deps.reauthWindowS);
  if (!fresh) {
    // Without a second factor of their own the admin's step-up is a fresh sign-in: nothing to answer here.
    if (!factor || !input.stepUp) return fail("STEP_UP_REQUIRED", { stepUpWith: factor ?? "password" });
    const verified = await stepUpWithFactor(deps, actor, input.stepUp, metadata);
    if (!verified.ok) return verified;
  }
  return resetSecondFactors(deps, actor, targetId, metadata, reason);
}
