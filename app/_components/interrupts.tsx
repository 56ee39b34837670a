import { Suspense } from "react";
import { ForbiddenView, NotFoundView } from "./access-views";
import { InterruptSignal } from "./interrupt-signal";

/**
 * Why pages do not simply call forbidden() / notFound(): in a production build of Next 16 an interrupt
 * thrown by a page escapes the server render, and the response is an empty document that only
 * JavaScript fills in (vercel/next.js#98295). Pages must work without JavaScript, so they render the
 * message themselves and raise the interrupt inside a Suspense boundary instead: the HTML render
 * reports it before the headers go out (so the status is still 403 / 404), the HTML keeps the message,
 * and with JavaScript the client swaps in forbidden.tsx / not-found.tsx, which show the same thing.
 */
export function AccessDenied({ impersonatedName }: { impersonatedName?: string | null }) {
  return (
    <>
      <ForbiddenView impersonatedName={impersonatedName} />
      <Suspense fallback={null}>
        <InterruptSignal kind="forbidden" />
      </Suspense>
    </>
  );
}

export function NotFoundPage() {
  return (
    <>
      <NotFoundView />
      <Suspense fallback={null}>
        <InterruptSignal kind="not-found" />
      </Suspense>
    </>
  );
}
