import type { Metadata } from "next";
import Form from "next/form";
import Link from "next/link";
import { redirect } from "next/navigation";
import { hasPendingInvitation, invitationStates } from "@/lib/account/invitations";
import { USER_ROLES, USER_STATUSES } from "@/lib/db/schema";
import { ERRORS } from "@/lib/errors";
import { stepUpDue } from "@/lib/auth/step-up";
import { strongestFactor } from "@/lib/auth/mfa/service";
import { canImpersonate } from "@/lib/impersonation/policy";
import { getRuntime } from "@/lib/runtime";
import { findUserById, isUuid, listUsers } from "@/lib/users/users";
import { ForbiddenView } from "../../_components/access-views";
import { Pagination } from "../../_components/pagination";
import { buttonClass, ui } from "../../_components/styles";
import { formatDuration } from "../../_lib/format";
import { firstParam } from "../../_lib/params";
import { checkStaffPage } from "../_lib/staff-page";
import { grantStatusOf, writeModeRefusal } from "@/lib/impersonation/grants";
import { ImpersonateDialog, ImpersonationRefusedDialog, UnknownUserDialog } from "./impersonate-dialog";
import { PAGE_SIZE, parseUsersView, usersHref } from "./users-query";
import { UsersTable } from "./users-table";
import { BULK_FORM_ID, BulkActionForm } from "./bulk-form";

export const metadata: Metadata = { title: "Users" };

const ROLE_NAMES = { user: "User", support: "Support", admin: "Admin" } as const;
const STATUS_NAMES = { active: "Active", banned: "Banned" } as const;

export default async function UsersPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const params = await searchParams;
  const view = parseUsersView(params);
  // A dialog link whose id is not a user id at all still opens the dialog, to say so.
  const malformedTarget = !view.impersonate && Boolean(firstParam(params, "impersonate"));
  const { session, denied } = await checkStaffPage(usersHref(view, { impersonate: undefined }));
  if (denied) return <ForbiddenView impersonatedName={session.impersonation ? session.user.name : null} />;
  const runtime = await getRuntime();
  const now = runtime.clock();
  const [{ items, total }, target] = await Promise.all([
    listUsers(runtime.database.db, {
      q: view.q,
      role: view.role,
      status: view.status,
      onlyIds: view.invited ? hasPendingInvitation(runtime.database.db, new Date(now)) : undefined,
      sort: view.sort,
      dir: view.dir,
      page: view.page,
      pageSize: PAGE_SIZE,
    }),
    view.impersonate ? findUserById(runtime.database.db, view.impersonate) : null,
  ]);
  // A page past the end (a shared link to a list that shrank, a typed URL) shows the last page instead of nothing.
  const lastPage = Math.max(1, Math.ceil(total / PAGE_SIZE));
  if (view.page > lastPage) redirect(usersHref(view, { page: lastPage }));
  // Opened from a user's page, the dialog goes back there on Cancel (and the impersonation on Stop).
  const cancelHref =
    view.from === "user" && isUuid(view.impersonate) ? `/admin/users/${view.impersonate}` : usersHref(view, { impersonate: undefined, from: undefined });
  const decision = target ? canImpersonate({ ...session.user, impersonating: false }, target) : null;
  // Only when the dialog is open: the step-up asks for a code instead of the password when a second factor exists.
  const factor = target ? await strongestFactor(runtime.database.db, session.user.id) : null;
  const stepUpNow = target ? await stepUpDue(runtime.stepUp, session) : null;
  const writeRefusal = target
    ? await writeModeRefusal({ db: runtime.database.db, ...runtime.config.impersonation, now }, session.user, target.id)
    : null;
  const filtered = Boolean(view.q || view.role || view.status || view.invited);
  // Bulk actions are admin-only powers, like their single-user forms.
  const bulk = session.user.role === "admin" && !session.impersonation;
  const invitations = await invitationStates(runtime.database.db, items.map((u) => u.id), new Date(now));

  return (
    <>
      {/* While the dialog is open the page behind it is inert: not focusable, not clickable, even without JavaScript. */}
      <div inert={view.impersonate || malformedTarget ? true : undefined} className="space-y-6">
        <div className="flex flex-wrap items-end justify-between gap-3">
          <div>
            <h1 className={ui.pageTitle}>Users</h1>
            <p className="mt-1 text-sm text-slate-600">
              Find a user, check their sessions, or sign in as them to help. Every impersonation is audited.
            </p>
          </div>
          {session.user.role === "admin" && !session.impersonation ? (
            <Link href="/admin/users/invite" className={buttonClass("primary")}>
              Invite user
            </Link>
          ) : null}
        </div>

        {/* Keyed by the view: after Back/Forward or "Clear" the fields are rebuilt from the URL, never left showing an older search. */}
        <Form key={usersHref({ ...view, page: 1, impersonate: undefined })} action="/admin/users" role="search" aria-label="Filter users" className={`${ui.card} flex flex-wrap items-end gap-4 px-4 py-4`}>
          <div className="min-w-56 flex-1">
            <label htmlFor="users-q" className={ui.label}>
              Search
            </label>
            <input id="users-q" name="q" type="search" defaultValue={view.q} maxLength={200} placeholder="Name or email" className={`${ui.input} mt-1.5`} />
          </div>
          <div>
            <label htmlFor="users-role" className={ui.label}>
              Role
            </label>
            <select id="users-role" name="role" defaultValue={view.role ?? ""} className={`${ui.input} mt-1.5 pr-8`}>
              <option value="">All roles</option>
              {USER_ROLES.map((r) => (
                <option key={r} value={r}>
                  {ROLE_NAMES[r]}
                </option>
              ))}
            </select>
          </div>
          <div>
            <label htmlFor="users-status" className={ui.label}>
              Status
            </label>
            <select id="users-status" name="status" defaultValue={view.status ?? (view.invited ? "invited" : "")} className={`${ui.input} mt-1.5 pr-8`}>
              <option value="">All statuses</option>
              {USER_STATUSES.map((s) => (
                <option key={s} value={s}>
                  {STATUS_NAMES[s]}
                </option>
              ))}
              <option value="invited">Invitation pending</option>
            </select>
          </div>
          {view.sort !== "name" ? <input type="hidden" name="sort" value={view.sort} /> : null}
          {view.dir !== "asc" ? <input type="hidden" name="dir" value={view.dir} /> : null}
          <div className="flex gap-2">
            <button type="submit" className={buttonClass("primary")}>
              Search
            </button>
            {filtered ? (
              <Link href={usersHref({ ...view, q: "", role: undefined, status: undefined, invited: false, page: 1, impersonate: undefined, from: undefined })} className={buttonClass("secondary")}>
                Clear
              </Link>
            ) : null}
          </div>
        </Form>

        <section aria-label="Users" className={`${ui.card} overflow-hidden`}>
          <UsersTable
            view={view}
            items={items}
            invitations={invitations}
            actor={session.user}
            now={now}
            grants={await grantStatusOf(runtime.database.db, items.map((u) => u.id), now)}
            bulkFormId={bulk ? BULK_FORM_ID : undefined}
          />
          <Pagination page={view.page} pageSize={PAGE_SIZE} total={total} hrefFor={(page) => usersHref(view, { page, impersonate: undefined, from: undefined })} />
        </section>
        {bulk ? <BulkActionForm view={view} total={total} /> : null}
      </div>

      {target && decision?.allowed ? (
        <ImpersonateDialog
          key={target.id}
          target={{ id: target.id, name: target.name, email: target.email }}
          ttlText={formatDuration(runtime.config.impersonation.ttlS)}
          reauthWindowText={runtime.config.impersonation.reauthWindowS > 0 ? formatDuration(runtime.config.impersonation.reauthWindowS) : ""}
          needsPassword={stepUpNow !== null}
          stepUpWith={factor ?? "password"}
          cancelHref={cancelHref}
          reasonMinLength={runtime.config.impersonation.reasonMinLength}
          write={{ available: writeRefusal === null, note: writeRefusal ? ERRORS[writeRefusal].message : null }}
        />
      ) : null}
      {target && decision && !decision.allowed ? (
        <ImpersonationRefusedDialog target={{ id: target.id, name: target.name, email: target.email }} message={ERRORS[decision.code].message} cancelHref={cancelHref} />
      ) : null}
      {(view.impersonate && !target) || malformedTarget ? <UnknownUserDialog malformed={malformedTarget} cancelHref={cancelHref} /> : null}
    </>
  );
}
