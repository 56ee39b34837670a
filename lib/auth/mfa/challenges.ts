/**
 * The pending state between a correct password and the second factor. It is not a session: it grants nothing
 * but the right to present a second factor for one account, for a few minutes and a few attempts, from the
 * browser that holds its token (a sealed cookie). Success deletes it and a fresh session is issued.
 */
import { and, eq, gt, lt, sql } from "drizzle-orm";
import { loginChallenges } from "../../db/schema";
import type { Db } from "../../db/types";
import { generateSessionToken, hashSessionToken, isWellFormedToken } from "../../session/token";

export const CHALLENGE_TTL_S = 5 * 60;
/** Wrong codes a challenge survives; the per-account throttle bounds guessing across challenges. */
export const CHALLENGE_MAX_ATTEMPTS = 5;

export async function createLoginChallenge(db: Db, userId: string, nowMs: number): Promise<string> {
  const token = generateSessionToken();
  await db.insert(loginChallenges).values({
    id: hashSessionToken(token),
    userId,
    createdAt: new Date(nowMs),
    expiresAt: new Date(nowMs + CHALLENGE_TTL_S * 1000),
  });
  return token;
}

export async function findLoginChallenge(db: Db, token: string | null | undefined, nowMs: number): Promise<{ userId: string } | null> {
  if (!isWellFormedToken(token)) return null;
  const [row] = await db
    .select({ userId: loginChallenges.userId })
    .from(loginChallenges)
    .where(and(eq(loginChallenges.id, hashSessionToken(token)), gt(loginChallenges.expiresAt, new Date(nowMs)), lt(loginChallenges.attempts, CHALLENGE_MAX_ATTEMPTS)));
  return row ?? null;
}

/** Counts a wrong answer; the challenge dies at the limit. */
export async function recordChallengeFailure(db: Db, token: string): Promise<void> {
  await db
    .update(loginChallenges)
    .set({ attempts: sql`${loginChallenges.attempts} + 1` })
    .where(eq(loginChallenges.id, hashSessionToken(token)));
}

/** Deletes the challenge; true for the one caller that deleted it (two concurrent successes: one session). */
export async function consumeLoginChallenge(db: Db, token: string): Promise<boolean> {
  const deleted = await db.delete(loginChallenges).where(eq(loginChallenges.id, hashSessionToken(token))).returning({ id: loginChallenges.id });
  return deleted.length > 0;
}

export async function pruneLoginChallenges(db: Db, nowMs: number): Promise<number> {
  const deleted = await db.delete(loginChallenges).where(lt(loginChallenges.expiresAt, new Date(nowMs))).returning({ id: loginChallenges.id });
  return deleted.length;
}
