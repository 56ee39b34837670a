/**
 * Password maps for iron seals with rotation: iron-session picks a seal's password by numeric id and seals with
 * the highest. Ids derived from each secret's hash stay stable when secrets are added or removed, so old seals
 * keep finding their secret. Used for the session cookie and for TOTP secrets at rest.
 */
import { createHash } from "node:crypto";

function passwordId(secret: string): number {
  return parseInt(createHash("sha256").update(secret).digest("hex").slice(0, 8), 16);
}

/** `secrets` newest first: the first seals, all unseal. */
export function ironPasswords(secrets: string[]): { seal: Record<number, string>; unseal: Record<number, string> } {
  if (secrets.length === 0) throw new Error("crypto: ironPasswords needs at least one secret");
  const newest = secrets[0]!;
  return { seal: { [passwordId(newest)]: newest }, unseal: Object.fromEntries(secrets.map((s) => [passwordId(s), s])) };
}
