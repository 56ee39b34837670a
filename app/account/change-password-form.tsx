"use client";

import { useActionState } from "react";
import { ErrorMessage } from "../_components/messages";
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
      <div>
        <label htmlFor="newPassword" className={ui.label}>
          New password
        </label>
        <input
          id="newPassword"
          name="newPassword"
          type="password"
          autoComplete="new-password"
          required
          minLength={minLength}
          maxLength={1024}
          aria-describedby="newPassword-hint"
          className={`${ui.input} mt-1.5`}
        />
        <p id="newPassword-hint" className={ui.hint}>
          At least {minLength} characters. Your other sessions will be signed out.
        </p>
      </div>
      <SubmitButton>Change password</SubmitButton>
    </form>
  );
}
