/** Shared by the topology helpers: probing for Debian's binaries, and stopping a child process by pid. */
import { spawnSync, type ChildProcess } from "node:child_process";
import { REQUIRE_SERVICES, type ServiceProbe } from "../../support/services";

/** Every command answers (`[binary, ...args]`), or the suites that need them skip (fail under REQUIRE_SERVICES=1). */
export function probeCommands(commands: string[][], what: string, install: string): ServiceProbe {
  if (commands.every(([bin, ...args]) => spawnSync(bin!, args, { stdio: "ignore" }).status === 0)) return { ok: true, url: what };
  const message = `${what} not installed (apt-get install ${install})`;
  if (REQUIRE_SERVICES) throw new Error(`REQUIRE_SERVICES=1: ${message}`);
  console.warn(`\n[skip] ${message}: the tests that need it are skipped. Set REQUIRE_SERVICES=1 to make this a failure.\n`);
  return { ok: false, url: "PATH", why: "not installed" };
}

/** Sends `signal`, then SIGKILL after 5 s, and waits for the exit. */
export async function stopChild(child: ChildProcess | null, signal: NodeJS.Signals): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once("exit", r));
  child.kill(signal);
  const timer = setTimeout(() => child.kill("SIGKILL"), 5000);
  await exited;
  clearTimeout(timer);
}
