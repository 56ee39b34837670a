/**
 * The passkey store: a user's WebAuthn credentials (public key, signature counter, transports, a name) and
 * their use. No ceremony logic here (that is webauthn.ts); only rows.
 */
import { and, count, eq } from "drizzle-orm";
import { webauthnCredentials } from "../../db/schema";
import type { Db } from "../../db/types";

export const PASSKEY_NAME_MAX = 60;

export interface PasskeySummary {
  id: string;
  name: string;
  createdAt: Date;
  lastUsedAt: Date | null;
}

export interface StoredPasskey {
  id: string;
  publicKey: string;
  counter: number;
  transports: string[];
}

export async function listPasskeys(db: Pick<Db, "select">, userId: string): Promise<PasskeySummary[]> {
  return db
    .select({ id: webauthnCredentials.id, name: webauthnCredentials.name, createdAt: webauthnCredentials.createdAt, lastUsedAt: webauthnCredentials.lastUsedAt })
    .from(webauthnCredentials)
    .where(eq(webauthnCredentials.userId, userId))
    .orderBy(webauthnCredentials.createdAt);
}

/** What the browser needs to offer (or exclude) the user's credentials: ids and transports. */
export async function passkeyDescriptors(db: Pick<Db, "select">, userId: string): Promise<{ id: string; transports: string[] }[]> {
  return db.select({ id: webauthnCredentials.id, transports: webauthnCredentials.transports }).from(webauthnCredentials).where(eq(webauthnCredentials.userId, userId));
}

export async function countPasskeys(db: Pick<Db, "select">, userId: string): Promise<number> {
  const [row] = await db.select({ n: count() }).from(webauthnCredentials).where(eq(webauthnCredentials.userId, userId));
  return row?.n ?? 0;
}

/** The credential, only when it belongs to this user: another account's passkey is as unknown as none. */
export async function findUserPasskey(db: Pick<Db, "select">, userId: string, credentialId: string): Promise<StoredPasskey | null> {
  const [row] = await db
    .select({ id: webauthnCredentials.id, publicKey: webauthnCredentials.publicKey, counter: webauthnCredentials.counter, transports: webauthnCredentials.transports })
    .from(webauthnCredentials)
    .where(and(eq(webauthnCredentials.id, credentialId), eq(webauthnCredentials.userId, userId)));
  return row ?? null;
}

/** False when the credential id is registered already (to anyone): a credential belongs to one account. */
export async function insertPasskey(
  db: Pick<Db, "insert">,
  input: { id: string; userId: string; publicKey: string; counter: number; transports: string[]; name: string; createdAt: Date },
): Promise<boolean> {
  const inserted = await db.insert(webauthnCredentials).values(input).onConflictDoNothing().returning({ id: webauthnCredentials.id });
  return inserted.length > 0;
}

/**
 * Records a use: the new counter and the time, only if the counter is still the one the check was made
 * against (compare-and-set), so two concurrent uses of one assertion cannot both pass.
 */
export async function recordPasskeyUse(db: Pick<Db, "update">, id: string, expectedCounter: number, newCounter: number, now: Date): Promise<boolean> {
  const updated = await db
    .update(webauthnCredentials)
    .set({ counter: newCounter, lastUsedAt: now })
    .where(and(eq(webauthnCredentials.id, id), eq(webauthnCredentials.counter, expectedCounter)))
    .returning({ id: webauthnCredentials.id });
  return updated.length > 0;
}

export async function removePasskey(db: Pick<Db, "delete">, userId: string, credentialId: string): Promise<boolean> {
  const deleted = await db
    .delete(webauthnCredentials)
    .where(and(eq(webauthnCredentials.id, credentialId), eq(webauthnCredentials.userId, userId)))
    .returning({ id: webauthnCredentials.id });
  return deleted.length > 0;
}

export async function removePasskeys(db: Pick<Db, "delete">, userId: string): Promise<void> {
  await db.delete(webauthnCredentials).where(eq(webauthnCredentials.userId, userId));
}
