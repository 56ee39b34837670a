import "server-only";
import { accessPolicyOf, accessRefusal, readOnlyRefusal, type AccessArea, type ReadOnlyExit } from "../auth/access";
import { getConfig } from "../config";
import { AppError } from "../errors";
import { isCrossSiteRequest } from "../http/same-origin";
import type { SessionContext } from "../session/types";
import type { ApiContext } from "./api-handler";
import { metadataFromHeaders } from "./request-meta";

/** CSRF for state-changing routes: the one same-origin rule (lib/http/same-origin.ts) as a 403. */
export function assertSameOrigin(request: Request): void {
  if (isCrossSiteRequest(request.headers, { url: request.url, appOrigin: getConfig().appOrigin })) throw new AppError("CSRF_REJECTED");
}

/**
 * The session from the request cookie (cached validator), or null. Read from the request itself: `cookies()`
 * builds Next's whole mutable cookie store, the largest cost a route handler paid beyond the validation.
 */
export function sessionOf(ctx: ApiContext): Promise<SessionContext | null> {
  // Once per request: the read-only guard (api-handler.ts) and the handler ask the same question.
  let session = validated.get(ctx);
  if (!session) {
    session = validate(ctx);
    validated.set(ctx, session);
  }
  return session;
}
const validated = new WeakMap<ApiContext, Promise<SessionContext | null>>();

function validate(ctx: ApiContext): Promise<SessionContext | null> {
  const { sealer, sessions, config } = ctx.runtime;
  const cookie = ctx.request.cookies.get(config.session.cookieName)?.value;
  const byToken = (token: string | null) => (token ? sessions.validateSessionWithCache(token) : null);
  // A cookie seen before needs no await to unseal: with an L1 hit the whole validation is then synchronous
  // but for the one promise the handler awaits.
  const known = sealer.unsealKnown(cookie);
  return known !== undefined ? Promise.resolve(byToken(known)) : sealer.unseal(cookie).then(byToken);
}

/**
 * The read-only rule (lib/auth/access.ts) for a request that may change something: from a read-only
 * impersonation it is refused unless the route declared itself one of the exits. apiHandler runs it before
 * every handler of a method other than GET/HEAD, so no route can forget it.
 */
export async function refuseReadOnlyChange(ctx: ApiContext, exit: ReadOnlyExit | undefined): Promise<void> {
  const session = await sessionOf(ctx);
  const refusal = session ? readOnlyRefusal(session, { change: true, exit }) : null;
  if (refusal) throw new AppError(refusal);
}

/** The session (or 401), admitted to `area` by the access rule (or its 403 code). */
export async function requireApiSession(ctx: ApiContext, area: AccessArea = "session"): Promise<SessionContext> {
  const session = await sessionOf(ctx);
  if (!session) throw new AppError("UNAUTHENTICATED");
  const refusal = accessRefusal(session, area, accessPolicyOf(ctx.runtime.config));
  if (refusal) throw new AppError(refusal);
  return session;
}

/** Staff (admin or support), never while impersonating. */
export const requireApiStaff = (ctx: ApiContext) => requireApiSession(ctx, "staff");

/** Admins only, never while impersonating. */
export const requireApiAdmin = (ctx: ApiContext) => requireApiSession(ctx, "admin");

export function metadataOf(ctx: ApiContext) {
  return metadataFromHeaders(ctx.request.headers);
}
