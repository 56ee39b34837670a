import { describeDuration, describeNotice } from "@/lib/notify/impersonation-notice";
import type { ShownNotice } from "@/lib/notify/own-notices";
import { Pill } from "../_components/badges";
import { ui } from "../_components/styles";
import { formatUtc } from "../_lib/format";

/** Every notice the user was sent: who (name and role, or the role alone), when, how long, mode, reason. */
export function NotificationsSection({ notices }: { notices: ShownNotice[] }) {
  return (
    <section aria-labelledby="notifications-heading" className={ui.card}>
      <div className={ui.cardHeader}>
        <h2 id="notifications-heading" className={ui.cardTitle}>
          Notifications
        </h2>
        <p className="mt-0.5 text-sm text-slate-600">What we told you by email and on your next visit.</p>
      </div>
      {notices.length === 0 ? (
        <p className="px-5 py-5 text-sm text-slate-600">No notifications.</p>
      ) : (
        <ul className="divide-y divide-slate-200">
          {notices.map((n) => (
            <li key={n.id} className="px-5 py-3 text-sm [overflow-wrap:anywhere]">
              <p className="flex flex-wrap items-center gap-2 font-medium text-slate-900">
                {describeNotice(n)}
                {n.readAt ? null : <Pill tone="indigo">New</Pill>}
              </p>
              <p className="mt-0.5 text-slate-600">
                <time dateTime={n.createdAt.toISOString()}>{formatUtc(n.createdAt)}</time>
                {" · "}
                {n.mode === "write" ? "Read and write" : "Read-only"}
                {n.durationS !== null ? <> · Lasted {describeDuration(n.durationS)}</> : null}
                {n.limitS !== null ? <> · Time limit {describeDuration(n.limitS)}</> : null}
                {n.reason ? <> · “{n.reason}”</> : null}
              </p>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
