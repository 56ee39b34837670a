/**
 * The session side of impersonation: an impersonation is its own session row linked to the admin's own
 * session. Both directions rotate tokens: the admin's token from before the start and the impersonation
 * token from before the stop are dead afterwards. Policy and audit decisions live in lib/impersonation.
 */
import { recordAuditEvent, type AuditEventInput } from "../audit/audit";
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
      metadata: SessionMetadata;
      audit: AuditEventInput;
    }): Promise<{ token: string; sessionId: string; expiresAt: number }> {
      const now = sessions.clock();
      const token = generateSessionToken();
      const sessionId = hashSessionToken(token);
      // The parent's new id is the hash of a token nobody holds: it is reachable only through the link.
      const parentId = hashSessionToken(generateSessionToken());
      // Never outlive the admin's own session.
      const expiresAt = Math.min(now + input.ttlS * 1000, input.parent.absoluteExpiresAt);
      await db.transaction(async (tx) => {
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
      });
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
  };
}

export class ImpersonationSessionError extends Error {
  constructor(message: string) {
    super(`impersonation: ${message}`);
    this.name = "ImpersonationSessionError";
  }
}

export type ImpersonationSessions = ReturnType<typeof createImpersonationSessions>;
