"use client";

import { useActionState } from "react";
import { ErrorMessage } from "../../_components/messages";
import { ui } from "../../_components/styles";
import { SubmitButton } from "../../_components/submit-button";
import { forgotPasswordAction, type ForgotPasswordState } from "./actions";

/** Works as a plain HTML form; with JavaScript the error appears in place. */
export function ForgotPasswordForm() {
  const [state, formAction] = useActionState<ForgotPasswordState, FormData>(forgotPasswordAction, { email: "" });
  return (
    <form action={formAction} className="space-y-5">
      {state.error ? (
        <ErrorMessage id="forgot-error" code={state.error.code}>
          {state.error.message}
        </ErrorMessage>
      ) : null}
      <div>
        <label htmlFor="email" className={ui.label}>
          Email
        </label>
        <input
          id="email"
          name="email"
          type="email"
          autoComplete="username"
          required
          maxLength={320}
          defaultValue={state.email}
          autoFocus
          aria-describedby={state.error ? "forgot-error" : undefined}
          className={`${ui.input} mt-1.5`}
        />
      </div>
      <SubmitButton className="w-full">Send reset link</SubmitButton>
    </form>
  );
}
