"use client";

import { useRef } from "react";
import { PasskeyButton } from "../../../_components/passkey-button";
import { ui } from "../../../_components/styles";
import { SubmitButton } from "../../../_components/submit-button";
import { passkeyAssertion } from "../../../_lib/passkey-client";
import { resetSecondFactorsAction } from "./reset-mfa-actions";

/**
 * The reset form. An admin whose step-up is a code types it here (works without JavaScript); one whose step-up
 * is a passkey answers the browser's prompt, and the answer is sent with the form.
 */
export function ResetMfaForm({ userId, userName, stepUp }: { userId: string; userName: string; stepUp: "fresh" | "passkey" | "totp" | "password" }) {
  const formRef = useRef<HTMLFormElement>(null);
  const passkeyRef = useRef<HTMLInputElement>(null);
  return (
    <form ref={formRef} action={resetSecondFactorsAction} className="space-y-4">
      <input type="hidden" name="userId" value={userId} />
      <input ref={passkeyRef} type="hidden" name="passkey" defaultValue="" />
      <div>
        <label htmlFor="reset-mfa-reason" className={ui.label}>
          Reason
        </label>
        <textarea id="reset-mfa-reason" name="reason" required maxLength={500} rows={2} className={`${ui.input} mt-1.5`} aria-describedby="reset-mfa-hint" />
        <p id="reset-mfa-hint" className={ui.hint}>
          Required; goes into the audit log. Say how you confirmed {userName} is who they say they are.
        </p>
      </div>
      {stepUp === "totp" ? (
        <div>
          <label htmlFor="reset-mfa-code" className={ui.label}>
            Code from your authenticator app
          </label>
          <input id="reset-mfa-code" name="code" required inputMode="numeric" autoComplete="one-time-code" maxLength={64} className={`${ui.input} mt-1.5 font-mono`} />
        </div>
      ) : null}
      {stepUp === "password" ? <p className="text-sm text-slate-700">Your own sign-in is not recent: sign out and in again first.</p> : null}
      {stepUp === "passkey" ? (
        <PasskeyButton
          run={async () => {
            if (formRef.current && !formRef.current.reportValidity()) return { ok: false, code: "INVALID_INPUT", message: "Give a reason first." };
            return passkeyAssertion("step-up");
          }}
          errorId="reset-mfa-passkey-error"
          variant="dangerSoft"
          onDone={(response) => {
            // The passkey's answer goes with the post: the step-up and the reset are one request.
            if (passkeyRef.current) passkeyRef.current.value = JSON.stringify(response);
            formRef.current?.requestSubmit();
          }}
        >
          Confirm with your passkey and reset
        </PasskeyButton>
      ) : (
        <SubmitButton variant="dangerSoft" disabled={stepUp === "password"}>
          Reset second factors
        </SubmitButton>
      )}
    </form>
  );
}
