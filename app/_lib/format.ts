/** Dates for people who work across time zones: absolute times in UTC, plus "5 minutes ago" where it helps. */
const pad = (n: number) => String(n).padStart(2, "0");

export function formatUtc(value: Date | number): string {
  const d = new Date(value);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())} UTC`;
}

export function formatUtcSeconds(value: Date | number): string {
  const d = new Date(value);
  return `${formatUtc(d).slice(0, -4)}:${pad(d.getUTCSeconds())} UTC`;
}

export function formatRelative(value: Date | number | null, now: number): string {
  if (value === null) return "Never";
  const seconds = Math.round((now - new Date(value).getTime()) / 1000);
  if (seconds < 45) return "Just now";
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${minutes} minute${minutes === 1 ? "" : "s"} ago`;
  const hours = Math.round(minutes / 60);
  if (hours < 24) return `${hours} hour${hours === 1 ? "" : "s"} ago`;
  const days = Math.round(hours / 24);
  if (days < 30) return `${days} day${days === 1 ? "" : "s"} ago`;
  return formatUtc(value).slice(0, 10);
}

/** mm:ss for a countdown; minutes may exceed 59 (a 90-minute impersonation shows 90:00). */
export function formatCountdown(ms: number): string {
  const total = Math.max(0, Math.ceil(ms / 1000));
  return `${pad(Math.floor(total / 60))}:${pad(total % 60)}`;
}

export function formatDuration(seconds: number): string {
  if (seconds % 60 !== 0) return `${seconds} seconds`;
  const minutes = seconds / 60;
  return `${minutes} minute${minutes === 1 ? "" : "s"}`;
}

/** How long to wait before trying again ("45 seconds", "15 minutes"). */
export function waitText(seconds: number): string {
  if (seconds < 90) return `${seconds} second${seconds === 1 ? "" : "s"}`;
  const minutes = Math.ceil(seconds / 60);
  return `${minutes} minutes`;
}

/** How long something lasted, to the second under a minute and to the minute above ("1 h 5 min"). */
export function formatElapsed(seconds: number): string {
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  return minutes % 60 === 0 ? `${hours} h` : `${hours} h ${minutes % 60} min`;
}

/** HH:MM in UTC, for "ended at" notices. */
export function formatUtcTime(value: Date | number): string {
  return formatUtc(value).slice(11);
}
