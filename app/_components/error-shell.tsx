import Link from "next/link";
import { buttonClass } from "./styles";

/** The frame every error page shares: a code, a plain sentence of what happened, and what to do next. */
export function ErrorShell({ code, title, children, actions }: { code: string; title: string; children: React.ReactNode; actions?: React.ReactNode }) {
  return (
    <div className="mx-auto mt-6 max-w-xl text-center sm:mt-16">
      <p className="text-sm font-semibold tracking-wide text-indigo-700">{code}</p>
      <h1 className="mt-2 text-3xl font-semibold tracking-tight text-slate-900">{title}</h1>
      <div className="mt-4 space-y-3 text-base text-slate-700">{children}</div>
      <div className="mt-8 flex flex-wrap items-center justify-center gap-3">
        {actions ?? (
          <Link href="/" className={buttonClass("primary")}>
            Go to the home page
          </Link>
        )}
      </div>
    </div>
  );
}
