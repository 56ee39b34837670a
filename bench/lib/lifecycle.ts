/**
 * Every benchmark stops by itself: resources register a cleanup (servers, private redis-servers, scratch
 * databases), and cleanups run on success, on failure, on Ctrl-C and when the hard time limit is reached.
 * Without this an aborted run would leave `next start` or `redis-server` orphans behind on a shared machine.
 */
type Cleanup = () => Promise<unknown> | unknown;

const cleanups: Cleanup[] = [];
let cleaning: Promise<void> | null = null;

/** Registers `fn` to run at exit (last registered runs first). Returns `fn` for chaining. */
export function defer<T extends Cleanup>(fn: T): T {
  cleanups.push(fn);
  return fn;
}

function runCleanups(): Promise<void> {
  cleaning ??= (async () => {
    while (cleanups.length > 0) {
      const fn = cleanups.pop()!;
      try {
        await Promise.race([fn(), new Promise((r) => setTimeout(r, 15_000).unref())]);
      } catch (error) {
        console.error("cleanup failed:", error instanceof Error ? error.message : error);
      }
    }
  })();
  return cleaning;
}

/**
 * Runs a benchmark's `main`, then its cleanups, then exits (stray handles such as pools or reconnecting
 * clients must not keep the process alive). BENCH_TIMEOUT_S (default 600) bounds the whole run.
 */
export function runBench(main: () => Promise<void>): void {
  const limitS = Number(process.env.BENCH_TIMEOUT_S ?? "600");
  const exit = (code: number) => void runCleanups().finally(() => process.exit(code));
  const timer = setTimeout(() => {
    console.error(`benchmark exceeded BENCH_TIMEOUT_S=${limitS}: stopping`);
    exit(2);
  }, limitS * 1000);
  timer.unref();
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.once(signal, () => {
      console.error(`${signal}: stopping`);
      exit(130);
    });
  }
  main().then(
    () => exit(0),
    (error: unknown) => {
      console.error(error instanceof Error ? (error.stack ?? error.message) : error);
      exit(1);
    },
  );
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
