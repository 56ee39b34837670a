/**
 * Free TCP ports picked synchronously, because playwright.config.ts is evaluated synchronously and must know
 * its baseURLs before the web server starts. A child Node process binds port 0 and reports what it got.
 */
import { spawnSync } from "node:child_process";

const PICK_PORTS = `
const net = require("node:net");
const count = Number(process.argv[1]);
const servers = [];
const ports = [];
let pending = count;
for (let i = 0; i < count; i++) {
  const server = net.createServer();
  servers.push(server);
  server.listen(0, "127.0.0.1", () => {
    ports.push(server.address().port);
    if (--pending === 0) {
      // Every port is held until all are chosen, so the same port is never handed out twice.
      process.stdout.write(ports.join(","));
      for (const s of servers) s.close();
    }
  });
}
`;

export function pickFreePortsSync(count: number): number[] {
  const result = spawnSync(process.execPath, ["-e", PICK_PORTS, String(count)], { encoding: "utf8" });
  if (result.status !== 0) throw new Error(`e2e: could not pick free ports: ${result.stderr}`);
  const ports = result.stdout.trim().split(",").map(Number);
  if (ports.length !== count || ports.some((p) => !Number.isInteger(p) || p <= 0)) {
    throw new Error(`e2e: unexpected port list "${result.stdout}"`);
  }
  return ports;
}
