/**
 * Startup check for `DB_PREPARE=true`: does a named prepared statement survive from one transaction to the
 * next on DATABASE_URL? A direct connection and a session-mode pooler keep one server session per client
 * connection, so it always does. A transaction-mode pooler hands each transaction to any server connection:
 * without prepared-statement support (PgBouncer before 1.21, or with max_prepared_statements=0, and
 * other proxies) the statement is missing there and queries inside transactions fail at random.
 *
 * The check makes the pooler show itself: client A runs a prepared query and learns its backend pid, client B
 * opens a transaction and holds it; if B got A's backend, only a transaction pooler could have given it away,
 * and A's prepared statement is then run again inside a transaction on whatever backend A gets next.
 */
import postgres from "postgres";

export type PoolerVerdict =
  /** One server session per client connection: direct Postgres or a session-mode pooler. */
  | "session"
  /** A transaction-mode pooler that re-prepares statements on the server connection it picks. */
  | "transaction-keeps-prepared"
  /** A transaction-mode pooler that drops prepared statements between transactions. */
  | "transaction-drops-prepared";

const ROUNDS = 3;
const STEP_TIMEOUT_MS = 2000;

function within<T>(work: Promise<T>, ms: number): Promise<T | "timeout"> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<"timeout">((resolve) => (timer = setTimeout(() => resolve("timeout"), ms)));
  work.catch(() => {});
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

export async function probePooler(url: string, connectTimeoutS = 5): Promise<PoolerVerdict> {
  const options = { max: 1, connect_timeout: connectTimeoutS, idle_timeout: 1, onnotice: () => {} };
  const a = postgres(url, { ...options, prepare: true, connection: { application_name: "nsi-pooler-probe" } });
  const b = postgres(url, { ...options, prepare: false, connection: { application_name: "nsi-pooler-probe" } });
  const pidOf = (rows: { pid: number }[]) => Number(rows[0]!.pid);
  try {
    for (let round = 0; round < ROUNDS; round++) {
      const mine = pidOf(await a`select pg_backend_pid() as pid`);
      let release = () => {};
      const held = new Promise<void>((resolve) => (release = resolve));
      let pinned: (pid: number) => void = () => {};
      const pinnedPid = new Promise<number>((resolve) => (pinned = resolve));
      const transaction = b.begin(async (tx) => {
        pinned(pidOf(await tx`select pg_backend_pid() as pid`));
        await held;
      });
      try {
        const other = await Promise.race([pinnedPid, transaction.then(() => -1)]);
        if (other !== mine) continue;
        // A's backend now serves B's transaction: A is pooled per transaction. Its next transaction
        // lands elsewhere; does its prepared statement exist there?
        const outcome = await within(
          a.begin((tx) => tx`select pg_backend_pid() as pid`).then(
            () => "kept" as const,
            () => "dropped" as const,
          ),
          STEP_TIMEOUT_MS,
        );
        // A timeout means the pooler has one server connection for this pool and A waited for B's:
        // nothing learned this round.
        if (outcome === "kept") return "transaction-keeps-prepared";
        if (outcome === "dropped") return "transaction-drops-prepared";
      } finally {
        release();
        await transaction.catch(() => {});
      }
    }
    return "session";
  } finally {
    await Promise.all([a.end({ timeout: 1 }), b.end({ timeout: 1 })]);
  }
}

/** The database URLs do not fit the pooler in front of Postgres: a startup error that no retry fixes. */
export class DatabaseTopologyError extends Error {
  constructor(
    readonly code: "DB_PREPARE_UNSUPPORTED" | "DB_MIGRATION_URL_REQUIRED",
    message: string,
  ) {
    super(message);
    this.name = "DatabaseTopologyError";
  }
}

/** Startup error for DB_PREPARE=true behind a pooler that drops prepared statements. */
export class PreparedStatementsUnsupportedError extends DatabaseTopologyError {
  constructor() {
    super(
      "DB_PREPARE_UNSUPPORTED",
      "DB_PREPARE=true, but DATABASE_URL goes through a transaction-mode pooler that does not keep prepared statements " +
        "between transactions (PgBouncer before 1.21 or with max_prepared_statements=0, Supavisor/Supabase port 6543, " +
        "RDS Proxy). Set DB_PREPARE=false, or point DATABASE_URL at a direct or session-mode connection.",
    );
  }
}

/** Migrations (their session-level advisory lock) refused through a transaction-mode pooler. */
export class MigrationNeedsDirectConnectionError extends DatabaseTopologyError {
  constructor() {
    super(
      "DB_MIGRATION_URL_REQUIRED",
      "DATABASE_URL goes through a transaction-mode pooler, where the migration lock cannot be held: set " +
        "DATABASE_MIGRATION_URL to a direct (or session-mode) connection, or run `npm run db:migrate` against one " +
        "and set DB_MIGRATE_ON_START=false.",
    );
  }
}
