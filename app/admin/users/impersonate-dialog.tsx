"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { useActionState, useEffect, useRef } from "react";
import { ErrorMessage } from "../../_components/messages";
import { buttonClass, ui } from "../../_components/styles";
import { SubmitButton } from "../../_components/submit-button";
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
        router.push(cancelHref, { scroll: false });
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
    <div className="fixed inset-0 z-50 flex items-start justify-center overflow-y-auto bg-slate-950/60 px-4 py-10 sm:items-center">
      <div
        ref={ref}
        role="dialog"
        aria-modal="true"
        aria-labelledby="impersonate-title"
        aria-describedby="impersonate-description"
        className="w-full max-w-lg rounded-xl bg-white shadow-2xl ring-1 ring-slate-900/10"
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
  reauthWindowText,
  cancelHref,
}: {
  target: Target;
  ttlText: string;
  needsPassword: boolean;
  reauthWindowText: string;
  cancelHref: string;
}) {
  const [state, formAction] = useActionState<StartImpersonationState, FormData>(startImpersonationAction, {
    reason: "",
    ticket: "",
    needsPassword,
  });
  const askPassword = needsPassword || state.needsPassword;
  const errorId = state.error ? "impersonate-error" : undefined;
  return (
    <DialogFrame cancelHref={cancelHref} returnFocusId={`impersonate-${target.id}`}>
      <form action={formAction}>
        <input type="hidden" name="targetId" value={target.id} />
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
          <div>
            <label htmlFor="impersonate-reason" className={ui.label}>
              Reason
            </label>
            <textarea
              id="impersonate-reason"
              name="reason"
              required
              maxLength={500}
              rows={3}
              defaultValue={state.reason}
              data-autofocus
              autoFocus
              aria-describedby={["impersonate-reason-hint", errorId].filter(Boolean).join(" ")}
              className={`${ui.input} mt-1.5`}
            />
            <p id="impersonate-reason-hint" className={ui.hint}>
              Required. Say what you are helping with; it goes into the audit log.
            </p>
          </div>
          <div>
            <label htmlFor="impersonate-ticket" className={ui.label}>
              Ticket
            </label>
            <input
              id="impersonate-ticket"
              name="ticket"
              type="text"
              maxLength={100}
              defaultValue={state.ticket}
              aria-describedby="impersonate-ticket-hint"
              className={`${ui.input} mt-1.5`}
            />
            <p id="impersonate-ticket-hint" className={ui.hint}>
              Optional, e.g. SUP-1234.
            </p>
          </div>
          {askPassword ? (
            <div>
              <label htmlFor="impersonate-password" className={ui.label}>
                Password
              </label>
              <input
                id="impersonate-password"
                name="password"
                type="password"
                required
                autoComplete="current-password"
                maxLength={1024}
                aria-describedby="impersonate-password-hint"
                className={`${ui.input} mt-1.5`}
              />
              <p id="impersonate-password-hint" className={ui.hint}>
                {reauthWindowText ? `Your own password: you last confirmed it more than ${reauthWindowText} ago.` : "Your own password, to confirm it is you."}
              </p>
            </div>
          ) : null}
        </div>
        <div className="mt-6 flex flex-row-reverse flex-wrap gap-3 rounded-b-xl border-t border-slate-200 bg-slate-50 px-6 py-4">
          <SubmitButton>Start impersonation</SubmitButton>
          <Link href={cancelHref} scroll={false} className={buttonClass("secondary")}>
            Cancel
          </Link>
        </div>
      </form>
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
        <Link href={cancelHref} scroll={false} data-autofocus autoFocus className={buttonClass("secondary")}>
          Cancel
        </Link>
      </div>
    </DialogFrame>
  );
}
