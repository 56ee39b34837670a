/**
 * Argon2id via @node-rs/argon2 (prebuilt native binaries, no node-gyp). Parameters follow the OWASP
 * minimum (m=19 MiB, t=2, p=1), set explicitly so a library default change cannot weaken them.
 */
import { hash, verify } from "@node-rs/argon2";

export const ARGON2_OPTIONS = {
  algorithm: 2, // Algorithm.Argon2id (a const enum, which isolatedModules cannot import)
  memoryCost: 19_456,
  timeCost: 2,
  parallelism: 1,
} as const;

export function hashPassword(password: string): Promise<string> {
  return hash(password, ARGON2_OPTIONS);
}

/** An account without a password (set-up link not used yet) pays the same Argon2 work and never matches. */
export async function verifyPassword(passwordHash: string | null, password: string): Promise<boolean> {
  if (passwordHash === null) return burnVerification(password);
  try {
    return await verify(passwordHash, password);
  } catch {
    // A malformed stored hash is a failed check, not a crash.
    return false;
  }
}

let dummyHash: Promise<string> | undefined;

/**
 * Unknown emails still pay for one Argon2 verification against a fixed hash, so the response time
 * does not reveal whether an account exists.
 */
export async function burnVerification(password: string): Promise<false> {
  dummyHash ??= hashPassword("timing-equaliser-not-a-real-password");
  await verifyPassword(await dummyHash, password);
  return false;
}
