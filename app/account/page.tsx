import type { Metadata } from "next";
import { minPasswordLength } from "@/lib/auth/password-policy";
import { ERRORS } from "@/lib/errors";
import { listAccessesTo } from "@/lib/impersonation/service";
import { noticesOf } from "@/lib/notify/own-notices";
import { requireUser } from "@/lib/next/session";
import { getRuntime } from "@/lib/runtime";
import { Pill } from "../_components/badges";
import { FlashMessages, InfoMessage } from "../_components/messages";
import { ui } from "../_components/styles";
import { SubmitButton } from "../_components/submit-button";
import { describeUserAgent } from "../_lib/device";
import { readPageFlash } from "../_lib/flash-cookie";
import { formatRelative, formatUtc } from "../_lib/format";
import { AccessHistory } from "./access-history";
import { ChangePasswordForm } from "./change-password-form";
import { revokeOtherSessionsAction, revokeSessionAction } from "./actions";
import { MfaSection } from "./mfa-section";
import { GrantsSection } from "./grants-section";
import { NotificationsSection } from "./notifications-section";
import { ProfileSection } from "./profile-section";

export const metadata: Metadata = { title: "Account" };

export default async function AccountPage() {
  const session = await requireUser("/account");
  const runtime = await getRuntime();
  const flash = await readPageFlash("/account");
  const now = runtime.clock();
  const [sessions, accesses, notices] = await Promise.all([
    runtime.sessions.listUserSessions(session.user.id),
    listAccessesTo(runtime.database.db, session.user.id, runtime.config.impersonation.disclose, now),
    noticesOf(runtime.database.db, session.user.id),
  ]);
  // While impersonating, the forms that could take the account over are replaced, and the actions refuse too.
  const locked = session.impersonation !== null;
  const others = sessions.filter((s) => s.id !== session.sessionId).length;

  return (
    <div className="space-y-8">
      <div>
        <h1 className={ui.pageTitle}>Account</h1>
        <p className="mt-1 text-sm text-slate-600 [overflow-wrap:anywhere]">
          {session.user.name} · {session.user.email}
        </p>
      </div>
      <FlashMessages flash={flash} />
      {locked ? (
        <InfoMessage role="note" code="FORBIDDEN_WHILE_IMPERSONATING">
          {ERRORS.FORBIDDEN_WHILE_IMPERSONATING.message} Revoking sessions and changing the password belong to {session.user.name} alone.
        </InfoMessage>
      ) : null}

      <ProfileSection session={session} />

      <section aria-labelledby="sessions-heading" className={ui.card}>
        <div className={`${ui.cardHeader} flex flex-wrap items-center justify-between gap-3`}>
          <div>
            <h2 id="sessions-heading" className={ui.cardTitle}>
              Active sessions
            </h2>
            <p className="mt-0.5 text-sm text-slate-600">Everywhere you are signed in. Revoke anything you do not recognise.</p>
          </div>
          {locked ? null : (
            <form action={revokeOtherSessionsAction}>
              <SubmitButton variant="dangerSoft" disabled={others === 0} title={others === 0 ? "No other sessions" : undefined}>
                Sign out other sessions
              </SubmitButton>
            </form>
          )}
        </div>
        <ul className="divide-y divide-slate-200">
          {sessions.length === 0 ? <li className="px-5 py-4 text-sm text-slate-600">No active sessions.</li> : null}
          {sessions.map((s) => {
            const current = s.id === session.sessionId;
            const device = describeUserAgent(s.userAgent);
            return (
              <li key={s.id} className="flex flex-wrap items-center justify-between gap-3 px-5 py-4">
                <div className="min-w-0">
                  <p className="flex items-center gap-2 text-sm font-medium text-slate-900">
                    {device}
                    {current ? <Pill tone="indigo">This device</Pill> : null}
                  </p>
                  <p className="mt-0.5 text-sm text-slate-600">
                    {s.ip ?? "Unknown address"} · Last seen {formatRelative(s.lastSeenAt, now)} · Signed in {formatUtc(s.createdAt)}
                  </p>
                </div>
                {locked || current ? null : (
                  <form action={revokeSessionAction}>
                    <input type="hidden" name="sessionId" value={s.id} />
                    <SubmitButton variant="secondary" small title={`Revoke the session on ${device} (${s.ip ?? "unknown address"})`}>
                      Revoke
                    </SubmitButton>
                  </form>
                )}
              </li>
            );
          })}
        </ul>
      </section>

      <div className="grid gap-8 lg:grid-cols-2">
        <section aria-labelledby="password-heading" className={ui.card}>
          <div className={ui.cardHeader}>
            <h2 id="password-heading" className={ui.cardTitle}>
              Change password
            </h2>
          </div>
          <div className="px-5 py-5">
            {locked ? (
              <p className="text-sm text-slate-600">Hidden while impersonating.</p>
            ) : (
              <ChangePasswordForm minLength={minPasswordLength(session.user.role)} email={session.user.email} />
            )}
          </div>
        </section>

        <MfaSection runtime={runtime} session={session} locked={locked} />

        <GrantsSection runtime={runtime} session={session} locked={locked} />

        <NotificationsSection notices={notices} />

        <AccessHistory entries={accesses} />
      </div>
    </div>
  );
}
