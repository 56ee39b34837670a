"use client";

import { buttonClass } from "./_components/styles";

/**
 * Anything unexpected while rendering a page. No message or stack from the server reaches the browser
 * (production sends only a digest), and the digest is shown so support can find the log line.
 */
export default function ErrorPage({ error, retry }: { error: unknown; retry: () => void }) {
  const digest = error instanceof Error && "digest" in error && typeof error.digest === "string" ? error.digest : null;
  return (
    <div className="mx-auto mt-6 max-w-xl text-center sm:mt-16">
      <p className="text-sm font-semibold tracking-wide text-indigo-700">Error</p>
      <h1 className="mt-2 text-3xl font-semibold tracking-tight text-slate-900">Something went wrong</h1>
      <p className="mt-4 text-base text-slate-700">
        We could not load this page. It is usually temporary: try again in a moment. Nothing you were doing was lost.
      </p>
      {digest ? <p className="mt-2 text-xs text-slate-500">Reference: {digest}</p> : null}
      <div className="mt-8 flex flex-wrap items-center justify-center gap-3">
        <button type="button" onClick={() => retry()} className={buttonClass("primary")}>
          Try again
        </button>
        {/* A full page load on purpose: the client router may be what broke. */}
        {/* eslint-disable-next-line @next/next/no-html-link-for-pages */}
        <a href="/" className={buttonClass("secondary")}>
          Go to the home page
        </a>
      </div>
    </div>
  );
}
