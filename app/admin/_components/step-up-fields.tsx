"use client";

import { useRef } from "react";
import type { StepUpFactor } from "@/lib/auth/step-up";
import { PasskeyButton } from "../../_components/passkey-button";
import { ui, type ButtonVariant } from "../../_components/styles";
import { passkeyAssertion } from "../../_lib/passkey-client";

/**
 * The step-up a form needs (lib/auth/step-up: `stepUpDue` says which), inside that form: the password or an
 * authenticator code posts with it and works without JavaScript; a passkey needs the browser's prompt, so its
 * button answers it, puts the answer in the `passkey` field and submits the form (the step-up and the action
 * are one request). With `due === "passkey"` the form shows this button instead of its own submit button.
 */
export function StepUpFields({
  due,
  idPrefix,
  passkeyLabel,
  variant = "danger",
  windowText = "",
  onlyFor,
}: {
  due: StepUpFactor | null;
  idPrefix: string;
  passkeyLabel: string;
  variant?: ButtonVariant;
  /** The step-up window as words ("15 minutes"); empty when every action is confirmed on its own. */
  windowText?: string;
  /** When only some choices of the form need the step-up, the words for them ("a Support or Admin account"): the field is then optional. */
  onlyFor?: string;
}) {
  const holder = useRef<HTMLDivElement>(null);
  const passkeyRef = useRef<HTMLInputElement>(null);
  if (due === null) return null;
  const why = windowText ? `your last confirmation is more than ${windowText} old` : "this action is confirmed on its own";
  const scope = onlyFor ? ` Needed only for ${onlyFor}.` : "";
  if (due === "password" || due === "totp") {
    const id = `${idPrefix}-step-up`;
    return (
      <div>
        <label htmlFor={id} className={ui.label}>
          {due === "password" ? "Your password" : "Code from your authenticator app"}
        </label>
        {due === "password" ? (
          <input id={id} name="password" type="password" required={!onlyFor} autoComplete="current-password" maxLength={1024} aria-describedby={`${id}-hint`} className={`${ui.input} mt-1.5`} />
        ) : (
          <input id={id} name="code" type="text" required={!onlyFor} inputMode="numeric" autoComplete="one-time-code" maxLength={64} aria-describedby={`${id}-hint`} className={`${ui.input} mt-1.5 font-mono tracking-widest`} />
        )}
        <p id={`${id}-hint`} className={ui.hint}>
          {due === "password" ? `Confirm it is you: ${why}.` : `Your account has two-step verification: a fresh code, since ${why}.`}
          {scope}
        </p>
      </div>
    );
  }
  return (
    <div ref={holder} className="space-y-1.5">
      <p id={`${idPrefix}-passkey-hint`} className={ui.hint}>
        Your account has a passkey: confirm with it, since {why}.{scope}
      </p>
      <noscript>
        <p className="text-sm text-slate-700">Confirming with a passkey needs JavaScript: turn it on for this page, or use a browser that has it.</p>
      </noscript>
      <input ref={passkeyRef} type="hidden" name="passkey" defaultValue="" />
      <PasskeyButton
        run={async () => {
          // The browser's prompt only once the form would be accepted (a reason first).
          const form = holder.current?.closest("form");
          if (form && !form.reportValidity()) return { ok: false, code: "INVALID_INPUT", message: "Fill in the form first." };
          return passkeyAssertion("step-up");
        }}
        errorId={`${idPrefix}-passkey-error`}
        variant={variant}
        onDone={(response) => {
          if (passkeyRef.current) passkeyRef.current.value = JSON.stringify(response);
          holder.current?.closest("form")?.requestSubmit();
        }}
      >
        {passkeyLabel}
      </PasskeyButton>
    </div>
  );
}
