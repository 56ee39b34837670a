import type { Metadata } from "next";
import Link from "next/link";
import { findBulkJob } from "@/lib/admin/bulk";
import { getRuntime } from "@/lib/runtime";
import { namesByIds } from "@/lib/users/users";
import { ForbiddenView } from "../../../../_components/access-views";
import { InfoMessage } from "../../../../_components/messages";
import { ui } from "../../../../_components/styles";
import { redirectToNotFound } from "../../../../_lib/not-found";
import { checkStaffPage } from "../../../_lib/staff-page";
import { BULK_ACTION_NAMES } from "../bulk-query";
import { ContinueForm } from "./auto-continue";

export const metadata: Metadata = { title: "Bulk action" };

const SKIP_REASONS: Record<string, string> = {
  CANNOT_CHANGE_SELF: "that is you",
  HIGHER_ROLE: "their role is higher than yours",
  UNCHANGED: "already in that state",
  USER_NOT_FOUND: "no longer exists",
};
const SHOWN_SKIPS = 50;

/** A bulk job's progress, the users it skipped and why, and Continue while it is not done. */
export default async function BulkJobPage({ params }: { params: Promise<{ jobId: string }> }) {
  const { jobId } = await params;
  const { session, denied } = await checkStaffPage(`/admin/users/bulk/${jobId}`);
  if (denied || session.user.role !== "admin") return <ForbiddenView impersonatedName={session.impersonation ? session.user.name : null} />;
  const runtime = await getRuntime();
  const job = await findBulkJob(runtime.database.db, session, jobId);
  if (!job) redirectToNotFound();
  const names = BULK_ACTION_NAMES[job.action];
  const shown = job.skipped.slice(0, SHOWN_SKIPS);
  const skippedNames = await namesByIds(runtime.database.db, shown.map((s) => s.id));
  const done = job.state === "done";
  return (
    <div className="mx-auto max-w-xl space-y-6">
      <h1 className={ui.pageTitle}>{done ? "Bulk action done" : "Bulk action running"}</h1>
      <section aria-labelledby="bulk-progress" className={ui.card}>
        <div className={ui.cardHeader}>
          <h2 id="bulk-progress" className={ui.cardTitle}>
            Progress
          </h2>
        </div>
        <div className="space-y-3 px-5 py-4 text-sm text-slate-800">
          <p role="status" data-testid="bulk-progress">
            {job.changed} of {job.userIds.length} users {names.done}; {job.skipped.length} skipped; {job.position} of {job.userIds.length} processed.
          </p>
          <p className="text-slate-600">Reason: {job.reason}</p>
          {shown.length > 0 ? (
            <div>
              <h3 className="font-medium">Skipped</h3>
              <ul className="mt-1 list-disc pl-5">
                {shown.map((s) => (
                  <li key={s.id} className="[overflow-wrap:anywhere]">
                    {skippedNames.get(s.id) ?? s.id}: {SKIP_REASONS[s.code] ?? s.code}
                  </li>
                ))}
                {job.skipped.length > SHOWN_SKIPS ? <li>and {job.skipped.length - SHOWN_SKIPS} more</li> : null}
              </ul>
            </div>
          ) : null}
          {done ? null : (
            <>
              <InfoMessage role="note">The rest runs in batches. It continues on its own while this page is open; without JavaScript, press Continue.</InfoMessage>
              <ContinueForm jobId={job.id} />
            </>
          )}
          <Link href="/admin/users" className={ui.link}>
            Back to users
          </Link>
        </div>
      </section>
    </div>
  );
}
