import { spawn } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { openDatabase } from "./client";
import { DatabaseLockedError, lockFileFor } from "./pglite-lock";

/** Starts another process that opens the same PGlite folder and holds it until killed. */
async function holdInChild(dataDir: string): Promise<() => Promise<void>> {
  const script = path.join(mkdtempSync(path.join(os.tmpdir(), "nsi-lock-")), "hold.mts");
  writeFileSync(
    script,
    `import { openDatabase } from ${JSON.stringify(path.resolve("lib/db/client.ts"))};
     await openDatabase({ pgliteDir: ${JSON.stringify(dataDir)} });
     console.log("ready");
     setInterval(() => {}, 1000);`,
  );
  const child = spawn(process.execPath, ["--import", "tsx", script], { stdio: ["ignore", "pipe", "inherit"] });
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on("data", (d: Buffer) => d.toString().includes("ready") && resolve());
    child.once("exit", (code) => reject(new Error(`holder exited with ${code}`)));
  });
  // Resolve only once the child is reaped: until then its pid still answers signal 0 (a zombie looks alive).
  return async () => {
    const exited = new Promise((r) => child.once("exit", r));
    child.kill("SIGKILL");
    await exited;
  };
}

describe("embedded PGlite ownership", () => {
  it("refuses a second process with a clear error naming the owner", async () => {
    const dataDir = path.join(mkdtempSync(path.join(os.tmpdir(), "nsi-pglite-")), "db");
    const stop = await holdInChild(dataDir);
    try {
      const error = await openDatabase({ pgliteDir: dataDir }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DatabaseLockedError);
      expect((error as Error).message).toMatch(/already open in process \d+/);
      expect((error as Error).message).toMatch(/DATABASE_URL/);
    } finally {
      await stop();
    }
  });

  it("takes over the lock left behind by a crashed owner", async () => {
    const dataDir = path.join(mkdtempSync(path.join(os.tmpdir(), "nsi-pglite-")), "db");
    const stop = await holdInChild(dataDir);
    await stop();
    const database = await openDatabase({ pgliteDir: dataDir });
    await database.ping();
    await database.close();
  });

  it("lets the same process reopen its own folder after closing", async () => {
    const dataDir = path.join(mkdtempSync(path.join(os.tmpdir(), "nsi-pglite-")), "db");
    const first = await openDatabase({ pgliteDir: dataDir });
    await first.close();
    const second = await openDatabase({ pgliteDir: dataDir });
    await second.ping();
    await second.close();
    expect(lockFileFor(dataDir)).toMatch(/db\.lock$/);
  });
});
