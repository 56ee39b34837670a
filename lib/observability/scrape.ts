/**
 * Gauges that describe state rather than events are refreshed when Prometheus scrapes, each probe bounded
 * so a slow Postgres cannot hang the scrape (the gauge then keeps its last value).
 */
import { readChainHead } from "../audit/anchor";
import type { SessionCache } from "../cache/session-cache";
import { createPostgresOutbox } from "../cache/outbox";
import type { Db } from "../db/types";
import { countLiveImpersonations } from "../session/reports";
import { getMetrics } from "./metrics";

const SCRAPE_PROBE_TIMEOUT_MS = 1000;

const BREAKER_VALUE = { closed: 0, "half-open": 1, open: 2 } as const;

async function bounded<T>(work: Promise<T>): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  work.catch(() => {});
  try {
    return await Promise.race([work, new Promise<undefined>((resolve) => {
      timer = setTimeout(() => resolve(undefined), SCRAPE_PROBE_TIMEOUT_MS);
    })]);
  } catch {
    return undefined;
  } finally {
    clearTimeout(timer);
  }
}

export async function refreshScrapeGauges(deps: { db: Db; cache: SessionCache }, now = Date.now()): Promise<void> {
  const metrics = getMetrics();
  const [active, depth, head] = await Promise.all([
    bounded(countLiveImpersonations(deps.db, now)),
    bounded(createPostgresOutbox(deps.db).depth()),
    bounded(readChainHead(deps.db)),
  ]);
  if (active !== undefined) metrics.impersonationsActive.set(active);
  if (depth !== undefined) metrics.outboxDepth.set(depth);
  if (head) metrics.auditChainHeadSeq.set(head.seq);
  const breaker = deps.cache.breaker?.current;
  if (breaker) metrics.breakerState.set(BREAKER_VALUE[breaker]);
}
