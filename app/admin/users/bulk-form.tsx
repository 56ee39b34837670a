import { USER_ROLES } from "@/lib/db/schema";
import { buttonClass, ui } from "../../_components/styles";
import type { UsersView } from "./users-query";

export const BULK_FORM_ID = "bulk-form";
const ROLE_NAMES = { user: "User", support: "Support", admin: "Admin" } as const;

/**
 * The bulk-action bar under the user table. The rows' checkboxes belong to this form by `form=`, so the table
 * keeps its own markup; it is a GET to the confirmation page, which states what will happen before anything does
 * (works without JavaScript). "All N matching" sends the table's filter instead of the picked rows.
 */
export function BulkActionForm({ view, total }: { view: UsersView; total: number }) {
  return (
    <form id={BULK_FORM_ID} method="get" action="/admin/users/bulk" aria-labelledby="bulk-heading" className={`${ui.card} flex flex-wrap items-end gap-4 px-4 py-4`}>
      <h2 id="bulk-heading" className="sr-only">
        Bulk actions
      </h2>
      {view.q ? <input type="hidden" name="q" value={view.q} /> : null}
      {view.role ? <input type="hidden" name="role" value={view.role} /> : null}
      {view.status || view.invited ? <input type="hidden" name="status" value={view.status ?? "invited"} /> : null}
      <label className="flex items-center gap-2 text-sm text-slate-800">
        <input type="checkbox" name="all" value="1" className="h-4 w-4" />
        All {total} matching this filter
      </label>
      <div>
        <label htmlFor="bulk-do" className={ui.label}>
          With the selected users
        </label>
        <select id="bulk-do" name="do" className={`${ui.input} mt-1.5 pr-8`} defaultValue="revoke_all">
          <option value="revoke_all">Revoke all sessions</option>
          <option value="ban">Ban</option>
          <option value="unban">Unban</option>
          <option value="role">Change role</option>
        </select>
      </div>
      <div>
        <label htmlFor="bulk-role" className={ui.label}>
          New role (for a role change)
        </label>
        <select id="bulk-role" name="newRole" className={`${ui.input} mt-1.5 pr-8`} defaultValue="user">
          {USER_ROLES.map((r) => (
            <option key={r} value={r}>
              {ROLE_NAMES[r]}
            </option>
          ))}
        </select>
      </div>
      <button type="submit" className={buttonClass("secondary")}>
        Review bulk action
      </button>
    </form>
  );
}
