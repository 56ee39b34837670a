/**
 * The Redis circuit breaker on its own: a manual clock and a probe the test resolves or rejects by hand.
 * Every "it opens/closes" case has its "it does not" twin.
 */
import { describe, expect, it } from "vitest";
import { manualClock } from "../clock";
import { CircuitBreaker, type BreakerState } from "./breaker";

const THRESHOLD = 3;
const COOLDOWN_MS = 1000;

/** A probe whose outcome the test decides, one call at a time. */
function controllableProbe() {
  const calls: { resolve(): void; reject(error: Error): void }[] = [];
  const probe = () =>
    new Promise<void>((resolve, reject) => {
      calls.push({ resolve, reject });
    });
  return { probe, calls, last: () => calls[calls.length - 1]! };
}

function setup() {
  const clock = manualClock(0);
  const p = controllableProbe();
  const transitions: BreakerState[] = [];
  const breaker = new CircuitBreaker({
    failureThreshold: THRESHOLD,
    cooldownMs: COOLDOWN_MS,
    clock,
    probe: p.probe,
    onTransition: (to) => transitions.push(to),
  });
  return { clock, breaker, probe: p, transitions };
}

/** Lets the probe's promise chain settle. */
const settle = () => new Promise((r) => setImmediate(r));

function failTimes(breaker: CircuitBreaker, n: number) {
  for (let i = 0; i < n; i++) breaker.recordFailure();
}

/** Opens the breaker through failures and returns the pending probe started after the cooldown. */
function openAndStartProbe(s: ReturnType<typeof setup>) {
  failTimes(s.breaker, THRESHOLD);
  s.clock.advance(COOLDOWN_MS);
  s.breaker.allows();
  return s.probe.last();
}

describe("CircuitBreaker", () => {
  it("starts closed and lets requests use Redis", () => {
    const { breaker } = setup();
    expect(breaker.current).toBe("closed");
    expect(breaker.allows()).toBe(true);
  });

  it("opens after the threshold of consecutive failures", () => {
    const { breaker, transitions } = setup();
    failTimes(breaker, THRESHOLD);
    expect(breaker.current).toBe("open");
    expect(breaker.allows()).toBe(false);
    expect(transitions).toEqual(["open"]);
  });

  it("counts a burst of failures at one instant as one failure when failures must be spaced", () => {
    const clock = manualClock(0);
    const breaker = new CircuitBreaker({ failureThreshold: THRESHOLD, cooldownMs: COOLDOWN_MS, failureSpacingMs: 50, clock, probe: async () => {} });
    failTimes(breaker, THRESHOLD * 10);
    clock.advance(49);
    failTimes(breaker, THRESHOLD * 10);
    expect(breaker.current).toBe("closed");
  });

  it("opens on spaced failures that keep coming, one spacing apart", () => {
    const clock = manualClock(0);
    const breaker = new CircuitBreaker({ failureThreshold: THRESHOLD, cooldownMs: COOLDOWN_MS, failureSpacingMs: 50, clock, probe: async () => {} });
    for (let i = 0; i < THRESHOLD; i++) {
      failTimes(breaker, 5);
      clock.advance(50);
    }
    expect(breaker.current).toBe("open");
  });

  it("starts counting spaced failures afresh after a success", () => {
    const clock = manualClock(0);
    const breaker = new CircuitBreaker({ failureThreshold: THRESHOLD, cooldownMs: COOLDOWN_MS, failureSpacingMs: 50, clock, probe: async () => {} });
    for (let i = 0; i < THRESHOLD - 1; i++) {
      breaker.recordFailure();
      clock.advance(50);
    }
    breaker.recordSuccess();
    breaker.recordFailure();
    expect(breaker.current).toBe("closed");
  });

  it("stays closed one failure short of the threshold", () => {
    const { breaker } = setup();
    failTimes(breaker, THRESHOLD - 1);
    expect(breaker.current).toBe("closed");
    expect(breaker.allows()).toBe(true);
  });

  it("a success resets the count, so failures must be consecutive to open it", () => {
    const { breaker } = setup();
    failTimes(breaker, THRESHOLD - 1);
    breaker.recordSuccess();
    failTimes(breaker, THRESHOLD - 1);
    expect(breaker.current).toBe("closed");
    breaker.recordFailure();
    expect(breaker.current).toBe("open");
  });

  it("does not probe before the cooldown is over", () => {
    const { breaker, clock, probe } = setup();
    failTimes(breaker, THRESHOLD);
    clock.advance(COOLDOWN_MS - 1);
    expect(breaker.allows()).toBe(false);
    expect(probe.calls).toHaveLength(0);
    expect(breaker.current).toBe("open");
  });

  it("probes once in the background after the cooldown and still refuses the request that triggered it", () => {
    const { breaker, clock, probe } = setup();
    failTimes(breaker, THRESHOLD);
    clock.advance(COOLDOWN_MS);
    expect(breaker.allows()).toBe(false);
    expect(breaker.current).toBe("half-open");
    // Requests during the probe neither use Redis nor start a second probe.
    expect(breaker.allows()).toBe(false);
    expect(breaker.allows()).toBe(false);
    expect(probe.calls).toHaveLength(1);
  });

  it("closes when the probe succeeds", async () => {
    const s = setup();
    openAndStartProbe(s).resolve();
    await settle();
    expect(s.breaker.current).toBe("closed");
    expect(s.breaker.allows()).toBe(true);
    expect(s.transitions).toEqual(["open", "half-open", "closed"]);
  });

  it("stays open when the probe fails, and backs off before probing again", async () => {
    const s = setup();
    openAndStartProbe(s).reject(new Error("ECONNREFUSED"));
    await settle();
    expect(s.breaker.current).toBe("open");
    expect(s.breaker.allows()).toBe(false);
    // The cooldown doubled: one plain cooldown later there is still no second probe.
    s.clock.advance(COOLDOWN_MS);
    s.breaker.allows();
    expect(s.probe.calls).toHaveLength(1);
    s.clock.advance(COOLDOWN_MS);
    s.breaker.allows();
    expect(s.probe.calls).toHaveLength(2);
  });

  it("caps the back-off at ten cooldowns", async () => {
    const s = setup();
    failTimes(s.breaker, THRESHOLD);
    for (let i = 0; i < 8; i++) {
      s.clock.advance(COOLDOWN_MS * 10);
      s.breaker.allows();
      s.probe.last().reject(new Error("down"));
      await settle();
    }
    const before = s.probe.calls.length;
    s.clock.advance(COOLDOWN_MS * 10 - 1);
    s.breaker.allows();
    expect(s.probe.calls).toHaveLength(before);
    s.clock.advance(1);
    s.breaker.allows();
    expect(s.probe.calls).toHaveLength(before + 1);
  });

  it("resets the back-off once a probe succeeds", async () => {
    const s = setup();
    openAndStartProbe(s).reject(new Error("down"));
    await settle();
    s.clock.advance(COOLDOWN_MS * 2);
    s.breaker.allows();
    s.probe.last().resolve();
    await settle();
    expect(s.breaker.current).toBe("closed");
    failTimes(s.breaker, THRESHOLD);
    s.clock.advance(COOLDOWN_MS);
    s.breaker.allows();
    expect(s.probe.calls).toHaveLength(3);
  });

  it("a trip during a probe keeps it open even when that probe succeeds", async () => {
    const s = setup();
    const pending = openAndStartProbe(s);
    // An invalidation was lost while the probe was replaying the outbox: this probe's "clean" is stale.
    s.breaker.trip();
    pending.resolve();
    await settle();
    expect(s.breaker.current).toBe("open");
    expect(s.breaker.allows()).toBe(false);
  });

  it("a probe that started after the trip can close it", async () => {
    const s = setup();
    const first = openAndStartProbe(s);
    s.breaker.trip();
    first.resolve();
    await settle();
    s.clock.advance(COOLDOWN_MS * 2);
    s.breaker.allows();
    s.probe.last().resolve();
    await settle();
    expect(s.probe.calls).toHaveLength(2);
    expect(s.breaker.current).toBe("closed");
  });

  it("trip opens a closed breaker at once, without any failures counted", () => {
    const { breaker } = setup();
    breaker.trip();
    expect(breaker.current).toBe("open");
    expect(breaker.allows()).toBe(false);
  });

  it("probeNow runs one probe for concurrent callers and resolves whatever the outcome", async () => {
    const s = setup();
    s.breaker.trip();
    const a = s.breaker.probeNow();
    const b = s.breaker.probeNow();
    expect(s.probe.calls).toHaveLength(1);
    s.probe.last().reject(new Error("down"));
    await expect(Promise.all([a, b])).resolves.toBeDefined();
    expect(s.breaker.current).toBe("open");
  });
});
