/**
 * Anchors for the audit chain outside the database. The chain proves that no row changed unless every hash
 * after it was recomputed; whoever can rewrite the tables can do that too. A head (seq and hash) recorded
 * somewhere else (the log pipeline, a ticket) is the one thing such a rewrite cannot reach:
 * `npm run audit:verify --anchor seq:hash` then shows the chain no longer holds that link.
 */
import { eq } from "drizzle-orm";
import { auditChainHead } from "../db/schema";
import type { Db } from "../db/types";
import type { Logger } from "../observability/logger";

export interface ChainHead {
  seq: number;
  hash: string;
}

/** The chain head row; null only on a database whose head row was removed. */
export async function readChainHead(db: Db): Promise<ChainHead | null> {
  const [head] = await db.select({ seq: auditChainHead.seq, hash: auditChainHead.hash }).from(auditChainHead).where(eq(auditChainHead.id, 1));
  return head ? { seq: Number(head.seq), hash: head.hash } : null;
}

/** The form `audit:verify` prints and accepts. */
export const formatAnchor = (head: ChainHead): string => `${head.seq}:${head.hash}`;

/**
 * Logs the chain head every `intervalS` when it moved, as an `audit chain head` line at info level (the level
 * production logs keep). Returns the stop function; null when disabled.
 */
export function startAuditAnchoring(db: Db, logger: Logger, intervalS: number): (() => void) | null {
  if (intervalS <= 0) return null;
  let last: string | null = null;
  const tick = () => {
    readChainHead(db).then(
      (head) => {
        if (!head) return logger.warn("audit chain head row is missing");
        const anchor = formatAnchor(head);
        if (anchor === last) return;
        last = anchor;
        logger.info("audit chain head", { anchor });
      },
      (error: unknown) => logger.warn("audit chain head not read", { error }),
    );
  };
  tick();
  const timer = setInterval(tick, intervalS * 1000);
  timer.unref();
  return () => clearInterval(timer);
}
