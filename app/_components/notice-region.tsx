import { unreadNoticesFor } from "@/lib/notify/own-notices";
import { describeNotice } from "@/lib/notify/impersonation-notice";
import { getRuntime } from "@/lib/runtime";
import type { SessionContext } from "@/lib/session/types";
import { dismissNoticesAction } from "../actions";
import { formatUtc } from "../_lib/format";
import { SubmitButton } from "./submit-button";

/**
 * The user's unread notices (a staff member signed in to their account), on their next visit, on every page
 * until dismissed. Never shown inside an impersonation: the notice is for the account's owner.
 */
export async function NoticeRegion({ session }: { session: SessionContext }) {
  if (session.impersonation) return null;
  let notices: Awaited<ReturnType<typeof unreadNoticesFor>> = [];
  try {
    notices = await unreadNoticesFor((await getRuntime()).database.db, session);
  } catch {
    // The page below reports a database outage; the chrome just leaves the notices for the next visit.
  }
  if (notices.length === 0) return null;
  return (
    <section aria-labelledby="notices-heading" className="border-b border-sky-300 bg-sky-50 text-sky-950">
      <div className="mx-auto flex max-w-6xl flex-wrap items-start justify-between gap-4 px-4 py-3">
        <div className="min-w-0 text-sm">
          <h2 id="notices-heading" className="font-semibold">
            Access to your account
          </h2>
          <ul className="mt-1 space-y-1">
            {notices.map((n) => (
              <li key={n.id} className="[overflow-wrap:anywhere]">
                {describeNotice(n)} <time dateTime={n.createdAt.toISOString()}>{formatUtc(n.createdAt)}</time>
                {n.reason ? <> · Reason: “{n.reason}”</> : null} · {n.mode === "write" ? "Read and write" : "Read-only"}
              </li>
            ))}
          </ul>
          <p className="mt-1">
            The full list is on <a href="/account#notifications-heading" className="font-medium underline">your account page</a>. If you did not expect this, contact support.
          </p>
        </div>
        <form action={dismissNoticesAction}>
          {notices.map((n) => (
            <input key={n.id} type="hidden" name="id" value={n.id} />
          ))}
          <SubmitButton variant="secondary" small>
            Dismiss
          </SubmitButton>
        </form>
      </div>
    </section>
  );
}
