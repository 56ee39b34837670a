import "server-only";
import { cookies } from "next/headers";
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
