/**
 * TOTP (RFC 6238) through otpauth: SHA-1, 6 digits, 30-second steps (what every authenticator app supports),
 * one step of clock drift either way. The secret is sealed at rest with MFA_ENCRYPTION_KEY; a code is accepted
 * once: the step it belongs to is recorded in the same UPDATE that accepts it, so a replay within its step, or a
 * concurrent second use, finds the step taken.
 */
import { and, eq, isNotNull, isNull, lt, or } from "drizzle-orm";
import { sealData, unsealData } from "iron-session";
import { Secret, TOTP } from "otpauth";
import QRCode from "qrcode";
import { ironPasswords } from "../../crypto/iron-passwords";
import { mfaTotp } from "../../db/schema";
import type { Db } from "../../db/types";

const PERIOD_S = 30;
const DIGITS = 6;
const DRIFT_STEPS = 1;
/** Seals of secrets never expire by time (iron's ttl 0); rotation of the key is what retires them. */
const NO_EXPIRY = 0;

export interface TotpSecretBox {
  seal(base32: string): Promise<string>;
  unseal(sealed: string): Promise<string | null>;
}

/** `keys` newest first, like SESSION_SECRET: the first seals, all unseal. */
export function createTotpSecretBox(keys: string[]): TotpSecretBox {
  const passwords = ironPasswords(keys);
  return {
    seal: (base32) => sealData({ s: base32 }, { password: passwords.seal, ttl: NO_EXPIRY }),
    async unseal(sealed) {
      try {
        const data = await unsealData<{ s?: unknown }>(sealed, { password: passwords.unseal, ttl: NO_EXPIRY });
        return typeof data.s === "string" ? data.s : null;
      } catch {
        return null;
      }
    },
  };
}

function totpFor(base32: string, label = "account", issuer = "Console"): TOTP {
  return new TOTP({ issuer, label, algorithm: "SHA1", digits: DIGITS, period: PERIOD_S, secret: Secret.fromBase32(base32) });
}

/** Six digits, spaces ignored ("123 456" is what some apps show). Anything else cannot be a code. */
export function normalizeTotpCode(code: string): string | null {
  const digits = code.replace(/\s+/g, "");
  return /^\d{6}$/.test(digits) ? digits : null;
}

/** The time step a code belongs to, or null when it matches none within the allowed drift. */
export function matchingStep(base32: string, code: string, nowMs: number): number | null {
  const normalized = normalizeTotpCode(code);
  if (!normalized) return null;
  const totp = totpFor(base32);
  const delta = totp.validate({ token: normalized, timestamp: nowMs, window: DRIFT_STEPS });
  return delta === null ? null : totp.counter({ timestamp: nowMs }) + delta;
}

/** A code for a secret at a time: for tests and for nothing else in the app. */
export function totpCodeAt(base32: string, nowMs: number): string {
  return totpFor(base32).generate({ timestamp: nowMs });
}

export interface TotpEnrolment {
  secret: string;
  uri: string;
  /** The URI as a QR code: an SVG path over a `size`×`size` grid of modules (dark squares), drawn by the page. */
  qr: { size: number; path: string };
}

/** qrcode computes the modules; one SVG path of unit squares draws them, so no markup string reaches the page. */
function qrPath(uri: string): { size: number; path: string } {
  const { modules } = QRCode.create(uri, { errorCorrectionLevel: "M" });
  let path = "";
  for (let row = 0; row < modules.size; row++) {
    for (let col = 0; col < modules.size; col++) if (modules.get(row, col)) path += `M${col} ${row}h1v1h-1z`;
  }
  return { size: modules.size, path };
}

/** A new, unconfirmed secret replacing any unconfirmed one; refused (null) while a confirmed one exists. */
export async function createPendingTotp(db: Db, box: TotpSecretBox, user: { id: string; email: string }, issuer: string): Promise<TotpEnrolment | null> {
  const [existing] = await db.select({ confirmedAt: mfaTotp.confirmedAt }).from(mfaTotp).where(eq(mfaTotp.userId, user.id));
  if (existing?.confirmedAt) return null;
  const secret = new Secret({ size: 20 }).base32;
  const sealed = await box.seal(secret);
  await db
    .insert(mfaTotp)
    .values({ userId: user.id, secretSealed: sealed })
    .onConflictDoUpdate({ target: mfaTotp.userId, set: { secretSealed: sealed, lastUsedStep: null, createdAt: new Date() }, where: isNull(mfaTotp.confirmedAt) });
  return totpEnrolmentView(secret, user.email, issuer);
}

/** What the enrolment page shows for a secret: the otpauth URI as a QR code (SVG) and the secret as text. */
export function totpEnrolmentView(secret: string, email: string, issuer: string): TotpEnrolment {
  const uri = totpFor(secret, email, issuer).toString();
  return { secret, uri, qr: qrPath(uri) };
}

/** The secret of a pending enrolment, for showing it again (a reload of the enrolment page). */
export async function pendingTotpSecret(db: Db, box: TotpSecretBox, userId: string): Promise<string | null> {
  const [row] = await db.select({ sealed: mfaTotp.secretSealed }).from(mfaTotp).where(and(eq(mfaTotp.userId, userId), isNull(mfaTotp.confirmedAt)));
  return row ? box.unseal(row.sealed) : null;
}

export type TotpCheck = "ok" | "wrong" | "replayed" | "not_enrolled";

/**
 * Checks a code against the user's secret, confirmed or (with `confirming`) pending, and marks its step used.
 * Confirming turns the pending secret into the user's factor in the same statement.
 */
export async function checkTotpCode(db: Db, box: TotpSecretBox, userId: string, code: string, nowMs: number, confirming = false): Promise<TotpCheck> {
  const state = confirming ? isNull(mfaTotp.confirmedAt) : isNotNull(mfaTotp.confirmedAt);
  const [row] = await db.select({ sealed: mfaTotp.secretSealed, lastUsedStep: mfaTotp.lastUsedStep }).from(mfaTotp).where(and(eq(mfaTotp.userId, userId), state));
  if (!row) return "not_enrolled";
  const secret = await box.unseal(row.sealed);
  // A secret sealed with a key no longer configured cannot be checked: as good as no factor, and said so in logs by the caller.
  if (!secret) return "not_enrolled";
  const step = matchingStep(secret, code, nowMs);
  if (step === null) return "wrong";
  const accepted = await db
    .update(mfaTotp)
    .set({ lastUsedStep: step, ...(confirming ? { confirmedAt: new Date(nowMs) } : {}) })
    .where(and(eq(mfaTotp.userId, userId), state, or(isNull(mfaTotp.lastUsedStep), lt(mfaTotp.lastUsedStep, step))))
    .returning({ userId: mfaTotp.userId });
  return accepted.length > 0 ? "ok" : "replayed";
}

export async function hasConfirmedTotp(db: Db, userId: string): Promise<boolean> {
  const [row] = await db.select({ userId: mfaTotp.userId }).from(mfaTotp).where(and(eq(mfaTotp.userId, userId), isNotNull(mfaTotp.confirmedAt)));
  return Boolean(row);
}

export async function removeTotp(db: Pick<Db, "delete">, userId: string): Promise<void> {
  await db.delete(mfaTotp).where(eq(mfaTotp.userId, userId));
}
