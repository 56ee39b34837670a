/**
 * Ten single-use recovery codes, shown once when a factor is enrolled. Each holds 80 random bits (16 base32
 * characters, grouped by four), so SHA-256 at rest is enough: nobody can search that space from a dump.
 */
import { hash, randomBytes } from "node:crypto";
import { and, count, eq, isNull } from "drizzle-orm";
import { mfaRecoveryCodes } from "../../db/schema";
import type { Db } from "../../db/types";

export const RECOVERY_CODE_COUNT = 10;
const ALPHABET = "abcdefghijklmnopqrstuvwxyz234567";

function newCode(): string {
  const bytes = randomBytes(10);
  let bits = 0;
  let value = 0;
  let out = "";
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += ALPHABET[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  return out.match(/.{4}/g)!.join("-");
}

/** What a person may type: any case, with or without dashes and spaces. */
function normalize(code: string): string {
  return code.toLowerCase().replace(/[\s-]+/g, "");
}

function codeHash(userId: string, code: string): string {
  return hash("sha256", `${userId}:${normalize(code)}`, "hex");
}

type Executor = Pick<Db, "insert" | "delete">;

/** Replaces every code the user had with ten new ones; returns them in the clear, the only time they exist so. */
export async function replaceRecoveryCodes(db: Executor, userId: string): Promise<string[]> {
  const codes = Array.from({ length: RECOVERY_CODE_COUNT }, newCode);
  await db.delete(mfaRecoveryCodes).where(eq(mfaRecoveryCodes.userId, userId));
  await db.insert(mfaRecoveryCodes).values(codes.map((c) => ({ userId, codeHash: codeHash(userId, c) })));
  return codes;
}

/** Marks the code used, in one statement (two concurrent uses: one wins). True when it was valid and unused. */
export async function spendRecoveryCode(db: Pick<Db, "update">, userId: string, code: string, now: Date): Promise<boolean> {
  if (normalize(code).length !== 16) return false;
  const used = await db
    .update(mfaRecoveryCodes)
    .set({ usedAt: now })
    .where(and(eq(mfaRecoveryCodes.userId, userId), eq(mfaRecoveryCodes.codeHash, codeHash(userId, code)), isNull(mfaRecoveryCodes.usedAt)))
    .returning({ id: mfaRecoveryCodes.id });
  return used.length > 0;
}

export async function remainingRecoveryCodes(db: Pick<Db, "select">, userId: string): Promise<number> {
  const [row] = await db.select({ n: count() }).from(mfaRecoveryCodes).where(and(eq(mfaRecoveryCodes.userId, userId), isNull(mfaRecoveryCodes.usedAt)));
  return row?.n ?? 0;
}

export async function removeRecoveryCodes(db: Pick<Db, "delete">, userId: string): Promise<void> {
  await db.delete(mfaRecoveryCodes).where(eq(mfaRecoveryCodes.userId, userId));
}
