"use client";

import Link from "next/link";
import { useActionState } from "react";
import { ErrorMessage, NoticeMessage } from "../../_components/messages";
import { ui } from "../../_components/styles";
import { SubmitButton } from "../../_components/submit-button";
import { confirmTotpAction, type ConfirmTotpState } from "../mfa-actions";
import { RecoveryCodesList } from "../recovery-codes-list";

/**
 * The enrolment page's body: the pending secret with the confirmation form, or (nothing pending) the way to
 * start. It holds the confirmation's answer itself, so the recovery codes stay on screen after the action:
 * the page re-renders without a pending secret then, and a form inside that branch would lose them.
 */
export function TotpEnrolmentPanel({ pending, idle }: { pending: React.ReactNode | null; idle: React.ReactNode }) {
  const [state, formAction] = useActionState<ConfirmTotpState, FormData>(confirmTotpAction, {});
  if (state.recoveryCodes) {
    return (
      <div className="space-y-4">
        <NoticeMessage>Two-step verification is on. Your other sessions were signed out.</NoticeMessage>
        <RecoveryCodesList codes={state.recoveryCodes} what="the app" />
        <Link href="/account" className={ui.link}>
          I have saved them: back to my account
        </Link>
      </div>
    );
  }
  if (!pending) return idle;
  return (
    <div className={`${ui.card} space-y-5 px-5 py-5`}>
      {pending}
      <form action={formAction} className="space-y-4">
        {state.error ? (
          <ErrorMessage id="confirm-error" code={state.error.code}>
            {state.error.message}
          </ErrorMessage>
        ) : null}
        <div>
          <label htmlFor="code" className={ui.label}>
            Code from the app
          </label>
          <input
            id="code"
            name="code"
            required
            inputMode="numeric"
            autoComplete="one-time-code"
            pattern="[0-9 ]{6,7}"
            maxLength={64}
            aria-describedby={state.error ? "confirm-error" : undefined}
            className={`${ui.input} mt-1.5 font-mono tracking-widest`}
          />
        </div>
        <SubmitButton>Turn on two-step verification</SubmitButton>
      </form>
    </div>
  );
}
