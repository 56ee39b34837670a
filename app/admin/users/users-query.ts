/**
 * The user table's whole state lives in the URL (?q=&role=&status=&sort=&dir=&page=&impersonate=), so a
 * view can be shared and the back button works. Anything malformed falls back to the default.
 */
import type { UserRole, UserStatus } from "@/lib/db/schema";
import { isUuid, parseRole, parseStatus, USER_SORTS, type UserSort } from "@/lib/users/users";
import { firstParam } from "../../_lib/params";

export interface UsersView {
  q: string;
  role?: UserRole;
  status?: UserStatus;
  /** Only accounts whose invitation is still pending (?status=invited). */
  invited: boolean;
  sort: UserSort;
  dir: "asc" | "desc";
  page: number;
  impersonate?: string;
  /** Where the dialog was opened from: "user" means that user's page, where Cancel and Stop go back to. */
  from?: "user";
}

export const PAGE_SIZE = 25;

export function parseUsersView(params: Record<string, string | string[] | undefined>): UsersView {
  const sort = firstParam(params, "sort");
  const page = Number(firstParam(params, "page"));
  const impersonate = firstParam(params, "impersonate");
  return {
    q: (firstParam(params, "q") ?? "").trim().slice(0, 200),
    role: parseRole(firstParam(params, "role")),
    status: parseStatus(firstParam(params, "status")),
    invited: firstParam(params, "status") === "invited",
    sort: USER_SORTS.includes(sort as UserSort) ? (sort as UserSort) : "name",
    dir: firstParam(params, "dir") === "desc" ? "desc" : "asc",
    page: Number.isInteger(page) && page >= 1 && page <= 100_000 ? page : 1,
    impersonate: isUuid(impersonate) ? impersonate : undefined,
    from: impersonate && firstParam(params, "from") === "user" ? "user" : undefined,
  };
}

/** A link to the table with some of the view changed; defaults are left out to keep URLs short. */
export function usersHref(view: UsersView, changes: Partial<UsersView> = {}): string {
  const next = { ...view, ...changes };
  const query = new URLSearchParams();
  if (next.q) query.set("q", next.q);
  if (next.role) query.set("role", next.role);
  if (next.status) query.set("status", next.status);
  else if (next.invited) query.set("status", "invited");
  if (next.sort !== "name") query.set("sort", next.sort);
  if (next.dir !== "asc") query.set("dir", next.dir);
  if (next.page > 1) query.set("page", String(next.page));
  if (next.impersonate) {
    query.set("impersonate", next.impersonate);
    if (next.from) query.set("from", next.from);
  }
  const search = query.toString();
  return search ? `/admin/users?${search}` : "/admin/users";
}
