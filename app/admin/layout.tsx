import Link from "next/link";
import { getSession } from "@/lib/next/session";
import { accessPolicyOf, mayUse } from "@/lib/auth/access";
import { getConfig } from "@/lib/config";
import { NavLink } from "../_components/nav-link";

/**
 * Console chrome only. A layout is not an authorization boundary (it does not re-run on client
 * navigation, and actions bypass it), so every admin page and action checks the session itself; the
 * nav is merely left out for people who cannot use it.
 */
export default async function AdminLayout({ children }: { children: React.ReactNode }) {
  const session = await getSession().catch(() => null);
  const staff = session !== null && mayUse(session, "staff", accessPolicyOf(getConfig()));
  return (
    <div className="space-y-6">
      {staff ? (
        <nav aria-label="Admin" className="flex flex-wrap items-center gap-1 border-b border-slate-200 pb-3 text-sm">
          <Link href="/admin" className="mr-3 rounded-sm text-xs font-semibold uppercase tracking-wide text-slate-600 hover:text-slate-900 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-600">
            Admin console
          </Link>
          <NavLink href="/admin/users">Users</NavLink>
          <NavLink href="/admin/audit">Audit</NavLink>
          <NavLink href="/admin/impersonations">Impersonations</NavLink>
        </nav>
      ) : null}
      {children}
    </div>
  );
}
