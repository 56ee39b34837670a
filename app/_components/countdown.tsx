"use client";

import { useRouter } from "next/navigation";
import { useEffect, useState } from "react";
import { formatCountdown } from "../_lib/format";

/**
 * Ticks the time left from the server-rendered value (so it reads right without JavaScript too).
 * It counts from the remaining duration rather than the server's expiry time, so a skewed client clock
 * does not matter. At zero it asks the server, the authority, to render again; the server ends the
 * impersonation and the banner disappears.
 */
export function Countdown({ remainingMs, refreshAtZero = true, endedLabel }: { remainingMs: number; refreshAtZero?: boolean; endedLabel?: string }) {
  const router = useRouter();
  const [left, setLeft] = useState(remainingMs);

  useEffect(() => {
    // A new value from the server (after a refresh) restarts the count from it.
    const deadline = Date.now() + remainingMs;
    let refreshed = false;
    const timer = setInterval(() => {
      const ms = deadline - Date.now();
      setLeft(ms);
      if (ms <= 0 && !refreshed) {
        refreshed = true;
        clearInterval(timer);
        if (refreshAtZero) router.refresh();
      }
    }, 1000);
    return () => clearInterval(timer);
  }, [remainingMs, refreshAtZero, router]);

  // A list of others' impersonations (which this browser cannot end by refreshing) marks a row that ran out.
  if (endedLabel && left <= 0) return <span className="font-medium text-slate-700">{endedLabel}</span>;
  return (
    <time role="timer" dateTime={`PT${Math.max(0, Math.ceil(left / 1000))}S`} className="font-mono tabular-nums">
      {formatCountdown(left)}
    </time>
  );
}
