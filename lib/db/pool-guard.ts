/**
 * What stands between drizzle and the postgres.js pool: measurement (in-flight work, for poolStats) and
 * fail-fast behaviour while Postgres is unreachable.
 *
 * Why fail fast: when Postgres goes away, postgres.js keeps every new query queued and retries its
 * connections with a growing backoff; each failed connect rejects one queued query, so under load the
 * queue drains at the reconnect rate and requests hang for tens of seconds (measured in the fault suite).
 * Instead, after a connection-level failure the pool is marked down: one query at a time is let through
 * as a probe, every other one is refused at once (the API answers 503), and the first success reopens it.
 * Every query also has a client-side deadline that cancels it (still queued: removed, never sent).
 */

/** Errors that mean "no usable connection", not "this query was wrong". */
const CONNECTION_ERRORS = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ENOTFOUND",
  "EPIPE",
  "CONNECT_TIMEOUT",
  "CONNECTION_CLOSED",
  "CONNECTION_DESTROYED",
  "57P01", // admin_shutdown
  "57P02", // crash_shutdown
  "57P03", // cannot_connect_now (starting up, shutting down)
  "08000",
  "08001",
  "08003",
  "08004",
  "08006",
]);

export function isConnectionError(error: unknown): boolean {
  return CONNECTION_ERRORS.has((error as { code?: string } | null)?.code ?? "");
}

/** The error and its causes, outermost first (drizzle wraps driver errors; bounded against cycles). */
function* causeChain(error: unknown): Generator<{ code?: string; message?: string } | null> {
  for (let e = error, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) yield e as { code?: string };
}

const unreachable = (e: unknown) => e instanceof DatabaseUnavailableError || isConnectionError(e);

/** Postgres could not be reached for this error. */
export function isDatabaseUnreachable(error: unknown): boolean {
  for (const e of causeChain(error)) if (unreachable(e)) return true;
  return false;
}

/**
 * Postgres unreachable, overloaded or too slow: the caller may retry later (the API answers 503, not 500).
 * Wider than isDatabaseUnreachable: too many connections, a cancelled (timed-out) statement, a server going down.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  for (const e of causeChain(error)) {
    if (unreachable(e) || ["CONNECTION_ENDED", "53300", "57014"].includes(e?.code ?? "")) return true;
    if (/connect|connection|terminat|shutting down|timeout/i.test(e?.message ?? "")) return true;
  }
  return false;
}

/** Thrown without touching the pool while Postgres is known to be unreachable (lib/next maps it to 503). */
export class DatabaseUnavailableError extends Error {
  readonly code = "DATABASE_UNAVAILABLE";
  constructor() {
    super("database connection unavailable: Postgres was unreachable moments ago");
    this.name = "DatabaseUnavailableError";
  }
}

/** A postgres.js query: a lazy thenable that runs on its first `then` and can be cancelled. */
type PendingQuery = PromiseLike<unknown> & { cancel?: () => unknown };

export interface PoolGuardOptions {
  /** Longest a query may take from send to answer, queue wait included; then it is cancelled. */
  deadlineMs: number;
}

interface Admitted {
  startedAt: number;
  cancel: () => unknown;
}

export class PoolGuard {
  inFlight = 0;
  peakInFlight = 0;
  private down = false;
  private probeOut = false;
  /**
   * Deadlines are enforced by one sweeper rather than a timer per query: arming and clearing a timer cost
   * ~5 µs a query (measured on the validation path), the sweeper a Set insert. A query is cancelled between
   * its deadline and 1.25× its deadline, which is all a last-resort deadline needs.
   */
  private readonly admitted = new Set<Admitted>();
  private sweeper: NodeJS.Timeout | null = null;

  constructor(private readonly options: PoolGuardOptions) {}

  get isDown(): boolean {
    return this.down;
  }

  /** Wraps a postgres.js query: admitted (or refused) and counted from its first `then` until it settles. */
  guardQuery<Q extends PendingQuery>(query: Q): Q {
    const original = query.then;
    let settled: PromiseLike<unknown> | null = null;
    const guarded = () => (settled ??= this.run(() => original.call(query, (v: unknown) => v), () => query.cancel?.()));
    // catch/finally too: postgres.js would otherwise start the query from them, bypassing the guard.
    Object.assign(query, {
      then: (...args: Parameters<Q["then"]>) => guarded().then(...args),
      catch: (onRejected: (e: unknown) => unknown) => guarded().then(undefined, onRejected),
      finally: (onFinally: () => void) => Promise.resolve(guarded()).finally(onFinally),
    });
    return query;
  }

  /** Wraps work that is already running or starts now (a transaction holds one connection throughout). */
  guardWork<T>(start: () => Promise<T>): Promise<T> {
    return this.run(start, () => {});
  }

  /** Stops the sweeper (shutdown); queries still in flight keep running without a deadline. */
  dispose(): void {
    this.stopSweeper();
    this.admitted.clear();
  }

  private stopSweeper(): void {
    if (this.sweeper) clearInterval(this.sweeper);
    this.sweeper = null;
  }

  private run<T>(start: () => PromiseLike<T>, cancel: () => unknown): Promise<T> {
    const asProbe = this.down;
    if (asProbe && this.probeOut) return Promise.reject(new DatabaseUnavailableError());
    if (asProbe) this.probeOut = true;
    this.inFlight++;
    if (this.inFlight > this.peakInFlight) this.peakInFlight = this.inFlight;
    const entry: Admitted = { startedAt: performance.now(), cancel };
    this.admitted.add(entry);
    this.ensureSweeper();
    return Promise.resolve(start()).then(
      (value) => {
        this.settle(asProbe, entry, null);
        return value;
      },
      (error: unknown) => {
        this.settle(asProbe, entry, error);
        throw error;
      },
    );
  }

  private settle(asProbe: boolean, entry: Admitted, error: unknown): void {
    this.admitted.delete(entry);
    this.inFlight--;
    if (asProbe) this.probeOut = false;
    if (error === null) this.down = false;
    else if (isConnectionError(error)) this.down = true;
  }

  private ensureSweeper(): void {
    if (this.sweeper) return;
    const { deadlineMs } = this.options;
    this.sweeper = setInterval(() => {
      // Stops itself when idle, so a quiet process holds no timer; the next query starts it again.
      if (this.admitted.size === 0) return this.stopSweeper();
      const cutoff = performance.now() - deadlineMs;
      for (const entry of this.admitted) {
        if (entry.startedAt > cutoff) continue;
        this.admitted.delete(entry); // cancelled once; the query's own rejection settles it
        void Promise.resolve(entry.cancel()).catch(() => {});
      }
    }, Math.max(10, Math.ceil(deadlineMs / 4)));
    this.sweeper.unref?.();
  }
}
