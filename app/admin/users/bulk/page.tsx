import type { Metadata } from "next";
import Link from "next/link";
import { BULK_MAX_USERS, BULK_STAFF_ACTION } from "@/lib/admin/bulk";
import { describeSelection } from "@/lib/admin/bulk-selection";
import { stepUpDue } from "@/lib/auth/step-up";
import { stepUpRequired } from "@/lib/auth/step-up-rule";
import { getRuntime } from "@/lib/runtime";
import { ForbiddenView } from "../../../_components/access-views";
import { FlashMessages, InfoMessage } from "../../../_components/messages";
import { ui } from "../../../_components/styles";
import { SubmitButton } from "../../../_components/submit-button";
import { readPageFlash } from "../../../_lib/flash-cookie";
import { formatDuration } from "../../../_lib/format";
import { MAX_REASON_LENGTH } from "@/lib/impersonation/limits";
import { StepUpFields } from "../../_components/step-up-fields";
import { checkStaffPage } from "../../_lib/staff-page";
import { confirmBulkAction } from "./actions";
import { BULK_ACTION_NAMES, bulkRequestFields, parseBulkRequest } from "./bulk-query";

export const metadata: Metadata = { title: "Confirm bulk action" };

const ROLE_NAMES = { user: "User", support: "Support", admin: "Admin" } as const;
const plural = (n: number) => `${n} user${n === 1 ? "" : "s"}`;

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

/** The confirmation of a bulk action: how many users (and the first few), a reason, the step-up, then it runs. */
export default async function ConfirmBulkPage({ searchParams }: Props) {
  const { session, denied } = await checkStaffPage("/admin/users/bulk");
  if (denied || session.user.role !== "admin") return <ForbiddenView impersonatedName={session.impersonation ? session.user.name : null} />;
  const runtime = await getRuntime();
  const request = parseBulkRequest(await searchParams);
  const selection = request ? await describeSelection(runtime.database.db, request.selection, new Date(runtime.clock())) : null;
  const flash = await readPageFlash("/admin/users/bulk");
  if (!request || !selection || selection.count === 0 || selection.count > BULK_MAX_USERS) {
    return (
      <div className="mx-auto max-w-xl space-y-4">
        <h1 className={ui.pageTitle}>Nothing to confirm</h1>
        <FlashMessages flash={flash} />
        <InfoMessage role="note">
          {!request ? "Choose an action, and a new role for a role change." : selection && selection.count > BULK_MAX_USERS ? `That is more than ${BULK_MAX_USERS} users: narrow the filter.` : "Select at least one user, or all users matching the filter."}
        </InfoMessage>
        <Link href="/admin/users" className={ui.link}>
          Back to users
        </Link>
      </div>
    );
  }
  const names = BULK_ACTION_NAMES[request.action];
  const stepUp = stepUpRequired(BULK_STAFF_ACTION[request.action]) ? await stepUpDue(runtime.stepUp, session) : null;
  const windowS = runtime.stepUp.windowS;
  const rest = selection.count - selection.first.length;
  const title = `${names.verb} ${plural(selection.count)}${request.role ? ` to ${ROLE_NAMES[request.role]}` : ""}?`;
  return (
    <div className="mx-auto max-w-xl space-y-6">
      <h1 className={ui.pageTitle}>{title}</h1>
      <FlashMessages flash={flash} />
      <section aria-labelledby="bulk-consequences" className={ui.card}>
        <div className={ui.cardHeader}>
          <h2 id="bulk-consequences" className={ui.cardTitle}>
            What will happen
          </h2>
        </div>
        <div className="space-y-2 px-5 py-4 text-sm text-slate-800" data-testid="consequences">
          <p>
            {plural(selection.count)} will be {names.done}
            {"filter" in request.selection ? ": every user matching the filter now; users added later are not included." : "."}
          </p>
          <ul className="list-disc pl-5">
            {selection.first.map((u) => (
              <li key={u.id} className="[overflow-wrap:anywhere]">
                {u.name} ({u.email})
              </li>
            ))}
            {rest > 0 ? <li>and {plural(rest)} more</li> : null}
          </ul>
          <p>You, users with a higher role and users already in that state are skipped and listed afterwards. Each change is audited.</p>
        </div>
        <form action={confirmBulkAction} className="space-y-4 border-t border-slate-200 px-5 py-4">
          {bulkRequestFields(request).map(([name, value], i) => (
            <input key={`${name}-${i}`} type="hidden" name={name} value={value} />
          ))}
          <div>
            <label htmlFor="bulk-reason" className={ui.label}>
              Reason
            </label>
            <textarea id="bulk-reason" name="reason" required maxLength={MAX_REASON_LENGTH} rows={3} aria-describedby="bulk-reason-hint" className={`${ui.input} mt-1.5`} />
            <p id="bulk-reason-hint" className={ui.hint}>
              Required. Recorded in the audit log with every change.
            </p>
          </div>
          <StepUpFields due={stepUp} idPrefix="bulk" passkeyLabel="Confirm with your passkey and run" windowText={windowS > 0 ? formatDuration(windowS) : ""} />
          <div className="flex flex-wrap items-center gap-3">
            {stepUp === "passkey" ? null : <SubmitButton variant="danger">{`${names.verb} ${plural(selection.count)}`}</SubmitButton>}
            <Link href="/admin/users" className={ui.link}>
              Cancel
            </Link>
          </div>
        </form>
      </section>
    </div>
  );
}
