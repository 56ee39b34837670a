import type { BulkSelection } from "@/lib/admin/bulk-selection";
import { BULK_ACTIONS, type BulkAction, type UserRole } from "@/lib/db/schema";
import { isUuid, parseRole, parseStatus } from "@/lib/users/users";
import { firstParam } from "../../../_lib/params";

export interface BulkRequest {
  action: BulkAction;
  role?: UserRole;
  selection: BulkSelection;
}

type Params = Record<string, string | string[] | undefined>;

/** `?do=&newRole=&userId=…&userId=…` or `?do=&all=1&q=&role=&status=`, as the users page's bulk form sends it. */
export function parseBulkRequest(params: Params): BulkRequest | null {
  const action = firstParam(params, "do");
  if (!BULK_ACTIONS.includes(action as BulkAction)) return null;
  const role = parseRole(firstParam(params, "newRole"));
  if (action === "role" && !role) return null;
  const picked = [params.userId ?? []].flat().filter(isUuid);
  const selection: BulkSelection =
    firstParam(params, "all") === "1"
      ? {
          filter: {
            q: (firstParam(params, "q") ?? "").trim().slice(0, 200) || undefined,
            role: parseRole(firstParam(params, "role")),
            status: parseStatus(firstParam(params, "status")),
            invited: firstParam(params, "status") === "invited",
          },
        }
      : { userIds: [...new Set(picked)] };
  return { action: action as BulkAction, ...(action === "role" ? { role } : {}), selection };
}

/** The same request as hidden form fields, so the confirmation posts exactly what it showed. */
export function bulkRequestFields(request: BulkRequest): [string, string][] {
  const fields: [string, string][] = [["do", request.action]];
  if (request.role) fields.push(["newRole", request.role]);
  if ("userIds" in request.selection) for (const id of request.selection.userIds) fields.push(["userId", id]);
  else {
    const f = request.selection.filter;
    fields.push(["all", "1"]);
    if (f.q) fields.push(["q", f.q]);
    if (f.role) fields.push(["role", f.role]);
    if (f.invited) fields.push(["status", "invited"]);
    else if (f.status) fields.push(["status", f.status]);
  }
  return fields;
}

/** FormData as the params shape above (repeated fields become arrays). */
export function paramsOfForm(form: FormData): Params {
  const params: Params = {};
  for (const key of new Set(form.keys())) {
    const values = form.getAll(key).filter((v): v is string => typeof v === "string");
    params[key] = values.length === 1 ? values[0] : values;
  }
  return params;
}

export const BULK_ACTION_NAMES: Record<BulkAction, { verb: string; done: string }> = {
  ban: { verb: "Ban", done: "banned" },
  unban: { verb: "Unban", done: "unbanned" },
  revoke_all: { verb: "Revoke all sessions of", done: "signed out everywhere" },
  role: { verb: "Change the role of", done: "given the new role" },
};
