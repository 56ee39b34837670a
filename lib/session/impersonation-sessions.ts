/**
 * The session side of impersonation: an impersonation is its own session row linked to the admin's own
 * session. Both directions rotate tokens: the admin's token from before the start and the impersonation
 * token from before the stop are dead afterwards. Policy and audit decisions live in lib/impersonation.
 */
import { recordAuditEvent, type AuditEventInput } from "../audit/audit";
import type { ImpersonationMode } from "../db/schema";
import type { Db } from "../db/types";
import { accessIdOf, hasEndEvent, type SessionEnding } from "./endings";
import type { SessionManager } from "./manager";
import type { SessionStore } from "./store";
import { generateSessionToken, hashSessionToken } from "./token";
import type { SessionContext, SessionMetadata } from "./types";
import type { SessionCache } from "../cache/session-cache";

export interface ImpersonationSessionDeps {
  db: Db;
  store: SessionStore;
  cache: SessionCache;
  sessions: SessionManager;
}

export function createImpersonationSessions({ db, store, cache, sessions }: ImpersonationSessionDeps) {
  return {
    /**
     * Starts an impersonation for the admin session `parent`. The admin's own row gets a new, unknown id
     * (so the cookie from before the start is dead), and the browser receives a token for the new row.
     */
    async begin(input: {
      parent: SessionContext;
      targetUserId: string;
      reason: string;
      ticket: string | null;
      ttlS: number;
      mode: ImpersonationMode;
      /**
       * The grant the start relies on: its window caps the impersonation, and `confirm` re-checks it inside the
       * start's transaction (locking it), so a revocation cannot slip between the check and the insert.
       */
      grant: { id: string; expiresAt: number; confirm: (tx: Db, now: number) => Promise<boolean> } | null;
      metadata: SessionMetadata;
      audit: AuditEventInput;
    }): Promise<{ token: string; sessionId: string; expiresAt: number } | null> {
      const now = sessions.clock();
      const token = generateSessionToken();
      const sessionId = hashSessionToken(token);
      // The parent's new id is the hash of a token nobody holds: it is reachable only through the link.
      const parentId = hashSessionToken(generateSessionToken());
      // Never outlive the admin's own session.
      // Never outlive the grant it relies on either.
      const expiresAt = Math.min(now + input.ttlS * 1000, input.parent.absoluteExpiresAt, input.grant?.expiresAt ?? Infinity);
      const begun = await db.transaction(async (tx) => {
        if (input.grant && !(await input.grant.confirm(tx as unknown as Db, now))) return false;
        const rotated = await store.rotateId(input.parent.sessionId, parentId, tx as unknown as Db);
        if (!rotated) throw new ImpersonationSessionError("parent session vanished");
        await store.insert(
          {
            id: sessionId,
            userId: input.targetUserId,
            impersonatorId: input.parent.user.id,
            parentSessionId: parentId,
            reason: input.reason,
            ticket: input.ticket,
            mode: input.mode,
            accessGrantId: input.grant?.id ?? null,
            now,
            expiresAt,
            absoluteExpiresAt: expiresAt,
            lastAuthenticatedAt: input.parent.lastAuthenticatedAt,
            // The impersonation is as strongly authenticated as the admin's own sign-in, never more.
            aal: input.parent.aal,
            mfaVerifiedAt: input.parent.mfaVerifiedAt,
            metadata: input.metadata,
          },
          tx as unknown as Db,
        );
        // The start and the end events of one access share its accessId, so /account can pair them.
        await recordAuditEvent(tx, { ...input.audit, metadata: { ...input.audit.metadata, accessId: accessIdOf(sessionId), startedAt: new Date(now).toISOString(), expiresAt: new Date(expiresAt).toISOString() } });
        return true;
      });
      if (!begun) return null;
      await cache.invalidate([input.parent.sessionId]);
      return { token, sessionId, expiresAt };
    },

    /**
     * Stop: ends the impersonation (its end event in the same transaction) and hands the admin a fresh token
     * for their own session. Returns null for the token when the admin's session is gone meanwhile (then
     * nobody is signed in), and null when the impersonation had already ended.
     */
    async end(context: SessionContext, ending: SessionEnding): Promise<{ token: string | null } | null> {
      const token = generateSessionToken();
      const newParentId = hashSessionToken(token);
      const result = await db.transaction(async (tx) => {
        const outcome = await store.endImpersonation(context.sessionId, ending, sessions.clock(), tx as unknown as Db);
        if (outcome === "raced") return null;
        // The admin's session took over the impersonation's id; rotate once more, so neither old token lives.
        const rotated = outcome === "returned" && (await store.rotateId(context.sessionId, newParentId, tx as unknown as Db));
        return { token: rotated ? token : null };
      });
      await cache.invalidate([context.sessionId, context.impersonation!.parentSessionId]);
      return result;
    },

    /**
     * Ends a live impersonation from outside (an admin's "End now"). "already_ended": its end event is in the
     * log (another admin, its expiry or its own Stop came first); "missing": no such impersonation.
     */
    async forceEnd(sessionId: string, ending: SessionEnding): Promise<"ended_now" | "already_ended" | "missing"> {
      const outcome = await sessions.endImpersonation(sessionId, ending);
      if (outcome !== "raced") return "ended_now";
      return (await hasEndEvent(db, accessIdOf(sessionId))) ? "already_ended" : "missing";
    },

    /** Ends every live impersonation relying on a (just revoked) grant, each with `ending`; how many ended. */
    async endRelyingOnGrant(grantId: string, ending: SessionEnding): Promise<number> {
      const ids = await store.impersonationsRelyingOn(grantId, sessions.clock());
      let ended = 0;
      for (const id of ids) if ((await this.forceEnd(id, ending)) === "ended_now") ended++;
      return ended;
    },
  };
}

export class ImpersonationSessionError extends Error {
  constructor(message: string) {
    super(`impersonation: ${message}`);
    this.name = "ImpersonationSessionError";
  }
}

export type ImpersonationSessions = ReturnType<typeof createImpersonationSessions>;
