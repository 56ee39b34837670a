/**
 * Single-use account links: first-admin setup, invitations, password resets. The link carries a
 * 256-bit token; the database keeps only its SHA-256, so a dump of the table holds no usable link.
 */
import { and, eq, gt, inArray, isNull } from "drizzle-orm";
import { accountTokens, users, type AccountTokenPurpose, type UserRole } from "../db/schema";
import type { Db } from "../db/types";
import { generateSessionToken, hashSessionToken, isWellFormedToken } from "../session/token";

export interface IssuedAccountToken {
  token: string;
  expiresAt: Date;
}

export interface AccountTokenHolder {
  userId: string;
  purpose: AccountTokenPurpose;
  email: string;
  name: string;
  role: UserRole;
}

type Executor = Pick<Db, "insert" | "delete" | "update" | "select">;

/** The page that consumes a password link (setup or invitation), absolute when the public origin is known. */
export function passwordLinkUrl(token: string, appOrigin?: string): string {
  const pathAndQuery = `/set-password?token=${encodeURIComponent(token)}`;
  return appOrigin ? new URL(pathAndQuery, appOrigin).toString() : pathAndQuery;
}

/** The links that let their holder set a password: the first admin's setup link, an invitation, a reset. */
export const PASSWORD_LINK_PURPOSES = ["setup", "invite", "reset"] as const satisfies readonly AccountTokenPurpose[];

const purposeIn = (purposes: readonly AccountTokenPurpose[]) => inArray(accountTokens.purpose, [...purposes]);

/** Issuing a link replaces every unused link of the same purpose for that user: only the newest one works. */
export async function issueAccountToken(
  db: Executor,
  input: { userId: string; purpose: AccountTokenPurpose; ttlS: number; now: Date },
): Promise<IssuedAccountToken> {
  const token = generateSessionToken();
  const expiresAt = new Date(input.now.getTime() + input.ttlS * 1000);
  await db
    .delete(accountTokens)
    .where(and(eq(accountTokens.userId, input.userId), eq(accountTokens.purpose, input.purpose), isNull(accountTokens.usedAt)));
  await db.insert(accountTokens).values({ id: hashSessionToken(token), userId: input.userId, purpose: input.purpose, expiresAt, createdAt: input.now });
  return { token, expiresAt };
}

/** Who a still-usable link belongs to (for rendering the form); nothing is consumed. A banned account's links are dead. */
export async function findUsableAccountToken(db: Executor, token: string, purposes: readonly AccountTokenPurpose[], now: Date): Promise<AccountTokenHolder | null> {
  if (!isWellFormedToken(token)) return null;
  const [row] = await db
    .select({ userId: users.id, purpose: accountTokens.purpose, email: users.email, name: users.name, role: users.role })
    .from(accountTokens)
    .innerJoin(users, eq(users.id, accountTokens.userId))
    .where(
      and(eq(accountTokens.id, hashSessionToken(token)), purposeIn(purposes), isNull(accountTokens.usedAt), gt(accountTokens.expiresAt, now), eq(users.status, "active")),
    );
  return row ?? null;
}

/**
 * Marks the link used and returns its holder, in one statement: of two concurrent submissions exactly one wins.
 * Run it in the same transaction as the change the link authorises, so a failure leaves the link usable.
 */
export async function consumeAccountToken(
  db: Executor,
  token: string,
  purposes: readonly AccountTokenPurpose[],
  now: Date,
): Promise<{ userId: string; purpose: AccountTokenPurpose } | null> {
  if (!isWellFormedToken(token)) return null;
  const [row] = await db
    .update(accountTokens)
    .set({ usedAt: now })
    .where(and(eq(accountTokens.id, hashSessionToken(token)), purposeIn(purposes), isNull(accountTokens.usedAt), gt(accountTokens.expiresAt, now)))
    .returning({ userId: accountTokens.userId, purpose: accountTokens.purpose });
  return row ?? null;
}

/** Voids every unused link of these purposes for the user (a revoked invitation). Answers how many there were. */
export async function revokeAccountTokens(db: Executor, userId: string, purposes: readonly AccountTokenPurpose[]): Promise<number> {
  const rows = await db
    .delete(accountTokens)
    .where(and(eq(accountTokens.userId, userId), purposeIn(purposes), isNull(accountTokens.usedAt)))
    .returning({ id: accountTokens.id });
  return rows.length;
}
