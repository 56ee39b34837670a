import Link from "next/link";
import { accessPolicyOf, mayUse } from "@/lib/auth/access";
import { getConfig } from "@/lib/config";
import { requireUser } from "@/lib/next/session";
import { RoleBadge } from "./_components/badges";
import { formatUtc } from "./_lib/format";
import { ui } from "./_components/styles";
import { FlashMessages } from "./_components/messages";
import { readPageFlash } from "./_lib/flash-cookie";

export default async function HomePage() {
  const session = await requireUser("/");
  const staff = mayUse(session, "staff", accessPolicyOf(getConfig()));
  const expiresAt = Math.min(session.expiresAt, session.absoluteExpiresAt);
  const flash = await readPageFlash("/");
  return (
    <div className="space-y-6">
      <div>
        <p className="text-sm font-medium text-slate-600">Signed in</p>
        <h1 className={`${ui.pageTitle} mt-1`}>Welcome, {session.user.name}</h1>
      </div>
      <FlashMessages flash={flash} />

      <section aria-labelledby="who-heading" className={ui.card}>
        <div className={ui.cardHeader}>
          <h2 id="who-heading" className={ui.cardTitle}>
            Who am I
          </h2>
        </div>
        <dl className="grid gap-x-6 gap-y-4 px-5 py-5 sm:grid-cols-3">
          <div>
            <dt className="text-xs font-medium uppercase tracking-wide text-slate-600">Name</dt>
            <dd className="mt-1 text-sm text-slate-900">{session.user.name}</dd>
          </div>
          <div>
            <dt className="text-xs font-medium uppercase tracking-wide text-slate-600">Email</dt>
            <dd className="mt-1 text-sm text-slate-900 [overflow-wrap:anywhere]">{session.user.email}</dd>
          </div>
          <div>
            <dt className="text-xs font-medium uppercase tracking-wide text-slate-600">Role</dt>
            <dd className="mt-1">
              <RoleBadge role={session.user.role} />
            </dd>
          </div>
          {session.impersonator ? (
            <div className="sm:col-span-3">
              <dt className="text-xs font-medium uppercase tracking-wide text-slate-600">Impersonated by</dt>
              <dd className="mt-1 text-sm text-slate-900 [overflow-wrap:anywhere]">
                {session.impersonator.name} ({session.impersonator.email}) · Reason: {session.impersonation?.reason}
                {session.impersonation?.ticket ? <> · Ticket: {session.impersonation.ticket}</> : null}
              </dd>
            </div>
          ) : (
            <div className="sm:col-span-3">
              <dt className="text-xs font-medium uppercase tracking-wide text-slate-600">This sign-in</dt>
              <dd className="mt-1 text-sm text-slate-700">
                Stays active while you use it, until {formatUtc(expiresAt)} at the latest.
              </dd>
            </div>
          )}
        </dl>
      </section>

      <nav aria-label="Shortcuts" className="grid gap-4 sm:grid-cols-2">
        <Link href="/account" className={`${ui.card} group block px-5 py-4 hover:ring-indigo-300 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-600`}>
          <span className="font-semibold text-slate-900 group-hover:text-indigo-700">Account</span>
          <span className="mt-1 block text-sm text-slate-600">Your sessions, password, and who accessed your account.</span>
        </Link>
        {staff ? (
          <Link href="/admin/users" className={`${ui.card} group block px-5 py-4 hover:ring-indigo-300 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-600`}>
            <span className="font-semibold text-slate-900 group-hover:text-indigo-700">Admin console</span>
            <span className="mt-1 block text-sm text-slate-600">Find users, sign in as them to help, and review the audit log.</span>
          </Link>
        ) : null}
      </nav>
    </div>
  );
}
