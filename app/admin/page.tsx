import type { Metadata } from "next";
import Link from "next/link";
import { getRuntime } from "@/lib/runtime";
import { ForbiddenView } from "../_components/access-views";
import { ui } from "../_components/styles";
import { checkStaffPage } from "./_lib/staff-page";

export const metadata: Metadata = { title: "Admin console" };

/** The console's landing: where each part of it is, and how many impersonations are live right now. */
export default async function AdminHomePage() {
  const { session, denied } = await checkStaffPage("/admin");
  if (denied) return <ForbiddenView impersonatedName={session.impersonation ? session.user.name : null} />;
  const runtime = await getRuntime();
  const live = await runtime.sessions.listLiveImpersonations();
  const sections = [
    { href: "/admin/users", title: "Users", text: "Find a user, check their sessions, or sign in as them to help." },
    { href: "/admin/audit", title: "Audit log", text: "Every sign-in, impersonation and admin change, newest first." },
    {
      href: "/admin/impersonations",
      title: "Live impersonations",
      text: live.length === 0 ? "Nobody is impersonating anyone right now." : `${live.length} running now. Admins can end any of them.`,
    },
  ];
  return (
    <div className="space-y-6">
      <div>
        <h1 className={ui.pageTitle}>Admin console</h1>
        <p className="mt-1 text-sm text-slate-600">Signed in as {session.user.name}. Everything you do here is audited.</p>
      </div>
      <ul className="grid gap-4 sm:grid-cols-3">
        {sections.map((s) => (
          <li key={s.href}>
            <Link
              href={s.href}
              className={`${ui.card} group block h-full px-5 py-4 hover:ring-indigo-300 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-600`}
            >
              <span className="font-semibold text-slate-900 group-hover:text-indigo-700">{s.title}</span>
              <span className="mt-1 block text-sm text-slate-600">{s.text}</span>
            </Link>
          </li>
        ))}
      </ul>
    </div>
  );
}
