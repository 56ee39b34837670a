"use client";

import { useActionState } from "react";
import { ErrorMessage } from "../../_components/messages";
import { SubmitButton } from "../../_components/submit-button";
import { forgotPasswordAction, type ForgotPasswordState } from "./actions";
import { EmailField } from "../email-field";

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
      <EmailField defaultValue={state.email} errorId={state.error ? "forgot-error" : undefined} />
      <SubmitButton className="w-full">Send reset link</SubmitButton>
    </form>
  );
}
