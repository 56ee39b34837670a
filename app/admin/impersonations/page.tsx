import type { Metadata } from "next";
import { MODE_LABELS } from "../../_components/impersonation-banner";
import Link from "next/link";
import { getRuntime } from "@/lib/runtime";
import { Countdown } from "../../_components/countdown";
import { ForbiddenView } from "../../_components/access-views";
import { FlashMessages, InfoMessage } from "../../_components/messages";
import { ui } from "../../_components/styles";
import { SubmitButton } from "../../_components/submit-button";
import { readPageFlash } from "../../_lib/flash-cookie";
import { formatUtc } from "../../_lib/format";
import { checkStaffPage } from "../_lib/staff-page";

export const metadata: Metadata = { title: "Live impersonations" };

export default async function ImpersonationsPage() {
  const { session, denied } = await checkStaffPage("/admin/impersonations");
  if (denied) return <ForbiddenView impersonatedName={session.impersonation ? session.user.name : null} />;
  const runtime = await getRuntime();
  const flash = await readPageFlash("/admin/impersonations");
  const now = runtime.clock();
  const live = await runtime.sessions.listLiveImpersonations();
  const isAdmin = session.user.role === "admin";

  return (
    <div className="space-y-6">
      <div>
        <h1 className={ui.pageTitle}>Live impersonations</h1>
        <p className="mt-1 text-sm text-slate-600">Staff signed in as someone else right now. Each ends on its own when its time runs out.</p>
      </div>
      <FlashMessages flash={flash} />
      {!isAdmin ? <InfoMessage role="note">Only administrators can end someone else&apos;s impersonation.</InfoMessage> : null}

      <section aria-label="Live impersonations" className={`${ui.card} overflow-hidden`}>
        <div className="relative overflow-x-auto">
          <table className="min-w-full divide-y divide-slate-200">
            <caption className="sr-only">Live impersonations, newest first</caption>
            <thead className="bg-slate-50">
              <tr>
                {["Staff member", "Signed in as", "Mode", "Reason", "Ticket", "Started", "Time left"].map((h) => (
                  <th key={h} scope="col" className={ui.th}>
                    {h}
                  </th>
                ))}
                <th scope="col" className={ui.th}>
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-200 bg-white">
              {live.length === 0 ? (
                <tr>
                  <td colSpan={8} className="px-4 py-10 text-center text-sm text-slate-600">
                    Nobody is impersonating anyone right now.
                  </td>
                </tr>
              ) : null}
              {live.map((row) => (
                <tr key={row.id}>
                  <td className={ui.td}>
                    <Link href={`/admin/users/${row.actorId}`} className={ui.link}>
                      {row.actorName}
                    </Link>
                    <span className="block text-xs text-slate-600">{row.actorEmail}</span>
                  </td>
                  <td className={ui.td}>
                    <Link href={`/admin/users/${row.targetId}`} className={ui.link}>
                      {row.targetName}
                    </Link>
                    <span className="block text-xs text-slate-600">{row.targetEmail}</span>
                  </td>
                  <td className={`${ui.td} whitespace-nowrap`}>{MODE_LABELS[row.mode === "write" ? "write" : "read"]}</td>
                  <td className={`${ui.td} min-w-48 max-w-xs [overflow-wrap:anywhere]`}>{row.reason ?? "—"}</td>
                  <td className={`${ui.td} min-w-24 max-w-48 [overflow-wrap:anywhere]`}>{row.ticket ?? "—"}</td>
                  <td className={`${ui.td} whitespace-nowrap`}>{formatUtc(row.startedAt)}</td>
                  <td className={`${ui.td} whitespace-nowrap`}>
                    <Countdown remainingMs={row.expiresAt.getTime() - now} refreshAtZero={false} endedLabel="Ended (time ran out)" />
                  </td>
                  <td className={`${ui.td} text-right`}>
                    {/* Asks first: the confirmation says whose impersonation ends and takes the reason. */}
                    <form action="/admin/impersonations/end" method="get">
                      <input type="hidden" name="session" value={row.id} />
                      <SubmitButton variant="danger" small disabled={!isAdmin} title={`End ${row.actorName}'s impersonation of ${row.targetName}`}>
                        End now
                      </SubmitButton>
                    </form>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>
    </div>
  );
}
