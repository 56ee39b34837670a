import Link from "next/link";
import { ErrorShell } from "./error-shell";
import { buttonClass } from "./styles";

/** 403 content for app/forbidden.tsx and the admin pages' own check (admin/_lib/staff-page.ts). */
export function ForbiddenView({ impersonatedName }: { impersonatedName?: string | null }) {
  return (
    <ErrorShell
      code="403"
      title="Access denied"
      actions={
        <>
          <Link href="/" className={buttonClass("primary")}>
            Go to the home page
          </Link>
          <Link href="/account" className={buttonClass("secondary")}>
            Your account
          </Link>
        </>
      }
    >
      {impersonatedName ? (
        <>
          <p>
            You are impersonating <strong>{impersonatedName}</strong>, and admin pages are unavailable until you stop.
          </p>
          <p>Use “Stop Impersonation” in the banner at the top to return to your own account and the console.</p>
        </>
      ) : (
        <>
          <p>Your account does not have permission to open this page.</p>
          <p>If you need it for your work, ask an administrator to change your role.</p>
        </>
      )}
    </ErrorShell>
  );
}

export function NotFoundView() {
  return (
    <ErrorShell code="404" title="Page not found">
      <p>There is nothing at this address. The link may be mistyped, or what it pointed to no longer exists.</p>
    </ErrorShell>
  );
}
