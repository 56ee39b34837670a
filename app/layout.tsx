import type { Metadata } from "next";
import { getSession } from "@/lib/next/session";
import { getRuntime } from "@/lib/runtime";
import type { SessionContext } from "@/lib/session/types";
import { presentSession } from "@/lib/session/present";
import { identityKeyOf } from "./_lib/identity-key";
import { IdentityWatch } from "./_components/identity-watch";
import { ImpersonationBanner } from "./_components/impersonation-banner";
import { ReturnNoticeMessage } from "./_components/return-notice";
import { NoticeRegion } from "./_components/notice-region";
import { SiteHeader } from "./_components/site-header";
import "./globals.css";

export const metadata: Metadata = {
  title: { default: "Sessions console", template: "%s · Sessions console" },
  description: "Server-side sessions with an audited impersonation console",
};

/**
 * The banner lives here so no page can forget it. This layout only reads the session to decorate the
 * page; it authorizes nothing (every page and action checks for itself). A client-side navigation does
 * not render it again, so IdentityWatch compares the identity it was rendered for with the browser's
 * session after every navigation, on focus and when another tab changes it, and re-renders on a change.
 */
export default async function RootLayout({ children }: { children: React.ReactNode }) {
  let session: SessionContext | null = null;
  let now = 0;
  try {
    session = await getSession();
    now = (await getRuntime()).clock();
  } catch {
    // The page below reports the outage through error.tsx; the chrome just renders signed-out.
  }
  return (
    <html lang="en">
      <body className="min-h-screen bg-slate-50 text-slate-900 antialiased">
        <a
          href="#main"
          className="sr-only z-50 rounded-md bg-white px-3 py-2 text-sm font-medium text-indigo-700 shadow focus:not-sr-only focus:fixed focus:left-3 focus:top-3"
        >
          Skip to content
        </a>
        <IdentityWatch renderedKey={identityKeyOf(session ? presentSession(session) : null)} />
        {session ? <ImpersonationBanner session={session} now={now} /> : null}
        <SiteHeader session={session} />
        {session ? <NoticeRegion session={session} /> : null}
        <main id="main" tabIndex={-1} className="mx-auto max-w-6xl px-4 py-8 focus:outline-none">
          {session?.returnNotice ? <ReturnNoticeMessage notice={session.returnNotice} /> : null}
          {children}
        </main>
      </body>
    </html>
  );
}
