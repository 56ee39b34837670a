/**
 * PGlite is a single-process database: two processes opening the same data folder corrupt it.
 * A lock file beside the folder makes one process its owner; any other gets a clear error.
 */
import { closeSync, mkdirSync, openSync, readFileSync, unlinkSync, writeSync } from "node:fs";
import path from "node:path";

export class DatabaseLockedError extends Error {
  constructor(
    readonly dataDir: string,
    readonly ownerPid: number,
  ) {
    super(
      `db: the embedded database at ${dataDir} is already open in process ${ownerPid}. ` +
        `PGlite allows one process at a time: stop that process (e.g. the running \`npm run dev\`), ` +
        `or set DATABASE_URL to use a PostgreSQL server that many processes can share.`,
    );
    this.name = "DatabaseLockedError";
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM means the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

export function lockFileFor(dataDir: string): string {
  return path.resolve(dataDir) + ".lock";
}

/** Takes the lock for this process (re-entrant within it). Returns a release function. */
export function acquirePgliteLock(dataDir: string): () => void {
  const file = lockFileFor(dataDir);
  mkdirSync(path.dirname(file), { recursive: true });
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = openSync(file, "wx", 0o600);
      writeSync(fd, String(process.pid));
      closeSync(fd);
      const release = () => {
        try {
          if (readFileSync(file, "utf8").trim() === String(process.pid)) unlinkSync(file);
        } catch {
          // Already gone.
        }
      };
      process.once("exit", release);
      return release;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      const owner = Number(readFileSync(file, "utf8").trim());
      if (owner === process.pid) return () => {};
      if (Number.isInteger(owner) && owner > 0 && isAlive(owner)) throw new DatabaseLockedError(dataDir, owner);
      // A crashed owner left its lock behind: take it over.
      try {
        unlinkSync(file);
      } catch {
        // Another process took it over first; the next attempt decides.
      }
    }
  }
  throw new Error(`db: could not take the lock ${file}`);
}
