import Link from "next/link";
import { accessPolicyOf, mayUse } from "@/lib/auth/access";
import { getConfig } from "@/lib/config";
import type { SessionContext } from "@/lib/session/types";
import { signOutAction } from "../actions";
import { RoleBadge } from "./badges";
import { NavLink } from "./nav-link";
import { SubmitButton } from "./submit-button";

/** The top bar: where you are, who you are, and the way out. The console link shows only to staff. */
export function SiteHeader({ session }: { session: SessionContext | null }) {
  const staff = session !== null && mayUse(session, "staff", accessPolicyOf(getConfig()));
  return (
    <header className="border-b border-slate-200 bg-white">
      <div className="mx-auto flex max-w-6xl flex-wrap items-center justify-between gap-3 px-4 py-3">
        <div className="flex items-center gap-6">
          <Link href="/" className="flex items-center gap-2 rounded-sm font-semibold text-slate-900 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-600">
            <span aria-hidden="true" className="grid size-7 place-items-center rounded-md bg-indigo-600 text-sm font-bold text-white">
              S
            </span>
            <span className="sr-only sm:not-sr-only">Sessions console</span>
          </Link>
          {session ? (
            <nav aria-label="Main" className="flex items-center gap-1 text-sm">
              <NavLink href="/" exact>
                Home
              </NavLink>
              <NavLink href="/account">Account</NavLink>
              {staff ? <NavLink href="/admin/users" section="/admin">
                  Admin
                </NavLink> : null}
            </nav>
          ) : null}
        </div>
        {session ? (
          <div className="flex min-w-0 items-center gap-3 text-sm">
            {/* Whose account this is, on every screen size: while impersonating, the user's, and who is behind it. */}
            <p className="min-w-0 text-slate-700">
              <span className="sr-only">{session.impersonator ? "In the account of " : "Signed in as "}</span>
              <span className="font-medium text-slate-900 [overflow-wrap:anywhere]">{session.user.name}</span> <RoleBadge role={session.user.role} />
              {session.impersonator ? (
                <span className="block text-xs text-slate-600 [overflow-wrap:anywhere]">impersonated by {session.impersonator.name}</span>
              ) : null}
            </p>
            {/* While impersonating, signing out ends both identities in this browser; the button says so. */}
            <form action={signOutAction}>
              <SubmitButton variant="secondary" small>
                {session.impersonator ? "Sign out of both accounts" : "Sign out"}
              </SubmitButton>
            </form>
          </div>
        ) : null}
      </div>
    </header>
  );
}
