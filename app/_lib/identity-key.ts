/**
 * One string that changes whenever "who you are" changes: the effective user and their role, who is
 * behind an impersonation, and which impersonation it is. The server renders it from the request's
 * session; the browser computes the same string from `/api/auth/user` and compares (IdentityWatch).
 * Only ids and a role travel, nothing secret: the page already shows more than this.
 */
export interface IdentityShape {
  user: { id: string; role: string };
  originalUser: { id: string } | null;
  impersonation: { startedAt: string } | null;
}

/** The signed-out key: no session, or one that is gone. */
export const SIGNED_OUT_KEY = "signed-out";

export function identityKeyOf(identity: IdentityShape | null): string {
  if (!identity) return SIGNED_OUT_KEY;
  return [identity.user.id, identity.user.role, identity.originalUser?.id ?? "", identity.impersonation?.startedAt ?? ""].join("|");
}
