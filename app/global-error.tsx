"use client";

import "./globals.css";

/** When even the root layout fails: its own document, same message, no details from the server. */
export default function GlobalError({ error, retry }: { error: unknown; retry: () => void }) {
  const digest = error instanceof Error && "digest" in error && typeof error.digest === "string" ? error.digest : null;
  return (
    <html lang="en">
      <body className="min-h-screen bg-slate-50 text-slate-900 antialiased">
        <title>Something went wrong · Sessions console</title>
        <main className="mx-auto max-w-xl px-4 py-24 text-center">
          <h1 className="text-3xl font-semibold tracking-tight">Something went wrong</h1>
          <p className="mt-4 text-base text-slate-700">The site could not load. It is usually temporary: try again in a moment.</p>
          {digest ? <p className="mt-2 text-xs text-slate-500">Reference: {digest}</p> : null}
          <div className="mt-8 flex justify-center gap-3">
            <button
              type="button"
              onClick={() => retry()}
              className="rounded-md bg-indigo-600 px-3.5 py-2 text-sm font-semibold text-white hover:bg-indigo-500 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-600"
            >
              Try again
            </button>
            {/* A full page load on purpose: the client router may be what broke. */}
            {/* eslint-disable-next-line @next/next/no-html-link-for-pages */}
            <a href="/" className="rounded-md bg-white px-3.5 py-2 text-sm font-semibold ring-1 ring-inset ring-slate-300 hover:bg-slate-50">
              Home
            </a>
          </div>
        </main>
      </body>
    </html>
  );
}
