import type { Metadata } from "next";
import Link from "next/link";
import { invitationStates } from "@/lib/account/invitations";
import { IMPERSONATION_END_CAUSES, listAuditEvents } from "@/lib/audit/audit";
import { USER_ROLES } from "@/lib/db/schema";
import { canImpersonate } from "@/lib/impersonation/policy";
import { getRuntime } from "@/lib/runtime";
import { findUserById, isUuid } from "@/lib/users/users";
import { Pill, RoleBadge, SampleBadge, StatusBadge } from "../../../_components/badges";
import { ForbiddenView } from "../../../_components/access-views";
import { FlashMessages, InfoMessage } from "../../../_components/messages";
import { buttonClass, ui } from "../../../_components/styles";
import { SubmitButton } from "../../../_components/submit-button";
import { describeUserAgent } from "../../../_lib/device";
import { readPageFlash } from "../../../_lib/flash-cookie";
import { redirectToNotFound } from "../../../_lib/not-found";
import { formatRelative, formatUtc } from "../../../_lib/format";
import { checkStaffPage } from "../../_lib/staff-page";
import { AuditTable } from "../../audit/audit-table";
import { AccessSection } from "./access-section";
import { InvitationPanel } from "./invitation-panel";
import { revokeSessionAction } from "./actions";
import { PasswordResetSection } from "./password-reset-section";
import { ResetMfaSection } from "./reset-mfa-section";

export const metadata: Metadata = { title: "User" };

const HISTORY_AS_SUBJECT = ["impersonation.start", ...Object.keys(IMPERSONATION_END_CAUSES), "impersonation.denied"];
const HISTORY_AS_ACTOR = HISTORY_AS_SUBJECT;
const ROLE_NAMES = { user: "User", support: "Support", admin: "Admin" } as const;

type Props = { params: Promise<{ userId: string }> };

export default async function UserDetailPage({ params }: Props) {
  const { userId } = await params;
  // Staff first: to anyone else, a user id that exists and one that does not must look the same.
  const { session, denied } = await checkStaffPage(isUuid(userId) ? `/admin/users/${userId}` : "/admin/users");
  if (denied) return <ForbiddenView impersonatedName={session.impersonation ? session.user.name : null} />;
  // Not notFound(): its 404 is an empty page without JavaScript (see app/_lib/not-found.ts).
  if (!isUuid(userId)) redirectToNotFound();
  const runtime = await getRuntime();
  const user = await findUserById(runtime.database.db, userId);
  if (!user) redirectToNotFound();
  const flash = await readPageFlash(`/admin/users/${user.id}`);
  const now = runtime.clock();
  const [sessions, asSubject, asActor] = await Promise.all([
    runtime.sessions.listUserSessions(user.id),
    listAuditEvents(runtime.database.db, { subjectId: user.id, actions: HISTORY_AS_SUBJECT, pageSize: 20 }),
    listAuditEvents(runtime.database.db, { actorId: user.id, actions: HISTORY_AS_ACTOR, pageSize: 20 }),
  ]);
  const invitation = (await invitationStates(runtime.database.db, [user.id], new Date(now))).get(user.id);
  const isAdmin = session.user.role === "admin";
  const isSelf = session.user.id === user.id;
  // Shown disabled rather than hidden, so support staff know the controls exist and whom to ask.
  const manageDisabled = !isAdmin || isSelf;
  const decision = canImpersonate({ ...session.user, impersonating: false }, user);
  const confirmPath = `/admin/users/${user.id}/confirm`;

  return (
    <div className="space-y-6">
      <div>
        <Link href="/admin/users" className={`${ui.link} text-sm`}>
          ← All users
        </Link>
        <div className="mt-2 flex flex-wrap items-center justify-between gap-3">
          <div>
            <h1 className={`${ui.pageTitle} flex flex-wrap items-center gap-3`}>
              {user.name} <RoleBadge role={user.role} /> <StatusBadge status={user.status} />
              {user.sample ? <SampleBadge /> : null}
            </h1>
            <p className="mt-1 text-sm text-slate-600">{user.email}</p>
          </div>
          {decision.allowed ? (
            <Link href={`/admin/users?impersonate=${user.id}&from=user`} className={buttonClass("secondary")}>
              Sign In As
            </Link>
          ) : null}
        </div>
      </div>

      <FlashMessages flash={flash} />
      {invitation ? <InvitationPanel userId={user.id} state={invitation} canManage={isAdmin && !isSelf} /> : null}
      {!isAdmin ? (
        <InfoMessage role="note">Only administrators can change roles, ban users or revoke sessions. Ask an admin if this user needs one of those.</InfoMessage>
      ) : isSelf ? (
        <InfoMessage role="note">This is you. Ask another administrator to change your role or status.</InfoMessage>
      ) : null}

      <div className="grid gap-6 lg:grid-cols-3">
        <section aria-labelledby="profile-heading" className={`${ui.card} lg:col-span-1`}>
          <div className={ui.cardHeader}>
            <h2 id="profile-heading" className={ui.cardTitle}>
              Profile
            </h2>
          </div>
          <dl className="space-y-3 px-5 py-4 text-sm">
            <div>
              <dt className="text-xs font-medium uppercase tracking-wide text-slate-600">User id</dt>
              <dd className="mt-0.5 break-all font-mono text-xs text-slate-800">{user.id}</dd>
            </div>
            <div>
              <dt className="text-xs font-medium uppercase tracking-wide text-slate-600">Member since</dt>
              <dd className="mt-0.5 text-slate-800">{formatUtc(user.createdAt)}</dd>
            </div>
          </dl>
          <div className="space-y-5 border-t border-slate-200 px-5 py-4">
            {/* Each of these asks first: a confirmation page says what will happen and takes the reason. */}
            <form action={confirmPath} method="get" className="flex items-end gap-2">
              <input type="hidden" name="do" value="role" />
              <div className="flex-1">
                <label htmlFor="user-role" className={ui.label}>
                  Role
                </label>
                <select id="user-role" name="role" defaultValue={user.role} disabled={manageDisabled} className={`${ui.input} mt-1.5 pr-8`}>
                  {USER_ROLES.map((r) => (
                    <option key={r} value={r}>
                      {ROLE_NAMES[r]}
                    </option>
                  ))}
                </select>
              </div>
              <SubmitButton variant="secondary" disabled={manageDisabled}>
                Save role
              </SubmitButton>
            </form>
            <form action={confirmPath} method="get">
              <input type="hidden" name="do" value={user.status === "banned" ? "unban" : "ban"} />
              {user.status === "banned" ? (
                <SubmitButton variant="secondary" disabled={manageDisabled}>
                  Unban user
                </SubmitButton>
              ) : (
                <SubmitButton variant="danger" disabled={manageDisabled}>
                  Ban user
                </SubmitButton>
              )}
              <p className={ui.hint}>{user.status === "banned" ? "They will be able to sign in again." : "Ends every session at once and blocks sign-in."}</p>
            </form>
          </div>
        </section>

        <section aria-labelledby="sessions-heading" className={`${ui.card} lg:col-span-2`}>
          <div className={`${ui.cardHeader} flex flex-wrap items-center justify-between gap-3`}>
            <div>
              <h2 id="sessions-heading" className={ui.cardTitle}>
                Active sessions <span className="font-normal text-slate-600">({sessions.length})</span>
              </h2>
            </div>
            <form action={confirmPath} method="get">
              <input type="hidden" name="do" value="revoke-all" />
              <SubmitButton variant="dangerSoft" disabled={!isAdmin || sessions.length === 0}>
                Revoke all sessions
              </SubmitButton>
            </form>
          </div>
          <ul className="divide-y divide-slate-200">
            {sessions.length === 0 ? <li className="px-5 py-4 text-sm text-slate-600">No active sessions.</li> : null}
            {sessions.map((s) => {
              const current = s.id === session.sessionId;
              const device = describeUserAgent(s.userAgent);
              return (
                <li key={s.id} className="flex flex-wrap items-center justify-between gap-3 px-5 py-3">
                  <div className="min-w-0 text-sm">
                    <p className="flex items-center gap-2 font-medium text-slate-900">
                      {device} {current ? <Pill tone="indigo">This device</Pill> : null}
                    </p>
                    <p className="mt-0.5 text-slate-600">
                      {s.ip ?? "Unknown address"} · Last seen {formatRelative(s.lastSeenAt, now)} · Signed in {formatUtc(s.createdAt)}
                    </p>
                  </div>
                  <form action={revokeSessionAction}>
                    <input type="hidden" name="userId" value={user.id} />
                    <input type="hidden" name="sessionId" value={s.id} />
                    <SubmitButton variant="secondary" small disabled={!isAdmin} title={`Revoke the session on ${device} (${s.ip ?? "unknown address"})`}>
                      Revoke
                    </SubmitButton>
                  </form>
                </li>
              );
            })}
          </ul>
        </section>
      </div>

      <PasswordResetSection session={session} user={user} ttlS={runtime.config.reset.ttlS} />
      <ResetMfaSection runtime={runtime} session={session} user={user} />
      <AccessSection runtime={runtime} user={user} />

      <section aria-labelledby="subject-history-heading" className={`${ui.card} overflow-hidden`}>
        <div className={ui.cardHeader}>
          <h2 id="subject-history-heading" className={ui.cardTitle}>
            Impersonations of {user.name}
          </h2>
          <p className="mt-0.5 text-sm text-slate-600">
            Latest {asSubject.items.length} of {asSubject.total}.{" "}
            <Link href={`/admin/audit?subject=${user.id}`} className={ui.link}>
              Full audit log
            </Link>
          </p>
        </div>
        <AuditTable items={asSubject.items} caption={`Impersonations of ${user.name}`} empty="Nobody has impersonated this user." />
      </section>

      {user.role === "user" && asActor.total === 0 ? null : (
      <section aria-labelledby="actor-history-heading" className={`${ui.card} overflow-hidden`}>
        <div className={ui.cardHeader}>
          <h2 id="actor-history-heading" className={ui.cardTitle}>
            Impersonations by {user.name}
          </h2>
          <p className="mt-0.5 text-sm text-slate-600">
            Latest {asActor.items.length} of {asActor.total}.{" "}
            <Link href={`/admin/audit?actor=${user.id}`} className={ui.link}>
              Full audit log
            </Link>
          </p>
        </div>
        <AuditTable items={asActor.items} caption={`Impersonations by ${user.name}`} empty="This user has not impersonated anyone." />
      </section>
      )}
    </div>
  );
}
