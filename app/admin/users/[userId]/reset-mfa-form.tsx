import type { StepUpFactor } from "@/lib/auth/step-up";
import { ui } from "../../../_components/styles";
import { SubmitButton } from "../../../_components/submit-button";
import { StepUpFields } from "../../_components/step-up-fields";
import { resetSecondFactorsAction } from "./reset-mfa-actions";

/**
 * The reset form: a reason and, when one is due, the admin's step-up (a password or code posts with the form and
 * works without JavaScript; a passkey's answer is sent with it by its button).
 */
export function ResetMfaForm({ userId, userName, stepUp, windowText }: { userId: string; userName: string; stepUp: StepUpFactor | null; windowText: string }) {
  return (
    <form action={resetSecondFactorsAction} className="space-y-4">
      <input type="hidden" name="userId" value={userId} />
      <div>
        <label htmlFor="reset-mfa-reason" className={ui.label}>
          Reason
        </label>
        <textarea id="reset-mfa-reason" name="reason" required maxLength={500} rows={2} className={`${ui.input} mt-1.5`} aria-describedby="reset-mfa-hint" />
        <p id="reset-mfa-hint" className={ui.hint}>
          Required; goes into the audit log. Say how you confirmed {userName} is who they say they are.
        </p>
      </div>
      <StepUpFields due={stepUp} idPrefix="reset-mfa" passkeyLabel="Confirm with your passkey and reset" variant="dangerSoft" windowText={windowText} />
      {stepUp === "passkey" ? null : <SubmitButton variant="dangerSoft">Reset second factors</SubmitButton>}
    </form>
  );
}
