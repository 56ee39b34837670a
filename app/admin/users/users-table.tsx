import Link from "next/link";
import { ERRORS } from "@/lib/errors";
import { canImpersonate, type ImpersonationDenial } from "@/lib/impersonation/policy";
import type { SessionUser } from "@/lib/session/types";
import type { UserListItem, UserSort } from "@/lib/users/users";
import type { GrantStatus } from "@/lib/impersonation/grants";
import { GrantBadge, InvitationBadge, RoleBadge, SampleBadge, StatusBadge } from "../../_components/badges";
import { buttonClass, ui } from "../../_components/styles";
import { formatRelative, formatUtc } from "../../_lib/format";
import { usersHref, type UsersView } from "./users-query";

/** Short words for why a row has no "Sign In As"; the full sentence is in the tooltip. */
const DENIAL_LABELS: Record<ImpersonationDenial, string> = {
  TARGET_IS_ADMIN: "Admin",
  TARGET_BANNED: "Banned",
  TARGET_IS_SELF: "You",
  TARGET_IS_SUPPORT: "Support staff",
  NOT_ALLOWED: "Not allowed",
  ALREADY_IMPERSONATING: "Not now",
};

const COLUMNS: { key: UserSort | null; label: string; className?: string }[] = [
  { key: "name", label: "Name" },
  { key: "email", label: "Email" },
  { key: "role", label: "Role" },
  { key: "status", label: "Status" },
  { key: null, label: "Active sessions", className: "text-right" },
  { key: "lastSeen", label: "Last seen" },
];

function SortHeader({ view, column, label, className = "" }: { view: UsersView; column: UserSort; label: string; className?: string }) {
  const active = view.sort === column;
  const dir = active && view.dir === "asc" ? "desc" : "asc";
  return (
    <th scope="col" aria-sort={active ? (view.dir === "asc" ? "ascending" : "descending") : undefined} className={`${ui.th} ${className}`}>
      <Link
        href={usersHref(view, { sort: column, dir, page: 1, impersonate: undefined })}
        scroll={false}
        className="group inline-flex items-center gap-1 rounded-sm hover:text-slate-900 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-600"
      >
        {label}
        <span aria-hidden="true" className={active ? "text-indigo-700" : "text-slate-400 opacity-0 group-hover:opacity-100"}>
          {active && view.dir === "desc" ? "▼" : "▲"}
        </span>
        <span className="sr-only">{active ? `, sorted ${view.dir === "asc" ? "ascending" : "descending"}` : ", sort"}</span>
      </Link>
    </th>
  );
}

export function UsersTable({
  view,
  items,
  invitations,
  actor,
  now,
  grants,
  bulkFormId,
}: {
  view: UsersView;
  items: UserListItem[];
  invitations: ReadonlyMap<string, "pending" | "expired">;
  actor: SessionUser;
  now: number;
  /** Consent per user id (lib/impersonation/grants.ts grantStatusOf); absent means none. */
  grants: Map<string, GrantStatus>;
  /** For admins: the bulk-action form (by id, so the table stays outside it) that each row's checkbox belongs to. */
  bulkFormId?: string;
}) {
  const span = COLUMNS.length + 1 + (bulkFormId ? 1 : 0);
  return (
    // relative: the headers' sr-only spans are positioned absolutely and would otherwise widen the page.
    <div className="relative overflow-x-auto">
      <table className="min-w-full divide-y divide-slate-200">
        <caption className="sr-only">
          Users, sorted by {COLUMNS.find((c) => c.key === view.sort)?.label.toLowerCase()} {view.dir === "asc" ? "ascending" : "descending"}
        </caption>
        <thead className="bg-slate-50">
          <tr>
            {bulkFormId ? (
              <th scope="col" className={`${ui.th} w-10`}>
                <span className="sr-only">Select</span>
              </th>
            ) : null}
            {COLUMNS.map((c) =>
              c.key ? (
                <SortHeader key={c.label} view={view} column={c.key} label={c.label} className={c.className} />
              ) : (
                <th key={c.label} scope="col" className={`${ui.th} ${c.className ?? ""}`}>
                  {c.label}
                </th>
              ),
            )}
            <th scope="col" className={`${ui.th} text-right`}>
              <span className="sr-only">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-200 bg-white">
          {items.length === 0 ? (
            <tr>
              <td colSpan={span} className="px-4 py-10 text-center text-sm text-slate-600">
                No users match these filters.
              </td>
            </tr>
          ) : null}
          {items.map((user) => {
            const decision = canImpersonate({ id: actor.id, role: actor.role, status: actor.status, impersonating: false }, user);
            return (
              <tr key={user.id} className="hover:bg-slate-50">
                {bulkFormId ? (
                  <td className={`${ui.td} w-10`}>
                    <input type="checkbox" name="userId" value={user.id} form={bulkFormId} aria-label={`Select ${user.name}`} className="h-4 w-4" />
                  </td>
                ) : null}
                <td className={`${ui.td} font-medium`}>
                  <Link id={`name-${user.id}`} href={`/admin/users/${user.id}`} className={ui.link}>
                    {user.name}
                  </Link>
                  {user.sample ? <SampleBadge /> : null}
                  <GrantBadge status={grants.get(user.id)} />
                </td>
                <td className={`${ui.td} whitespace-nowrap text-slate-700`}>{user.email}</td>
                <td className={ui.td}>
                  <RoleBadge role={user.role} />
                </td>
                <td className={ui.td}>
                  <StatusBadge status={user.status} />
                  <InvitationBadge state={invitations.get(user.id)} />
                </td>
                <td className={`${ui.td} text-right tabular-nums`}>{user.activeSessions}</td>
                <td className={`${ui.td} whitespace-nowrap text-slate-700`}>
                  {user.lastSeenAt ? <time dateTime={user.lastSeenAt.toISOString()} title={formatUtc(user.lastSeenAt)}>{formatRelative(user.lastSeenAt, now)}</time> : "Never"}
                </td>
                <td className={`${ui.td} whitespace-nowrap text-right`}>
                  {decision.allowed ? (
                    <Link
                      id={`impersonate-${user.id}`}
                      href={usersHref(view, { impersonate: user.id })}
                      scroll={false}
                      aria-describedby={`name-${user.id}`}
                      className={buttonClass("secondary", "sm")}
                    >
                      Sign In As
                    </Link>
                  ) : (
                    <span title={ERRORS[decision.code].message} className="text-xs font-medium text-slate-600">
                      {DENIAL_LABELS[decision.code]}
                    </span>
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
