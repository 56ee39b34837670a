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

export const MIN_PASSWORD_LENGTH = 10;
export const MAX_PASSWORD_LENGTH = 256;

export function hashPassword(password: string): Promise<string> {
  return hash(password, ARGON2_OPTIONS);
}

export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
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
