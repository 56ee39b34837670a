/**
 * Grants and requests as the JSON API answers them: only the fields a client needs, dates as ISO strings,
 * the requester disclosed as IMPERSONATION_DISCLOSE allows (the name, or only the role).
 */
import type { AccessGrantRow, ImpersonationMode, UserRole } from "../db/schema";
import type { GrantListItem, GrantStatus } from "./grants";

export interface GrantJson {
  id: string;
  mode: ImpersonationMode;
  status: "active" | "pending" | "declined" | "revoked" | "expired";
  createdAt: string;
  grantedAt: string | null;
  expiresAt: string | null;
  /** Null for a grant the user made unprompted. */
  request: { reason: string | null; by: { name: string | null; role: UserRole | null } | null } | null;
}

const iso = (d: Date | null) => d?.toISOString() ?? null;

function statusOf(row: AccessGrantRow, now: number): GrantJson["status"] {
  if (row.revokedAt) return "revoked";
  if (row.declinedAt) return "declined";
  if (!row.grantedAt) return "pending";
  return row.expiresAt && row.expiresAt.getTime() > now ? "active" : "expired";
}

export function grantJson(row: AccessGrantRow | GrantListItem, now: number, disclose: "name" | "role" = "role"): GrantJson {
  const requester = "requesterRole" in row ? { name: disclose === "name" ? row.requesterName : null, role: row.requesterRole } : null;
  return {
    id: row.id,
    mode: row.scope,
    status: statusOf(row, now),
    createdAt: row.createdAt.toISOString(),
    grantedAt: iso(row.grantedAt),
    expiresAt: iso(row.expiresAt),
    // A request always carries its reason; its requester may since have been deleted.
    request: row.requestReason !== null || row.requestedBy ? { reason: row.requestReason, by: requester } : null,
  };
}

/** What staff see of a user's consent: the widest live grant and whether a request waits for an answer. */
export function grantStatusJson(status: GrantStatus | undefined): { mode: ImpersonationMode | null; expiresAt: string | null; requestPending: boolean } {
  return { mode: status?.scope ?? null, expiresAt: iso(status?.expiresAt ?? null), requestPending: status?.pending ?? false };
}
