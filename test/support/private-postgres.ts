/**
 * A private PostgreSQL cluster on a free port, created with initdb in a temp folder, that a fault test may
 * stop, start and restart at will without touching the shared server on 5432.
 *
 * initdb refuses to run as root, so under root every PostgreSQL binary runs as the `postgres` OS user
 * (runuser) and the temp folder is handed to that user. Without the binaries, the suites that need a
 * private cluster are skipped with a message, or fail under REQUIRE_SERVICES=1.
 */
import { spawnSync } from "node:child_process";
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import postgres from "postgres";
import { freePort, REQUIRE_SERVICES, type ServiceProbe } from "./services";

const PG_ROOT = "/usr/lib/postgresql";

/** The newest installed server's bin folder (PG_BIN overrides), or null. */
function findBinDir(): string | null {
  if (process.env.PG_BIN) return existsSync(path.join(process.env.PG_BIN, "initdb")) ? process.env.PG_BIN : null;
  if (!existsSync(PG_ROOT)) return null;
  const versions = readdirSync(PG_ROOT)
    .filter((v) => existsSync(path.join(PG_ROOT, v, "bin", "initdb")))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] ? path.join(PG_ROOT, versions[0], "bin") : null;
}

const isRoot = () => process.getuid?.() === 0;

function postgresUser(): { uid: number; gid: number } | null {
  const uid = spawnSync("id", ["-u", "postgres"], { encoding: "utf8" });
  const gid = spawnSync("id", ["-g", "postgres"], { encoding: "utf8" });
  if (uid.status !== 0 || gid.status !== 0) return null;
  return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
}

let probe: ServiceProbe | undefined;
/** Can this machine run a private cluster? Skips (or throws under REQUIRE_SERVICES=1) with the reason. */
export function probePrivatePostgres(): ServiceProbe {
  probe ??= (() => {
    const bin = findBinDir();
    let why: string | undefined;
    if (!bin) why = `no initdb under ${PG_ROOT}/*/bin (set PG_BIN)`;
    else if (isRoot() && !postgresUser()) why = "running as root and there is no `postgres` OS user for initdb";
    else if (isRoot() && spawnSync("runuser", ["--help"], { stdio: "ignore" }).status !== 0) why = "running as root without runuser";
    if (!why) return { ok: true, url: bin! };
    const message = `private PostgreSQL cluster unavailable (${why})`;
    if (REQUIRE_SERVICES) throw new Error(`REQUIRE_SERVICES=1: ${message}`);
    console.warn(`\n[skip] ${message}: the fault tests that need it are skipped. Set REQUIRE_SERVICES=1 to make this a failure.\n`);
    return { ok: false, url: PG_ROOT, why };
  })();
  return probe;
}

export class PrivatePostgres {
  private readonly dir: string;
  private readonly dataDir: string;
  private running = false;
  private readonly onExit = () => {
    this.thaw();
    this.run("pg_ctl", ["-D", this.dataDir, "-m", "immediate", "stop"]);
  };

  private constructor(
    private readonly bin: string,
    readonly port: number,
  ) {
    this.dir = mkdtempSync(path.join(os.tmpdir(), "nsi-pg-"));
    this.dataDir = path.join(this.dir, "data");
    const owner = isRoot() ? postgresUser() : null;
    if (owner) chownSync(this.dir, owner.uid, owner.gid);
  }

  /** initdb (trust auth, no fsync: a throwaway cluster) and start. */
  static async start(): Promise<PrivatePostgres> {
    const found = probePrivatePostgres();
    if (!found.ok) throw new Error(`private PostgreSQL unavailable: ${found.why}`);
    const pg = new PrivatePostgres(found.url, await freePort());
    pg.run("initdb", ["-D", pg.dataDir, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-sync", "--no-instructions"]);
    await pg.start();
    // A crashed test run must not leave a postmaster behind.
    process.once("exit", pg.onExit);
    return pg;
  }

  /** The maintenance database; apps get their own via createDatabase(). */
  get url(): string {
    return `postgres://postgres@127.0.0.1:${this.port}/postgres`;
  }

  urlFor(database: string): string {
    return `postgres://postgres@127.0.0.1:${this.port}/${database}`;
  }

  get isRunning(): boolean {
    return this.running;
  }

  async createDatabase(name: string): Promise<string> {
    const sql = postgres(this.url, { max: 1, onnotice: () => {} });
    try {
      await sql.unsafe(`create database ${name}`);
    } finally {
      await sql.end({ timeout: 1 });
    }
    return this.urlFor(name);
  }

  async start(): Promise<void> {
    this.run("pg_ctl", ["-D", this.dataDir, "-o", this.serverOptions(), "-l", path.join(this.dir, "server.log"), "-w", "-t", "30", "start"]);
    this.running = true;
  }

  /** Fast shutdown: open connections are terminated (clients see 57P01), like a failover or a restart. */
  async stop(): Promise<void> {
    this.run("pg_ctl", ["-D", this.dataDir, "-m", "fast", "-w", "-t", "30", "stop"]);
    this.running = false;
  }

  async restart(): Promise<void> {
    this.run("pg_ctl", ["-D", this.dataDir, "-o", this.serverOptions(), "-l", path.join(this.dir, "server.log"), "-m", "fast", "-w", "-t", "30", "restart"]);
    this.running = true;
  }

  /**
   * SIGSTOP to the postmaster and every backend: the server still accepts TCP connections (the kernel's
   * backlog) but answers nothing, like a hung host or a black-holed network. thaw() undoes it.
   */
  freeze(): void {
    this.signalCluster("SIGSTOP");
  }

  thaw(): void {
    this.signalCluster("SIGCONT");
  }

  private signalCluster(signal: "SIGSTOP" | "SIGCONT"): void {
    const pidFile = path.join(this.dataDir, "postmaster.pid");
    if (!existsSync(pidFile)) return;
    const postmaster = Number(readFileSync(pidFile, "utf8").split("\n")[0]);
    const children = spawnSync("pgrep", ["-P", String(postmaster)], { encoding: "utf8" }).stdout.split("\n").filter(Boolean).map(Number);
    // Children first on stop (none can notice a stopped parent), parent first on continue.
    const order = signal === "SIGSTOP" ? [...children, postmaster] : [postmaster, ...children];
    for (const pid of order) {
      try {
        process.kill(pid, signal);
      } catch {
        // exited meanwhile
      }
    }
  }

  /** Stops the cluster and deletes its folder. */
  async destroy(): Promise<void> {
    process.off("exit", this.onExit);
    this.thaw();
    if (this.running) await this.stop().catch(() => {});
    rmSync(this.dir, { recursive: true, force: true });
  }

  log(): string {
    try {
      return readFileSync(path.join(this.dir, "server.log"), "utf8");
    } catch {
      return "";
    }
  }

  private serverOptions(): string {
    // fsync off: this cluster is thrown away; durability is not what the fault tests measure.
    return `-p ${this.port} -k ${this.dir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200`;
  }

  private run(tool: string, args: string[]): string {
    const binary = path.join(this.bin, tool);
    const [command, argv] = isRoot() ? ["runuser", ["-u", "postgres", "--", binary, ...args]] : [binary, args];
    const result = spawnSync(command as string, argv as string[], { encoding: "utf8", cwd: this.dir, timeout: 60_000 });
    if (result.status !== 0) {
      throw new Error(`${tool} ${args.join(" ")} failed (${result.status}):\n${result.stdout}\n${result.stderr}\n${this.log().slice(-2000)}`);
    }
    return result.stdout;
  }
}
