"use client";

import { useActionState } from "react";
import { ErrorMessage } from "../../_components/messages";
import { ui } from "../../_components/styles";
import { SubmitButton } from "../../_components/submit-button";
import { loginAction, type LoginState } from "./actions";
import { EmailField } from "../email-field";

/** Works as a plain HTML form; with JavaScript the error appears in place and the button shows progress. */
export function LoginForm({ next }: { next?: string }) {
  const [state, formAction] = useActionState<LoginState, FormData>(loginAction, { email: "" });
  return (
    <form action={formAction} className="space-y-5">
      {state.error ? (
        <ErrorMessage id="login-error" code={state.error.code}>
          {state.error.message}
        </ErrorMessage>
      ) : null}
      {next ? <input type="hidden" name="next" value={next} /> : null}
      <EmailField defaultValue={state.email} errorId={state.error ? "login-error" : undefined} />
      <div>
        <label htmlFor="password" className={ui.label}>
          Password
        </label>
        <input
          id="password"
          name="password"
          type="password"
          autoComplete="current-password"
          required
          maxLength={1024}
          aria-describedby={state.error ? "login-error" : undefined}
          className={`${ui.input} mt-1.5`}
        />
      </div>
      <SubmitButton className="w-full">Sign in</SubmitButton>
    </form>
  );
}
