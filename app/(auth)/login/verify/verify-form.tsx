"use client";

import { useActionState } from "react";
import { ErrorMessage } from "../../../_components/messages";
import { ui } from "../../../_components/styles";
import { SubmitButton } from "../../../_components/submit-button";
import { verifySecondFactorAction, type VerifyState } from "./actions";

/** One form per method, so it works as plain HTML; with JavaScript the error appears in place. */
export function VerifyForm({ method, next }: { method: "totp" | "recovery"; next?: string }) {
  const [state, formAction] = useActionState<VerifyState, FormData>(verifySecondFactorAction, {});
  const totp = method === "totp";
  return (
    <form action={formAction} className="space-y-5">
      {state.error ? (
        <ErrorMessage id="verify-error" code={state.error.code}>
          {state.error.message}
        </ErrorMessage>
      ) : null}
      <input type="hidden" name="method" value={method} />
      {next ? <input type="hidden" name="next" value={next} /> : null}
      <div>
        <label htmlFor="code" className={ui.label}>
          {totp ? "Code from your authenticator app" : "Recovery code"}
        </label>
        <input
          id="code"
          name="code"
          type="text"
          required
          autoFocus
          autoComplete="one-time-code"
          inputMode={totp ? "numeric" : "text"}
          pattern={totp ? "[0-9 ]{6,7}" : undefined}
          maxLength={64}
          aria-describedby={state.error ? "verify-error" : undefined}
          className={`${ui.input} mt-1.5 font-mono tracking-widest`}
        />
      </div>
      <SubmitButton className="w-full">Verify and sign in</SubmitButton>
    </form>
  );
}
