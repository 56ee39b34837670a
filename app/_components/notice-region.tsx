import { describeAccessRequest } from "@/lib/notify/access-request-notice";
import { noticeRegionOf, type NoticeRegionContent, type ShownAccessRequest } from "@/lib/notify/own-notices";
import { describeNotice } from "@/lib/notify/impersonation-notice";
import { getRuntime } from "@/lib/runtime";
import type { SessionContext } from "@/lib/session/types";
import { dismissNoticesAction } from "../actions";
import { RequestAnswerForms } from "../account/request-answer-forms";
import { formatUtc } from "../_lib/format";
import { SubmitButton } from "./submit-button";

/** A staff request, answered here with the same forms as on /account (answering marks this notice read). */
function AccessRequestItem({ n }: { n: ShownAccessRequest }) {
  return (
    <li className="space-y-2 [overflow-wrap:anywhere]">
      <p>
        {describeAccessRequest(n)} <time dateTime={n.createdAt.toISOString()}>{formatUtc(n.createdAt)}</time>
        {n.reason ? <> · Reason: “{n.reason}”</> : null}
      </p>
      <RequestAnswerForms requestId={n.requestId} windowId={`notice-window-${n.id}`} windowLabel="Grant it for" />
    </li>
  );
}

/**
 * The user's unread notices (a staff member signed in to their account, or asks to), on their next visit, on
 * every page until dismissed or, for a request, answered here (forms, so no JavaScript is needed). Never
 * shown inside an impersonation: the notice is for the account's owner.
 */
export async function NoticeRegion({ session }: { session: SessionContext }) {
  if (session.impersonation) return null;
  let content: NoticeRegionContent = { accesses: [], requests: [] };
  try {
    content = await noticeRegionOf((await getRuntime()).database, session);
  } catch {
    // The page below reports a database outage; the chrome just leaves the notices for the next visit.
  }
  const { accesses: notices, requests } = content;
  if (notices.length === 0 && requests.length === 0) return null;
  return (
    <section aria-labelledby="notices-heading" className="border-b border-sky-300 bg-sky-50 text-sky-950">
      <div className="mx-auto flex max-w-6xl flex-wrap items-start justify-between gap-4 px-4 py-3">
        <div className="min-w-0 text-sm">
          <h2 id="notices-heading" className="font-semibold">
            Access to your account
          </h2>
          {requests.length > 0 ? (
            <ul className="mt-1 space-y-2" aria-label="Access requests">
              {requests.map((n) => (
                <AccessRequestItem key={n.id} n={n} />
              ))}
            </ul>
          ) : null}
          <ul className="mt-1 space-y-1">
            {notices.map((n) => (
              <li key={n.id} className="[overflow-wrap:anywhere]">
                {describeNotice(n)} <time dateTime={n.createdAt.toISOString()}>{formatUtc(n.createdAt)}</time>
                {n.reason ? <> · Reason: “{n.reason}”</> : null} · {n.mode === "write" ? "Read and write" : "Read-only"}
              </li>
            ))}
          </ul>
          {notices.length > 0 ? (
            <p className="mt-1">
              The full list is on <a href="/account#notifications-heading" className="font-medium underline">your account page</a>. If you did not expect this, contact support.
            </p>
          ) : null}
        </div>
        <form action={dismissNoticesAction}>
          {[...notices, ...requests].map((n) => (
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
