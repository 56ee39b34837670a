import { stopImpersonationAction } from "../actions";
import type { SessionContext } from "@/lib/session/types";
import { Countdown } from "./countdown";
import { SubmitButton } from "./submit-button";

/** The mode in words: what the impersonator can and cannot do here. */
export const MODE_LABELS = { read: "read-only", write: "can make changes" } as const;

/**
 * On every page while impersonating: both identities, the time left, and the way out. Amber on black is
 * hard to miss and keeps a contrast ratio well above 7:1; sticky so it never scrolls away.
 */
export function ImpersonationBanner({ session, now }: { session: SessionContext; now: number }) {
  if (!session.impersonation || !session.impersonator) return null;
  const remainingMs = session.impersonation.expiresAt - now;
  return (
    <section
      role="region"
      aria-label="Impersonation"
      className="sticky top-0 z-40 border-b-4 border-amber-400 bg-slate-950 text-amber-300 shadow-lg"
    >
      <div className="mx-auto flex max-w-6xl flex-wrap items-center justify-between gap-x-6 gap-y-2 px-4 py-2.5">
        <p className="flex min-w-0 items-center gap-3 text-sm sm:text-base">
          <svg aria-hidden="true" viewBox="0 0 20 20" fill="currentColor" className="size-5 shrink-0">
            <path
              fillRule="evenodd"
              d="M8.485 2.495c.673-1.167 2.357-1.167 3.03 0l6.28 10.875c.673 1.167-.17 2.625-1.516 2.625H3.72c-1.347 0-2.189-1.458-1.515-2.625L8.485 2.495ZM10 5a.75.75 0 0 1 .75.75v3.5a.75.75 0 0 1-1.5 0v-3.5A.75.75 0 0 1 10 5Zm0 9a1 1 0 1 0 0-2 1 1 0 0 0 0 2Z"
              clipRule="evenodd"
            />
          </svg>
          <span className="min-w-0 [overflow-wrap:anywhere]">
            You are signed in as <strong className="font-bold text-amber-200">{session.user.name}</strong> — impersonated by{" "}
            <strong className="font-bold text-amber-200">{session.impersonator.name}</strong> — <Countdown remainingMs={remainingMs} /> left —{" "}
            <span data-testid="impersonation-mode" data-mode={session.impersonation.mode} className="rounded bg-amber-300 px-1.5 py-0.5 font-semibold text-slate-950">
              {MODE_LABELS[session.impersonation.mode]}
            </span>
          </span>
        </p>
        <form action={stopImpersonationAction}>
          <SubmitButton variant="amber">Stop Impersonation</SubmitButton>
        </form>
      </div>
    </section>
  );
}
