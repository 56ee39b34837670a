import { grantStatusOf } from "@/lib/impersonation/grants";
import type { Runtime } from "@/lib/runtime";
import { GrantBadge } from "../../../_components/badges";
import { ui } from "../../../_components/styles";
import { SubmitButton } from "../../../_components/submit-button";
import { formatUtc } from "../../../_lib/format";
import { requestAccessAction } from "./access-request-actions";

/** The user's consent as staff see it, and the form to ask for it (answered by the user on /account). */
export async function AccessSection({ runtime, user }: { runtime: Runtime; user: { id: string; name: string } }) {
  const status = (await grantStatusOf(runtime.database.db, [user.id], runtime.clock())).get(user.id);
  return (
    <section aria-labelledby="support-access-heading" className={ui.card}>
      <div className={ui.cardHeader}>
        <h2 id="support-access-heading" className={`${ui.cardTitle} flex flex-wrap items-center gap-1`}>
          Support access <GrantBadge status={status} />
        </h2>
        <p className="mt-0.5 text-sm text-slate-600">
          {status?.scope && status.expiresAt
            ? `${user.name} granted ${status.scope === "write" ? "access that can make changes" : "read-only access"} until ${formatUtc(status.expiresAt)}.`
            : `${user.name} has no active grant (IMPERSONATION_CONSENT: ${runtime.config.impersonation.consent}).`}
        </p>
      </div>
      {status?.pending ? (
        <p className="px-5 py-4 text-sm text-slate-700">A request is waiting for {user.name}&apos;s answer.</p>
      ) : (
        <form action={requestAccessAction} className="flex flex-wrap items-end gap-3 px-5 py-4 text-sm">
          <input type="hidden" name="userId" value={user.id} />
          <div>
            <label htmlFor="request-scope" className={ui.label}>
              Access
            </label>
            <select id="request-scope" name="scope" defaultValue="write" className={`${ui.input} mt-1.5 pr-8`}>
              <option value="write">Can make changes</option>
              <option value="read">Read-only</option>
            </select>
          </div>
          <div className="min-w-56 flex-1">
            <label htmlFor="request-reason" className={ui.label}>
              Why
            </label>
            <input id="request-reason" name="reason" required maxLength={500} className={`${ui.input} mt-1.5`} />
          </div>
          <SubmitButton variant="secondary">Request access</SubmitButton>
        </form>
      )}
    </section>
  );
}
