/**
 * An admin's reset of a locked-out staff member's second factors (lost phone, lost security key). Admins only,
 * with a reason for the audit log, and with the one step-up rule (lib/auth/step-up): the acting admin's own
 * strongest factor recent already, or answered with this request.
 */
import { fail, type Result } from "../../errors";
import { accessRefusal } from "../access";
import { cleanText, MAX_REASON_LENGTH } from "../../impersonation/limits";
import type { SessionContext, SessionMetadata } from "../../session/types";
import { findUserById, isUuid } from "../../users/users";
import { stepUp, type StepUpAnswer, type StepUpDeps } from "../step-up";
import { stepUpRequired } from "../step-up-rule";
import type { MfaDeps } from "./factors";
import { resetSecondFactors } from "./service";

export async function resetUserSecondFactors(
  deps: { mfa: MfaDeps; stepUp: StepUpDeps },
  actor: SessionContext,
  targetId: string,
  input: { reason: unknown; stepUp: StepUpAnswer },
  metadata: SessionMetadata,
): Promise<Result<{ revoked: number }>> {
  const refusal = accessRefusal(actor, "admin", { staffMfa: deps.mfa.policy });
  if (refusal) return fail(refusal);
  if (!isUuid(targetId)) return fail("INVALID_ID");
  const reason = cleanText(input.reason);
  if (!reason) return fail("REASON_REQUIRED");
  if ([...reason].length > MAX_REASON_LENGTH) return fail("REASON_TOO_LONG");
  if (!(await findUserById(deps.mfa.db, targetId))) return fail("USER_NOT_FOUND");
  let acting = actor;
  if (stepUpRequired("mfa.reset")) {
    const stepped = await stepUp(deps.stepUp, actor, input.stepUp, metadata);
    if (!stepped.ok) return stepped;
    acting = stepped.value;
  }
  return resetSecondFactors(deps.mfa, acting, targetId, metadata, reason);
}
