/**
 * Prometheus metrics (prom-client). One registry per process, kept on globalThis so that dev-mode
 * module reloads do not register the same metric twice.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";

function build() {
  const registry = new Registry();
  // Cache hits are counted as plain numbers on the hot path and folded into cacheHits{tier} whenever the
  // metrics are read: prom-client's labelled inc() hashes its labels on every call, about a fifth of the
  // cost of the L1 lookup it would count (bench/validate.ts).
  const pending = { l1Hits: 0, redisHits: 0 };
  // The same for API requests: a pre-bound prom-client child still hashes and validates its labels per inc().
  const pendingRequests = new Map<string, { labels: { route: string; method: string; status: string }; count: number }>();
  collectDefaultMetrics({ register: registry, prefix: "nsi_" });
  const m = {
    registry,
    cacheHits: new Counter({
      name: "nsi_session_cache_hits_total",
      help: "Session validations answered by a cache tier",
      labelNames: ["tier"] as const,
      registers: [registry],
      collect() {
        if (pending.l1Hits > 0) this.inc({ tier: "l1" }, pending.l1Hits);
        if (pending.redisHits > 0) this.inc({ tier: "redis" }, pending.redisHits);
        pending.l1Hits = 0;
        pending.redisHits = 0;
      },
    }),
    /** Count a hit here (not with `cacheHits.inc`); it is read back through `cacheHits` like any counter. */
    pending,
    cacheMisses: new Counter({ name: "nsi_session_cache_misses_total", help: "Session validations that went to Postgres", registers: [registry] }),
    cacheErrors: new Counter({ name: "nsi_session_cache_errors_total", help: "Redis errors or timeouts on the session path", registers: [registry] }),
    cacheFallbacks: new Counter({ name: "nsi_session_cache_fallbacks_total", help: "Validations served by Postgres because Redis failed or the breaker was open", registers: [registry] }),
    refreshDeferred: new Counter({ name: "nsi_session_refresh_deferred_total", help: "Rolling-expiry writes skipped because Postgres was unavailable (the cached session was served)", registers: [registry] }),
    breakerState: new Gauge({ name: "nsi_redis_breaker_state", help: "Redis circuit breaker: 0 closed, 1 half-open, 2 open", registers: [registry] }),
    breakerTransitions: new Counter({ name: "nsi_redis_breaker_transitions_total", help: "Breaker state changes", labelNames: ["to"] as const, registers: [registry] }),
    auditChainHeadSeq: new Gauge({ name: "nsi_audit_chain_head_seq", help: "Sequence number of the audit chain head (last seen); its hash goes to the log (lib/audit/anchor.ts)", registers: [registry] }),
    outboxDepth: new Gauge({ name: "nsi_cache_outbox_depth", help: "Pending Redis invalidations in the Postgres outbox (last seen)", registers: [registry] }),
    validationSeconds: new Histogram({
      name: "nsi_session_validation_seconds",
      help: "Session validation latency by the tier that answered",
      labelNames: ["tier"] as const,
      buckets: [0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
      registers: [registry],
    }),
    httpRequests: new Counter({
      name: "nsi_http_requests_total",
      help: "API requests by route and status",
      labelNames: ["route", "method", "status"] as const,
      registers: [registry],
      collect() {
        for (const entry of pendingRequests.values()) {
          if (entry.count > 0) this.inc(entry.labels, entry.count);
          entry.count = 0;
        }
      },
    }),
    /** Count an API request here (not with `httpRequests.inc`); it is read back through `httpRequests`. */
    countHttpRequest(route: string, method: string, status: number): void {
      const key = `${route} ${method} ${status}`;
      let entry = pendingRequests.get(key);
      if (!entry) {
        entry = { labels: { route, method, status: String(status) }, count: 0 };
        pendingRequests.set(key, entry);
      }
      entry.count++;
    },
    loginFailures: new Counter({ name: "nsi_login_failures_total", help: "Failed logins by reason", labelNames: ["reason"] as const, registers: [registry] }),
    impersonationsActive: new Gauge({ name: "nsi_impersonations_active", help: "Live impersonation sessions (refreshed on scrape)", registers: [registry] }),
  };
  return m;
}

export type Metrics = ReturnType<typeof build>;

const globalForMetrics = globalThis as unknown as { __nsiMetrics?: Metrics };

export function getMetrics(): Metrics {
  globalForMetrics.__nsiMetrics ??= build();
  return globalForMetrics.__nsiMetrics;
}

/** Plain numbers for /api/health/redis. */
export async function cacheCounters(): Promise<{ hits: number; misses: number; errors: number; fallbacks: number }> {
  const m = getMetrics();
  const sum = async (c: Counter<string>) => (await c.get()).values.reduce((acc, v) => acc + v.value, 0);
  return { hits: await sum(m.cacheHits), misses: await sum(m.cacheMisses), errors: await sum(m.cacheErrors), fallbacks: await sum(m.cacheFallbacks) };
}
