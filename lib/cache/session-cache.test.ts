/**
 * The cache facade and its L1 tier without Redis (the Redis paths run against real servers in test/cache):
 * what the hot path may cost (an L1 hit is answered synchronously and schedules nothing), and the fill
 * guards that do not need Redis. Every accepted case has its refused twin.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { createLogger } from "../observability/logger";
import type { SessionContext } from "../session/types";
import { FILL_MAX_AGE_MS } from "./contract";
import { L1Tier } from "./l1";
import type { InvalidationOutbox } from "./outbox";
import { SessionCache } from "./session-cache";

const NOW = Date.parse("2026-01-01T00:00:00Z");
const L1 = { enabled: true, ttlMs: 60_000, max: 100 };

/** Without Redis nothing may reach the outbox: any call fails the test. */
const unusedOutbox: InvalidationOutbox = {
  enqueue: () => Promise.reject(new Error("outbox used without Redis")),
  peek: () => Promise.reject(new Error("outbox used without Redis")),
  remove: () => Promise.reject(new Error("outbox used without Redis")),
  depth: () => Promise.reject(new Error("outbox used without Redis")),
};

function context(sessionId: string, overrides: Partial<SessionContext> = {}): SessionContext {
  const user = { id: `u-${sessionId}`, email: `${sessionId}@example.com`, name: "Test", role: "user" as const, status: "active" as const };
  return {
    sessionId,
    user,
    impersonator: null,
    impersonation: null,
    createdAt: NOW,
    lastSeenAt: NOW,
    lastAuthenticatedAt: NOW,
    aal: 1,
    mfaVerifiedAt: null,
    expiresAt: NOW + 3_600_000,
    absoluteExpiresAt: NOW + 86_400_000,
    ...overrides,
  };
}

const caches: SessionCache[] = [];
function cache(l1: typeof L1 | undefined): SessionCache {
  const c = new SessionCache({ client: null, redisConfig: null, outbox: unusedOutbox, logger: createLogger("silent"), ttlMs: 300_000, l1 });
  caches.push(c);
  return c;
}
afterEach(async () => {
  while (caches.length) await caches.pop()!.close();
  vi.restoreAllMocks();
});

describe("session cache facade (no Redis)", () => {
  it("answers an L1 hit synchronously, with the context that was filled", () => {
    const c = cache(L1);
    const miss = c.read("a", NOW);
    expect(miss).toMatchObject({ kind: "miss" });
    if (miss instanceof Promise || miss.kind === "hit") throw new Error("expected a synchronous miss");
    expect(c.fill(miss.ticket, context("a"))).toBeUndefined();
    const hit = c.read("a", NOW);
    expect(hit).not.toBeInstanceOf(Promise);
    expect(hit).toMatchObject({ kind: "hit", tier: "l1", context: { sessionId: "a" } });
  });

  it("does not serve an L1 copy whose session has expired at the time of the read", () => {
    const c = cache(L1);
    const expiresAt = NOW + 1_000;
    c.fill(c.ticket("a", NOW), context("a", { expiresAt }));
    expect(c.read("a", expiresAt - 1)).toMatchObject({ kind: "hit" });
    expect(c.read("a", expiresAt)).toMatchObject({ kind: "miss" });
  });

  it("refuses a fill after the session was invalidated since the ticket was taken", async () => {
    const c = cache(L1);
    const ticket = c.ticket("a", NOW);
    await c.invalidate(["a"]);
    c.fill(ticket, context("a"));
    expect(c.inspectL1("a")).toBeUndefined();
    expect(c.read("a", NOW)).toMatchObject({ kind: "miss" });
  });

  it("refuses a ticket older than the tombstones can vouch for, and accepts a fresh one", () => {
    const c = cache(L1);
    const ticket = c.ticket("a", NOW);
    c.fill({ ...ticket, readAt: ticket.readAt - FILL_MAX_AGE_MS - 1 }, context("a"));
    expect(c.inspectL1("a")).toBeUndefined();
    c.fill(ticket, context("a"));
    expect(c.inspectL1("a")?.sessionId).toBe("a");
  });

  it("refuses a ticket taken for another session", () => {
    const c = cache(L1);
    c.fill(c.ticket("b", NOW), context("a"));
    expect(c.inspectL1("a")).toBeUndefined();
    c.fill(c.ticket("a", NOW), context("a"));
    expect(c.inspectL1("a")?.sessionId).toBe("a");
  });

  it("on Postgres alone, every read is a synchronous miss and a fill stores nothing", () => {
    const c = cache(undefined);
    expect(c.tiers).toEqual([]);
    const read = c.read("a", NOW);
    if (read instanceof Promise || read.kind === "hit") throw new Error("expected a synchronous miss");
    expect(c.fill(read.ticket, context("a"))).toBeUndefined();
    expect(c.read("a", NOW)).toMatchObject({ kind: "miss" });
  });
});

describe("L1 tier", () => {
  it("schedules no timer on a lookup, however far apart lookups are", () => {
    const l1 = new L1Tier(L1);
    l1.offer(context("a"));
    const timers = vi.spyOn(globalThis, "setTimeout");
    for (let i = 0; i < 3; i++) {
      const until = performance.now() + 2;
      while (performance.now() < until) {
        // Lookups more than a millisecond apart, as on a server below ~1k requests a second.
      }
      expect(l1.get("a")?.context.sessionId).toBe("a");
      expect(l1.isTombstoned("b")).toBe(false);
    }
    expect(timers).not.toHaveBeenCalled();
  });

  it("keeps the session a tombstone refused out, and takes one nobody invalidated", () => {
    const l1 = new L1Tier(L1);
    l1.forget(["a"]);
    l1.offer(context("a"));
    l1.offer(context("b"));
    expect(l1.get("a")).toBeUndefined();
    expect(l1.get("b")?.context.sessionId).toBe("b");
  });
});

describe("session cache: shared Postgres reads for concurrent misses", () => {
  /** A Postgres read the test answers by hand, counting how often it was asked. */
  function heldRead(answer: SessionContext | null) {
    let calls = 0;
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    return { read: () => ((calls++, gate.then(() => answer))), calls: () => calls, release };
  }
  const ticketOf = (c: SessionCache, id: string) => c.ticket(id, NOW);

  it("lets concurrent misses of one session share one read, and every caller gets its answer", async () => {
    const c = cache(undefined);
    const pg = heldRead(context("a"));
    const answers = Promise.all([1, 2, 3].map(() => c.load("a", ticketOf(c, "a"), pg.read)));
    pg.release();
    expect((await answers).map((a) => a?.sessionId)).toEqual(["a", "a", "a"]);
    expect(pg.calls()).toBe(1);
  });

  it("does not share a read between two sessions", async () => {
    const c = cache(undefined);
    const a = heldRead(context("a"));
    const b = heldRead(context("b"));
    const answers = Promise.all([c.load("a", ticketOf(c, "a"), a.read), c.load("b", ticketOf(c, "b"), b.read)]);
    a.release();
    b.release();
    expect((await answers).map((x) => x?.sessionId)).toEqual(["a", "b"]);
    expect(a.calls() + b.calls()).toBe(2);
  });

  it("never lets a miss that starts after an invalidation join a read that started before it", async () => {
    const c = cache(undefined);
    const before = heldRead(context("a"));
    const first = c.load("a", ticketOf(c, "a"), before.read);
    await c.invalidate(["a"]);
    const after = heldRead(null);
    const second = c.load("a", ticketOf(c, "a"), after.read);
    before.release();
    after.release();
    expect((await first)?.sessionId).toBe("a");
    expect(await second).toBeNull();
    expect(after.calls()).toBe(1);
  });

  it("does not keep a failed read: the next miss asks Postgres again", async () => {
    const c = cache(undefined);
    await expect(c.load("a", ticketOf(c, "a"), () => Promise.reject(new Error("postgres down")))).rejects.toThrow("postgres down");
    const retry = heldRead(context("a"));
    const answer = c.load("a", ticketOf(c, "a"), retry.read);
    retry.release();
    expect((await answer)?.sessionId).toBe("a");
    expect(retry.calls()).toBe(1);
  });
});
