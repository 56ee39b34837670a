/**
 * A small circuit breaker for Redis. Closed: use Redis. After `failureThreshold` consecutive failures: open,
 * every request goes straight to Postgres. After the cooldown a single background probe runs (never on a
 * request's path); the breaker closes only when the probe succeeds, and the probe is where the outbox of
 * missed invalidations is replayed, so Redis is never trusted again before it has been cleaned.
 */
import type { Clock } from "../clock";

export type BreakerState = "closed" | "open" | "half-open";

export interface BreakerOptions {
  failureThreshold: number;
  cooldownMs: number;
  /**
   * Failures closer together than this count as one. Command timers that fire in the same burst after the
   * process's own event loop stalled (GC, a CPU-bound request) are one observation of that stall, not
   * `failureThreshold` observations of Redis; a Redis that is really down keeps failing after the burst.
   * @default 0 (every failure counts)
   */
  failureSpacingMs?: number;
  clock: Clock;
  /** Must throw unless Redis is reachable and clean (outbox replayed). */
  probe: () => Promise<void>;
  onTransition?: (to: BreakerState, from: BreakerState) => void;
}

export class CircuitBreaker {
  private state: BreakerState = "closed";
  private consecutiveFailures = 0;
  private lastFailureAt = -Infinity;
  private openedAt = 0;
  private cooldownMs: number;
  private probing: Promise<void> | null = null;
  private probeTimer: ReturnType<typeof setTimeout> | null = null;
  private disposed = false;
  /** Bumped by every trip, so a probe that started before a new lost invalidation cannot close the breaker. */
  private generation = 0;
  transitions = 0;

  constructor(private readonly options: BreakerOptions) {
    this.cooldownMs = options.cooldownMs;
  }

  get current(): BreakerState {
    return this.state;
  }

  /** May a request use Redis now? When the cooldown is over this also starts a background probe. */
  allows(): boolean {
    if (this.state === "closed") return true;
    if (this.state === "open" && this.options.clock() - this.openedAt >= this.cooldownMs) void this.probeNow();
    return false;
  }

  recordSuccess(): void {
    this.consecutiveFailures = 0;
    this.lastFailureAt = -Infinity;
  }

  recordFailure(): void {
    const now = this.options.clock();
    if (now - this.lastFailureAt < (this.options.failureSpacingMs ?? 0)) return;
    this.lastFailureAt = now;
    this.consecutiveFailures++;
    if (this.state === "closed" && this.consecutiveFailures >= this.options.failureThreshold) this.open();
  }

  /** Distrust Redis right away (a lost invalidation, a dropped connection): only a probe can close it again. */
  trip(): void {
    this.generation++;
    if (this.state !== "open") this.open();
    else this.openedAt = this.options.clock();
  }

  /** Runs the probe now (deduplicated). Resolves when it has finished, whatever the outcome. */
  probeNow(): Promise<void> {
    if (this.probing) return this.probing;
    this.transition("half-open");
    const startedGeneration = this.generation;
    this.probing = this.options
      .probe()
      .then(
        () => {
          if (startedGeneration !== this.generation) throw new Error("tripped while probing");
          this.consecutiveFailures = 0;
          this.cooldownMs = this.options.cooldownMs;
          this.transition("closed");
        },
      )
      .catch(() => {
          // Back off while Redis stays down, up to 10 cooldowns, so a dead Redis is probed gently.
          this.cooldownMs = Math.min(this.cooldownMs * 2, this.options.cooldownMs * 10);
          this.open();
      })
      .finally(() => {
        this.probing = null;
      });
    return this.probing;
  }

  private open(): void {
    this.openedAt = this.options.clock();
    this.transition("open");
    this.scheduleProbe();
  }

  /** An idle instance must recover (and replay the outbox) too, not only one that receives requests. */
  private scheduleProbe(): void {
    if (this.probeTimer) clearTimeout(this.probeTimer);
    this.probeTimer = setTimeout(() => {
      this.probeTimer = null;
      if (this.state === "open" && !this.disposed) void this.probeNow();
    }, this.cooldownMs);
    this.probeTimer.unref?.();
  }

  /** Stops background probing (shutdown). */
  dispose(): void {
    this.disposed = true;
    if (this.probeTimer) clearTimeout(this.probeTimer);
  }

  private transition(to: BreakerState): void {
    if (this.state === to) return;
    const from = this.state;
    this.state = to;
    this.transitions++;
    this.options.onTransition?.(to, from);
  }
}
