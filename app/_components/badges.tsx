import type { UserRole, UserStatus } from "@/lib/db/schema";

const ROLE_STYLES: Record<UserRole, string> = {
  admin: "bg-purple-100 text-purple-900 ring-purple-300",
  support: "bg-sky-100 text-sky-900 ring-sky-300",
  user: "bg-slate-100 text-slate-800 ring-slate-300",
};
const ROLE_LABELS: Record<UserRole, string> = { admin: "Admin", support: "Support", user: "User" };

const pill = "inline-flex items-center rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset";

export function RoleBadge({ role }: { role: UserRole }) {
  return <span className={`${pill} ${ROLE_STYLES[role]}`}>{ROLE_LABELS[role]}</span>;
}

export function StatusBadge({ status }: { status: UserStatus }) {
  return status === "active" ? (
    <span className={`${pill} bg-emerald-50 text-emerald-900 ring-emerald-300`}>Active</span>
  ) : (
    <span className={`${pill} bg-red-100 text-red-900 ring-red-300`}>Banned</span>
  );
}

export function Pill({ children, tone = "slate" }: { children: React.ReactNode; tone?: "slate" | "indigo" | "amber" | "emerald" | "red" }) {
  const tones = {
    slate: "bg-slate-100 text-slate-800 ring-slate-300",
    indigo: "bg-indigo-50 text-indigo-900 ring-indigo-300",
    amber: "bg-amber-100 text-amber-950 ring-amber-400",
    emerald: "bg-emerald-50 text-emerald-900 ring-emerald-300",
    red: "bg-red-100 text-red-900 ring-red-300",
  };
  return <span className={`${pill} ${tones[tone]}`}>{children}</span>;
}

/** A development sample account: its password is published, so it can never sign in in production. */
export function SampleBadge() {
  return (
    <span className={`${pill} ml-2 bg-amber-100 text-amber-950 ring-amber-400`} title="Development sample: shares a published password; refused at sign-in in production">
      Sample
    </span>
  );
}

/** An account created by invitation whose owner has not chosen a password yet. */
export function InvitationBadge({ state }: { state: "pending" | "expired" | undefined }) {
  if (!state) return null;
  return state === "pending" ? (
    <span className={`${pill} ml-2 bg-indigo-50 text-indigo-900 ring-indigo-300`}>Invited</span>
  ) : (
    <span className={`${pill} ml-2 bg-slate-100 text-slate-800 ring-slate-300`} title="The invitation link expired; resend it from the user's page">
      Invitation expired
    </span>
  );
}

/** Support access the user granted (read or write, until when), or a request waiting for their answer. */
export function GrantBadge({ status }: { status: { scope: "read" | "write" | null; expiresAt: Date | null; pending: boolean } | undefined }) {
  if (!status) return null;
  return (
    <>
      {status.scope ? (
        <span className={`${pill} ml-2 bg-emerald-50 text-emerald-900 ring-emerald-300`} title={status.expiresAt ? `Until ${status.expiresAt.toISOString()}` : undefined}>
          {status.scope === "write" ? "Consent: can make changes" : "Consent: read-only"}
        </span>
      ) : null}
      {status.pending ? <span className={`${pill} ml-2 bg-slate-100 text-slate-800 ring-slate-300`}>Access requested</span> : null}
    </>
  );
}
