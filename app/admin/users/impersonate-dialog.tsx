"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { useActionState, useEffect, useRef, useState } from "react";
import { ErrorMessage } from "../../_components/messages";
import { buttonClass, ui } from "../../_components/styles";
import { PasskeyButton } from "../../_components/passkey-button";
import { SubmitButton } from "../../_components/submit-button";
import { passkeyAssertion } from "../../_lib/passkey-client";
import { MAX_REASON_LENGTH, MAX_TICKET_LENGTH } from "@/lib/impersonation/limits";
import { startImpersonationAction, type StartImpersonationState } from "./actions";

interface Target {
  id: string;
  name: string;
  email: string;
}

/**
 * Keyboard support for a modal that the server renders (so it works without JavaScript): focus moves in,
 * Tab stays inside, Escape closes, and focus goes back to the button that opened it.
 */
function useModalFocus(cancelHref: string, returnFocusId: string) {
  const router = useRouter();
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const node = ref.current;
    if (!node) return;
    if (!node.contains(document.activeElement)) node.querySelector<HTMLElement>("[data-autofocus]")?.focus();
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.key === "Escape") {
        event.preventDefault();
        router.replace(cancelHref, { scroll: false });
        return;
      }
      if (event.key !== "Tab") return;
      const focusable = [...node.querySelectorAll<HTMLElement>("a[href], button:not([disabled]), input:not([type=hidden]), textarea, select")];
      const first = focusable[0];
      const last = focusable[focusable.length - 1];
      if (!first || !last) return;
      if (event.shiftKey && (document.activeElement === first || !node.contains(document.activeElement))) {
        event.preventDefault();
        last.focus();
      } else if (!event.shiftKey && (document.activeElement === last || !node.contains(document.activeElement))) {
        event.preventDefault();
        first.focus();
      }
    };
    document.addEventListener("keydown", onKeyDown);
    return () => {
      document.removeEventListener("keydown", onKeyDown);
      // After the dialog is gone the table is no longer inert, so its button can take focus back.
      setTimeout(() => document.getElementById(returnFocusId)?.focus(), 0);
    };
  }, [cancelHref, returnFocusId, router]);
  return ref;
}

function DialogFrame({ cancelHref, returnFocusId, children }: { cancelHref: string; returnFocusId: string; children: React.ReactNode }) {
  const ref = useModalFocus(cancelHref, returnFocusId);
  return (
    <div className="fixed inset-0 z-50 flex items-start justify-center overflow-y-auto bg-slate-950/60 px-3 py-4 sm:items-center sm:px-4 sm:py-10">
      <div
        ref={ref}
        role="dialog"
        aria-modal="true"
        aria-labelledby="impersonate-title"
        aria-describedby="impersonate-description"
        className="w-full min-w-0 max-w-lg rounded-xl bg-white shadow-2xl ring-1 ring-slate-900/10 [overflow-wrap:anywhere]"
      >
        {children}
      </div>
    </div>
  );
}

export function ImpersonateDialog({
  target,
  ttlText,
  needsPassword,
  stepUpWith,
  reauthWindowText,
  cancelHref,
  reasonMinLength,
  write,
}: {
  target: Target;
  /** Whether the `write` mode can be chosen, and if not, why (no capability, no consent). */
  write: { available: boolean; note: string | null };
  ttlText: string;
  /** A step-up is due (the field is shown); `stepUpWith` says which factor answers it. */
  needsPassword: boolean;
  stepUpWith: "password" | "totp" | "passkey";
  reauthWindowText: string;
  cancelHref: string;
  reasonMinLength: number;
}) {
  const [state, formAction] = useActionState<StartImpersonationState, FormData>(startImpersonationAction, {
    reason: "",
    ticket: "",
    needsPassword,
  });
  const askPassword = needsPassword || state.needsPassword;
  const formRef = useRef<HTMLFormElement>(null);
  const passkeyRef = useRef<HTMLInputElement>(null);
  const errorId = state.error ? "impersonate-error" : undefined;
  const passwordRef = useRef<HTMLInputElement>(null);
  // After a refusal that concerns the password (wrong, or too many tries), focus goes back to it.
  useEffect(() => {
    if (state.error && (state.error.code === "REAUTH_REQUIRED" || state.error.code === "RATE_LIMITED")) passwordRef.current?.focus();
  }, [state]);
  return (
    <DialogFrame cancelHref={cancelHref} returnFocusId={`impersonate-${target.id}`}>
      <form ref={formRef} action={formAction}>
        <input type="hidden" name="targetId" value={target.id} />
        <input type="hidden" name="returnTo" value={cancelHref} />
        <div className="space-y-4 px-6 pt-6">
          <div>
            <h2 id="impersonate-title" className="text-lg font-semibold text-slate-900">
              Sign in as {target.name}
            </h2>
            <p id="impersonate-description" className="mt-1 text-sm text-slate-700">
              You will see the app as <strong className="font-semibold">{target.name}</strong> ({target.email}) for up to{" "}
              <strong className="font-semibold">{ttlText}</strong>. The session then ends on its own. Everything you do is
              recorded under your name, and {target.name} can see this access on their account page.
            </p>
          </div>
          {state.error ? (
            <ErrorMessage id="impersonate-error" code={state.error.code}>
              {state.error.message}
            </ErrorMessage>
          ) : null}
          <LengthCountedField
            id="impersonate-reason"
            name="reason"
            label="Reason"
            multiline
            required
            autoFocus
            min={reasonMinLength}
            max={MAX_REASON_LENGTH}
            initial={state.reason}
            errorId={errorId}
            hint="Required. Say what you are helping with; it goes into the audit log."
          />
          <fieldset>
            <legend className={ui.label}>Mode</legend>
            <div className="mt-1 space-y-1.5 text-sm text-slate-800">
              <label className="flex items-start gap-2">
                <input type="radio" name="mode" value="read" defaultChecked={state.mode !== "write"} className="mt-1" />
                <span>
                  <strong className="font-semibold">Read-only</strong> — see what {target.name} sees; every change is refused.
                </span>
              </label>
              <label className="flex items-start gap-2">
                <input type="radio" name="mode" value="write" disabled={!write.available} defaultChecked={state.mode === "write" && write.available} className="mt-1" aria-describedby={write.note ? "impersonate-write-note" : undefined} />
                <span>
                  <strong className="font-semibold">Can make changes</strong> — act as {target.name}. Needs a fresh step-up.
                </span>
              </label>
              {write.note ? (
                <p id="impersonate-write-note" className="text-slate-600">
                  {write.note}
                </p>
              ) : null}
            </div>
          </fieldset>
          <LengthCountedField
            id="impersonate-ticket"
            name="ticket"
            label="Ticket"
            max={MAX_TICKET_LENGTH}
            initial={state.ticket}
            hint="Optional, e.g. SUP-1234."
          />
          {askPassword && stepUpWith === "passkey" ? (
            <div className="space-y-1.5">
              <p id="impersonate-passkey-hint" className={ui.hint}>
                {reauthWindowText
                  ? `Your account has a passkey: confirm with it, since your last confirmation is more than ${reauthWindowText} old.`
                  : "Your account has a passkey: confirm with it, to show it is you."}
              </p>
              {/* The passkey's answer goes with the post itself: the step-up and the start are one request. */}
              <input ref={passkeyRef} type="hidden" name="passkey" defaultValue="" />
              <PasskeyButton
                run={async () => {
                  // The browser's prompt only once the form would be accepted: a reason first.
                  if (formRef.current && !formRef.current.reportValidity()) return { ok: false, code: "INVALID_INPUT", message: "Give a reason first." };
                  return passkeyAssertion("step-up");
                }}
                onDone={(response) => {
                  if (passkeyRef.current) passkeyRef.current.value = JSON.stringify(response);
                  formRef.current?.requestSubmit();
                }}
                errorId="impersonate-passkey-error"
              >
                Confirm with your passkey and start
              </PasskeyButton>
            </div>
          ) : askPassword && stepUpWith === "totp" ? (
            <div>
              <label htmlFor="impersonate-password" className={ui.label}>
                Code from your authenticator app
              </label>
              <input
                ref={passwordRef}
                id="impersonate-password"
                name="code"
                type="text"
                required
                inputMode="numeric"
                autoComplete="one-time-code"
                maxLength={64}
                aria-describedby={["impersonate-password-hint", errorId].filter(Boolean).join(" ")}
                className={`${ui.input} mt-1.5 font-mono tracking-widest`}
              />
              <p id="impersonate-password-hint" className={ui.hint}>
                {reauthWindowText
                  ? `Your account has two-step verification: a fresh code, since your last one is more than ${reauthWindowText} old.`
                  : "Your account has two-step verification: a fresh code, to confirm it is you."}
              </p>
            </div>
          ) : askPassword ? (
            <div>
              <label htmlFor="impersonate-password" className={ui.label}>
                Password
              </label>
              <input
                ref={passwordRef}
                id="impersonate-password"
                name="password"
                type="password"
                required
                autoComplete="current-password"
                maxLength={1024}
                aria-describedby={["impersonate-password-hint", errorId].filter(Boolean).join(" ")}
                className={`${ui.input} mt-1.5`}
              />
              <p id="impersonate-password-hint" className={ui.hint}>
                {reauthWindowText ? `Your own password: you last confirmed it more than ${reauthWindowText} ago.` : "Your own password, to confirm it is you."}
              </p>
            </div>
          ) : null}
        </div>
        <div className="mt-6 flex flex-row-reverse flex-wrap gap-3 rounded-b-xl border-t border-slate-200 bg-slate-50 px-6 py-4">
          {askPassword && stepUpWith === "passkey" ? null : <SubmitButton>Start impersonation</SubmitButton>}
          <Link href={cancelHref} scroll={false} replace className={buttonClass("secondary")}>
            Cancel
          </Link>
        </div>
      </form>
    </DialogFrame>
  );
}

/**
 * A text field with its limits in view: "12 of 500 characters, at least 10". Nothing is cut off as you
 * type or paste (no maxLength); a text out of bounds is refused by the server with a message that says
 * why, and the counter turns red before that happens. Without JavaScript the hint states the limits.
 */
function LengthCountedField({
  id,
  name,
  label,
  hint,
  min = 0,
  max,
  initial,
  multiline,
  required,
  autoFocus,
  errorId,
}: {
  id: string;
  name: string;
  label: string;
  hint: string;
  min?: number;
  max: number;
  initial: string;
  multiline?: boolean;
  required?: boolean;
  autoFocus?: boolean;
  errorId?: string;
}) {
  const [length, setLength] = useState<number | null>(null);
  const limits = min > 0 ? `at least ${min}, at most ${max} characters` : `at most ${max} characters`;
  const count = length ?? initial.length;
  const outOfBounds = count > max || (count > 0 && count < min);
  const counterId = `${id}-count`;
  const common = {
    id,
    name,
    required,
    defaultValue: initial,
    "aria-describedby": [`${id}-hint`, counterId, errorId].filter(Boolean).join(" "),
    "aria-invalid": outOfBounds ? true : undefined,
    className: `${ui.input} mt-1.5 [overflow-wrap:anywhere]`,
    onChange: (event: React.ChangeEvent<HTMLInputElement | HTMLTextAreaElement>) => setLength(event.target.value.trim().length),
  };
  return (
    <div>
      <label htmlFor={id} className={ui.label}>
        {label}
      </label>
      {multiline ? (
        <textarea {...common} rows={3} data-autofocus={autoFocus ? true : undefined} autoFocus={autoFocus} />
      ) : (
        <input {...common} type="text" />
      )}
      <div className="mt-1 flex flex-wrap justify-between gap-x-3">
        <p id={`${id}-hint`} className="text-xs text-slate-600">
          {hint}
        </p>
        <p id={counterId} className={`text-xs tabular-nums ${outOfBounds ? "font-medium text-red-700" : "text-slate-600"}`}>
          {length === null && initial.length === 0 ? limits.charAt(0).toUpperCase() + limits.slice(1) : `${count} of ${max} characters${min > 0 ? `, at least ${min}` : ""}`}
        </p>
      </div>
    </div>
  );
}

/** The dialog's URL names a user that does not exist (or is not a user id at all): say so, and the way back. */
export function UnknownUserDialog({ malformed, cancelHref }: { malformed: boolean; cancelHref: string }) {
  return (
    <DialogFrame cancelHref={cancelHref} returnFocusId="users-q">
      <div className="space-y-4 px-6 pt-6">
        <h2 id="impersonate-title" className="text-lg font-semibold text-slate-900">
          No such user
        </h2>
        <p id="impersonate-description" className="text-sm text-slate-700">
          {malformed
            ? "This link does not name a user: the user id in it is not valid. Check the link, or find the user in the list."
            : "There is no user with the id in this link. They may have been deleted, or the link is mistyped. Find the user in the list."}
        </p>
      </div>
      <div className="mt-6 flex flex-row-reverse gap-3 rounded-b-xl border-t border-slate-200 bg-slate-50 px-6 py-4">
        <Link href={cancelHref} scroll={false} replace data-autofocus autoFocus className={buttonClass("secondary")}>
          Back to users
        </Link>
      </div>
    </DialogFrame>
  );
}

/** Same frame when the chosen user cannot be impersonated: the reason, and the way back. */
export function ImpersonationRefusedDialog({ target, message, cancelHref }: { target: Target; message: string; cancelHref: string }) {
  return (
    <DialogFrame cancelHref={cancelHref} returnFocusId={`name-${target.id}`}>
      <div className="space-y-4 px-6 pt-6">
        <h2 id="impersonate-title" className="text-lg font-semibold text-slate-900">
          You cannot sign in as {target.name}
        </h2>
        <p id="impersonate-description" className="text-sm text-slate-700">
          {message}
        </p>
      </div>
      <div className="mt-6 flex flex-row-reverse gap-3 rounded-b-xl border-t border-slate-200 bg-slate-50 px-6 py-4">
        <Link href={cancelHref} scroll={false} replace data-autofocus autoFocus className={buttonClass("secondary")}>
          Cancel
        </Link>
      </div>
    </DialogFrame>
  );
}
