"use client";

import { useActionState } from "react";
import { ErrorMessage } from "../_components/messages";
import { NewPasswordField } from "../_components/new-password-field";
import { ui } from "../_components/styles";
import { SubmitButton } from "../_components/submit-button";
import { changePasswordAction, type ChangePasswordState } from "./actions";

export function ChangePasswordForm({ minLength, email }: { minLength: number; email: string }) {
  const [state, formAction] = useActionState<ChangePasswordState, FormData>(changePasswordAction, {});
  return (
    <form action={formAction} className="space-y-4">
      {state.error ? (
        <ErrorMessage id="password-error" code={state.error.code}>
          {state.error.message}
        </ErrorMessage>
      ) : null}
      {/* Lets password managers pair the new password with the right account. */}
      <input type="text" name="username" autoComplete="username" value={email} readOnly hidden />
      <div>
        <label htmlFor="currentPassword" className={ui.label}>
          Current password
        </label>
        <input
          id="currentPassword"
          name="currentPassword"
          type="password"
          autoComplete="current-password"
          required
          maxLength={1024}
          className={`${ui.input} mt-1.5`}
        />
      </div>
      <NewPasswordField id="newPassword" label="New password" minLength={minLength} hint={`At least ${minLength} characters. Your other sessions will be signed out.`} />
      <SubmitButton>Change password</SubmitButton>
    </form>
  );
}
