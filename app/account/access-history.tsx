import type { ImpersonationEndCause } from "@/lib/audit/actions";
import type { AccessEntry } from "@/lib/impersonation/service";
import { ui } from "../_components/styles";
import { formatElapsed, formatUtc } from "../_lib/format";

/** How an access ended, in the account owner's words. */
const ENDED: Record<ImpersonationEndCause, (endedBy: string | null) => string> = {
  stop: () => "They stopped it",
  expire: () => "Its time ran out",
  force_end: (by) => `Ended by ${by ?? "an administrator"}`,
  actor_signed_out: () => "They signed out",
  target_banned: () => "Ended when your account was suspended",
  actor_revoked: (by) => (by ? `Their access was revoked by ${by}` : "Their access was revoked"),
  grant_revoked: () => "Ended when you withdrew your permission",
};

const capitalize = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

function endedText(entry: AccessEntry): string {
  if (entry.state === "running") return "Still in progress";
  if (!entry.endedHow) return "Not recorded";
  return ENDED[entry.endedHow](entry.endedBy);
}

/** One entry per access: who, from–to, how long, in which mode, how it ended and why it happened. */
export function AccessHistory({ entries }: { entries: AccessEntry[] }) {
  return (
    <section aria-labelledby="access-heading" className={ui.card}>
      <div className={ui.cardHeader}>
        <h2 id="access-heading" className={ui.cardTitle}>
          Account access
        </h2>
        <p className="mt-0.5 text-sm text-slate-600">When our staff signed in as you to help, who it was, for how long, and why.</p>
      </div>
      {entries.length === 0 ? (
        <p className="px-5 py-5 text-sm text-slate-600">Nobody from our team has accessed your account.</p>
      ) : (
        <ul className="divide-y divide-slate-200" aria-label="Accesses, newest first">
          {entries.map((a) => (
            <li key={`${a.from.toISOString()}-${a.by}`} className="px-5 py-3 text-sm [overflow-wrap:anywhere]">
              <p className="font-medium text-slate-900">{capitalize(a.by)} signed in as you</p>
              <dl className="mt-1 grid grid-cols-[auto_1fr] gap-x-3 gap-y-0.5 text-slate-700">
                <dt className="text-slate-600">When</dt>
                <dd>
                  <time dateTime={a.from.toISOString()}>{formatUtc(a.from)}</time>
                  {a.to ? (
                    <>
                      {" – "}
                      <time dateTime={a.to.toISOString()}>{formatUtc(a.to)}</time>
                    </>
                  ) : null}
                </dd>
                <dt className="text-slate-600">Duration</dt>
                <dd>{a.durationS === null ? "—" : formatElapsed(a.durationS)}</dd>
                <dt className="text-slate-600">Mode</dt>
                <dd>{a.mode === "read" ? "Read only" : a.mode === "write" ? "Could make changes" : "—"}</dd>
                <dt className="text-slate-600">Ended</dt>
                <dd>{endedText(a)}</dd>
                <dt className="text-slate-600">Reason</dt>
                <dd>
                  {a.reason ? `“${a.reason}”` : "—"}
                  {a.ticket ? ` (ticket ${a.ticket})` : null}
                </dd>
              </dl>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
