/**
 * Single-use account links (first-admin setup; invitations and resets take the same shape). The link carries a
 * 256-bit token; the database keeps only its SHA-256, so a dump of the table holds no usable link.
 */
import { and, eq, gt, isNull } from "drizzle-orm";
import { accountTokens, users, type AccountTokenPurpose, type UserRole } from "../db/schema";
import type { Db } from "../db/types";
import { generateSessionToken, hashSessionToken, isWellFormedToken } from "../session/token";

export interface IssuedAccountToken {
  token: string;
  expiresAt: Date;
}

export interface AccountTokenHolder {
  userId: string;
  email: string;
  name: string;
  role: UserRole;
}

type Executor = Pick<Db, "insert" | "delete" | "update" | "select">;

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

/** Who a still-usable link belongs to (for rendering the form); nothing is consumed. */
export async function findUsableAccountToken(db: Executor, token: string, purpose: AccountTokenPurpose, now: Date): Promise<AccountTokenHolder | null> {
  if (!isWellFormedToken(token)) return null;
  const [row] = await db
    .select({ userId: users.id, email: users.email, name: users.name, role: users.role })
    .from(accountTokens)
    .innerJoin(users, eq(users.id, accountTokens.userId))
    .where(
      and(eq(accountTokens.id, hashSessionToken(token)), eq(accountTokens.purpose, purpose), isNull(accountTokens.usedAt), gt(accountTokens.expiresAt, now)),
    );
  return row ?? null;
}

/**
 * Marks the link used and returns its holder, in one statement: of two concurrent submissions exactly one wins.
 * Run it in the same transaction as the change the link authorises, so a failure leaves the link usable.
 */
export async function consumeAccountToken(db: Executor, token: string, purpose: AccountTokenPurpose, now: Date): Promise<{ userId: string } | null> {
  if (!isWellFormedToken(token)) return null;
  const [row] = await db
    .update(accountTokens)
    .set({ usedAt: now })
    .where(
      and(eq(accountTokens.id, hashSessionToken(token)), eq(accountTokens.purpose, purpose), isNull(accountTokens.usedAt), gt(accountTokens.expiresAt, now)),
    )
    .returning({ userId: accountTokens.userId });
  return row ?? null;
}
