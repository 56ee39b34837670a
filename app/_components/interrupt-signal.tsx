"use client";

import { forbidden, notFound } from "next/navigation";

/**
 * Raises the interrupt while the server renders the HTML (not in the RSC payload), so it is reported
 * before the headers are sent and the response keeps its 403 / 404 status. See interrupts.tsx.
 */
export function InterruptSignal({ kind }: { kind: "forbidden" | "not-found" }): null {
  if (kind === "forbidden") forbidden();
  notFound();
}
