import type { GrantWindow } from "@/lib/impersonation/grants";
import { ui } from "./styles";

const WINDOW_LABELS: Record<GrantWindow, string> = { "1h": "1 hour", "24h": "24 hours", "7d": "7 days" };

/** How long a grant lasts (lib/impersonation/grants.ts GRANT_WINDOWS), the shortest chosen by default. */
export function GrantWindowSelect({ id }: { id: string }) {
  return (
    <select id={id} name="window" defaultValue="1h" className={`${ui.input} mt-1.5 pr-8`}>
      {Object.entries(WINDOW_LABELS).map(([value, label]) => (
        <option key={value} value={value}>
          {label}
        </option>
      ))}
    </select>
  );
}
