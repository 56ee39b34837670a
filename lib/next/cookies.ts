import "server-only";
import { cookies } from "next/headers";
import { CHALLENGE_TTL_S } from "../auth/mfa/challenges";
import type { Runtime } from "../runtime";

/** HttpOnly (no script can read it), SameSite=Lax (no cross-site POSTs carry it), Secure and __Host- in production. */
export function sessionCookieOptions(runtime: Runtime) {
  return {
    httpOnly: true,
    sameSite: "lax" as const,
    secure: runtime.config.session.cookieSecure,
    path: "/",
    maxAge: runtime.config.session.absoluteTtlS,
  };
}

export async function readSessionCookie(runtime: Runtime): Promise<string | undefined> {
  return (await cookies()).get(runtime.config.session.cookieName)?.value;
}

/** The token from the request's cookie, or null for a missing, tampered, expired or foreign seal. */
export async function readSessionToken(runtime: Runtime): Promise<string | null> {
  return runtime.sealer.unseal(await readSessionCookie(runtime));
}

export async function writeSessionCookie(runtime: Runtime, token: string): Promise<void> {
  const sealed = await runtime.sealer.seal(token);
  (await cookies()).set(runtime.config.session.cookieName, sealed, sessionCookieOptions(runtime));
}

export async function clearSessionCookie(runtime: Runtime): Promise<void> {
  (await cookies()).set(runtime.config.session.cookieName, "", { ...sessionCookieOptions(runtime), maxAge: 0 });
}

/**
 * The pending sign-in (password right, second factor due) lives in a cookie of its own: the session cookie is
 * never written before the second factor, and the pending state dies with its short lifetime.
 */
function challengeCookieName(runtime: Runtime): string {
  return `${runtime.config.session.cookieName}-mfa`;
}

export async function writeChallengeCookie(runtime: Runtime, challengeToken: string): Promise<void> {
  const sealed = await runtime.sealer.seal(challengeToken);
  (await cookies()).set(challengeCookieName(runtime), sealed, { ...sessionCookieOptions(runtime), maxAge: CHALLENGE_TTL_S });
}

export async function readChallengeToken(runtime: Runtime): Promise<string | null> {
  return runtime.sealer.unseal((await cookies()).get(challengeCookieName(runtime))?.value);
}

export async function clearChallengeCookie(runtime: Runtime): Promise<void> {
  (await cookies()).set(challengeCookieName(runtime), "", { ...sessionCookieOptions(runtime), maxAge: 0 });
}
