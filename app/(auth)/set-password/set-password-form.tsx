"use client";

import { useActionState } from "react";
import { ErrorMessage } from "../../_components/messages";
import { NewPasswordField } from "../../_components/new-password-field";
import { ui } from "../../_components/styles";
import { SubmitButton } from "../../_components/submit-button";
import { setPasswordAction, type SetPasswordState } from "./actions";

/** Works as a plain HTML form; with JavaScript the error appears in place. */
export function SetPasswordForm({ token, email, minLength, submitLabel }: { token: string; email: string; minLength: number; submitLabel: string }) {
  const [state, formAction] = useActionState<SetPasswordState, FormData>(setPasswordAction, {});
  return (
    <form action={formAction} className="space-y-5">
      {state.error ? (
        <ErrorMessage id="set-password-error" code={state.error.code}>
          {state.error.message}
        </ErrorMessage>
      ) : null}
      <input type="hidden" name="token" value={token} />
      {/* Lets password managers store the new password under the right account. */}
      <input type="text" name="username" autoComplete="username" value={email} readOnly hidden />
      <NewPasswordField
        id="password"
        label="New password"
        minLength={minLength}
        autoFocus
        errorId={state.error ? "set-password-error" : undefined}
        hint={`At least ${minLength} characters; a few unrelated words work well. Common passwords are refused.`}
      />
      <div>
        <label htmlFor="confirm" className={ui.label}>
          Repeat it
        </label>
        <input id="confirm" name="confirm" type="password" autoComplete="new-password" required maxLength={1024} className={`${ui.input} mt-1.5`} />
      </div>
      <SubmitButton className="w-full">{submitLabel}</SubmitButton>
    </form>
  );
}
