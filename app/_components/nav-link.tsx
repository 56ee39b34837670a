"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";

/** A nav link that marks the current section (aria-current) for screen readers and sighted users alike. */
export function NavLink({ href, exact, section, children }: { href: string; exact?: boolean; section?: string; children: React.ReactNode }) {
  const pathname = usePathname();
  const base = section ?? href;
  const current = exact ? pathname === href : pathname === base || pathname.startsWith(`${base}/`);
  return (
    <Link
      href={href}
      aria-current={current ? "page" : undefined}
      className={`rounded-md px-3 py-1.5 font-medium focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-600 ${
        current ? "bg-slate-100 text-slate-900" : "text-slate-600 hover:bg-slate-50 hover:text-slate-900"
      }`}
    >
      {children}
    </Link>
  );
}
