import { grantsOf, type GrantListItem } from "@/lib/impersonation/grants";
import type { Runtime } from "@/lib/runtime";
import type { SessionContext } from "@/lib/session/types";
import { Pill } from "../_components/badges";
import { GrantWindowSelect } from "../_components/grant-window-select";
import { ui } from "../_components/styles";
import { SubmitButton } from "../_components/submit-button";
import { formatUtc } from "../_lib/format";
import { grantAccessAction, revokeGrantAction } from "./grant-actions";
import { RequestAnswerForms } from "./request-answer-forms";

const SCOPE_LABELS = { read: "Read-only (look, change nothing)", write: "Can make changes" } as const;

function requester(item: GrantListItem, disclose: "name" | "role"): string {
  if (disclose === "name" && item.requesterName) return item.requesterName;
  return item.requesterRole === "admin" ? "An administrator" : "A support agent";
}

/**
 * Support access: what the user has granted (and until when), requests waiting for an answer, and the
 * form to grant access unprompted. Shown but not usable from inside an impersonation: consent is the owner's.
 */
export async function GrantsSection({ runtime, session, locked }: { runtime: Runtime; session: SessionContext; locked: boolean }) {
  const { active, pending } = await grantsOf(runtime.database.db, session.user.id, runtime.clock());
  const consent = runtime.config.impersonation.consent;
  return (
    <section aria-labelledby="support-access-heading" className={ui.card}>
      <div className={ui.cardHeader}>
        <h2 id="support-access-heading" className={ui.cardTitle}>
          Support access
        </h2>
        <p className="mt-0.5 text-sm text-slate-600">
          {consent === "off"
            ? "Our staff may sign in as you to help without asking. Grants below are recorded but not required."
            : consent === "always"
              ? "Our staff can sign in as you only while you grant it."
              : "Our staff can look at your account to help; making changes as you needs your grant."}
        </p>
      </div>
      <div className="space-y-5 px-5 py-5 text-sm">
        <div>
          <h3 className="font-medium text-slate-900">Active grants</h3>
          {active.length === 0 ? <p className="mt-1 text-slate-600">None.</p> : null}
          <ul className="mt-1 divide-y divide-slate-200">
            {active.map((g) => (
              <li key={g.id} className="flex flex-wrap items-center justify-between gap-3 py-2">
                <p>
                  <Pill tone="indigo">{g.scope === "write" ? "Can make changes" : "Read-only"}</Pill> until{" "}
                  <time dateTime={g.expiresAt!.toISOString()}>{formatUtc(g.expiresAt!)}</time>
                </p>
                {locked ? null : (
                  <form action={revokeGrantAction}>
                    <input type="hidden" name="grantId" value={g.id} />
                    <SubmitButton variant="dangerSoft" small>
                      Revoke
                    </SubmitButton>
                  </form>
                )}
              </li>
            ))}
          </ul>
        </div>

        {pending.length > 0 ? (
          <div>
            <h3 className="font-medium text-slate-900">Requests</h3>
            <ul className="mt-1 divide-y divide-slate-200">
              {pending.map((r) => (
                <li key={r.id} className="space-y-2 py-2 [overflow-wrap:anywhere]">
                  <p>
                    {requester(r, runtime.config.impersonation.disclose)} asks for {r.scope === "write" ? "access that can make changes" : "read-only access"}
                    {r.requestReason ? <> · “{r.requestReason}”</> : null}
                  </p>
                  {locked ? null : (
                    <RequestAnswerForms requestId={r.id} windowId={`approve-window-${r.id}`} />
                  )}
                </li>
              ))}
            </ul>
          </div>
        ) : null}

        {locked ? (
          <p className="text-slate-600">Granting and revoking access belong to {session.user.name} alone.</p>
        ) : (
          <form action={grantAccessAction} className="space-y-3">
            <fieldset>
              <legend className={ui.label}>Grant support access</legend>
              <div className="mt-1 space-y-1">
                {(["read", "write"] as const).map((scope) => (
                  <label key={scope} className="flex items-center gap-2">
                    <input type="radio" name="scope" value={scope} defaultChecked={scope === "read"} />
                    {SCOPE_LABELS[scope]}
                  </label>
                ))}
              </div>
            </fieldset>
            <div className="max-w-48">
              <label htmlFor="grant-window" className={ui.label}>
                For
              </label>
              <GrantWindowSelect id="grant-window" />
            </div>
            <SubmitButton>Grant access</SubmitButton>
          </form>
        )}
      </div>
    </section>
  );
}
