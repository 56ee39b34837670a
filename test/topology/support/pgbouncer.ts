/**
 * A private PgBouncer on a free port in front of a private PostgreSQL cluster, in transaction mode by
 * default. PgBouncer refuses to run as root, so under root it runs as the `postgres` OS user,
 * like the private cluster. Stopped by pid.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { chownSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { freePort, waitForPort, type ServiceProbe } from "../../support/services";
import { probeCommands, stopChild } from "./processes";

let probe: ServiceProbe | undefined;
export function probePgBouncer(): ServiceProbe {
  probe ??= probeCommands([["pgbouncer", "--version"]], "pgbouncer", "pgbouncer");
  return probe;
}

export interface PgBouncerOptions {
  poolMode?: "transaction" | "session";
  poolSize?: number;
}

export class PrivatePgBouncer {
  private child: ChildProcess | null = null;
  private constructor(
    readonly port: number,
    private readonly dir: string,
  ) {}

  static async start(postgresPort: number, options: PgBouncerOptions = {}): Promise<PrivatePgBouncer> {
    const port = await freePort();
    const dir = mkdtempSync(path.join(os.tmpdir(), "nsi-pgbouncer-"));
    const ini = [
      "[databases]",
      `* = host=127.0.0.1 port=${postgresPort}`,
      "[pgbouncer]",
      "listen_addr = 127.0.0.1",
      `listen_port = ${port}`,
      "unix_socket_dir =",
      "auth_type = trust",
      `auth_file = ${path.join(dir, "userlist.txt")}`,
      `pool_mode = ${options.poolMode ?? "transaction"}`,
      `default_pool_size = ${options.poolSize ?? 4}`,
      "max_client_conn = 500",
      // postgres.js sends statement_timeout as a startup parameter (DB_STATEMENT_TIMEOUT_MS); PgBouncer refuses
      // unknown ones unless told to ignore them.
      "ignore_startup_parameters = statement_timeout,extra_float_digits,options",
      `logfile = ${path.join(dir, "pgbouncer.log")}`,
    ].join("\n");
    writeFileSync(path.join(dir, "pgbouncer.ini"), ini + "\n");
    writeFileSync(path.join(dir, "userlist.txt"), '"postgres" ""\n');
    let owner: { uid: number; gid: number } | undefined;
    if (process.getuid?.() === 0) {
      const uid = Number(spawnSync("id", ["-u", "postgres"], { encoding: "utf8" }).stdout.trim());
      const gid = Number(spawnSync("id", ["-g", "postgres"], { encoding: "utf8" }).stdout.trim());
      owner = { uid, gid };
      for (const f of ["", "pgbouncer.ini", "userlist.txt"]) chownSync(path.join(dir, f), uid, gid);
    }
    const bouncer = new PrivatePgBouncer(port, dir);
    // spawn's uid/gid switch user without a wrapper process, so the child pid is pgbouncer's own.
    bouncer.child = spawn("pgbouncer", [path.join(dir, "pgbouncer.ini")], { stdio: "ignore", ...owner });
    await waitForPort(port, 10_000);
    return bouncer;
  }

  urlFor(database: string): string {
    return `postgres://postgres@127.0.0.1:${this.port}/${database}`;
  }

  async stop(): Promise<void> {
    await stopChild(this.child, "SIGINT");
    this.child = null;
    rmSync(this.dir, { recursive: true, force: true });
  }
}
