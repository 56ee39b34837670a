/**
 * A private nginx on a free port terminating TLS (a self-signed certificate made here with openssl, valid
 * for 127.0.0.1) in front of app instances, configured as deploy/nginx.conf (used by compose.yaml): it
 * overwrites X-Forwarded-Proto/-Host, appends the client address to X-Forwarded-For, and retries the next
 * instance when one refuses connections (a draining instance). Runs in the foreground; stopped by pid.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import https from "node:https";
import os from "node:os";
import path from "node:path";
import { freePort, waitForPort, type ServiceProbe } from "../../support/services";
import { probeCommands, stopChild } from "./processes";

let probe: ServiceProbe | undefined;
export function probeNginx(): ServiceProbe {
  probe ??= probeCommands([["nginx", "-v"], ["openssl", "version"]], "nginx / openssl", "nginx openssl");
  return probe;
}

/** The server block's proxy settings: the part a deployment copies (README "Deploying"). */
export function proxyLocation(upstream: string): string {
  return `
    location / {
      proxy_pass http://${upstream};
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $http_host;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
      proxy_set_header X-Forwarded-Proto $scheme;
      proxy_set_header X-Forwarded-Host $http_host;
      proxy_connect_timeout 2s;
      proxy_next_upstream error timeout;
      proxy_next_upstream_tries 2;
    }`;
}

export class PrivateNginx {
  private child: ChildProcess | null = null;
  private readonly down = new Set<number>();
  private constructor(
    readonly port: number,
    private readonly dir: string,
    readonly ca: string,
    private readonly upstreamPorts: number[],
  ) {}

  static async start(upstreamPorts: number[]): Promise<PrivateNginx> {
    const port = await freePort();
    const dir = mkdtempSync(path.join(os.tmpdir(), "nsi-nginx-"));
    const cert = path.join(dir, "cert.pem");
    const key = path.join(dir, "key.pem");
    const made = spawnSync(
      "openssl",
      ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert, "-days", "1", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"],
      { encoding: "utf8" },
    );
    if (made.status !== 0) throw new Error(`openssl failed: ${made.stderr}`);
    for (const sub of ["body", "proxy", "fastcgi", "uwsgi", "scgi"]) mkdirSync(path.join(dir, sub));
    const nginx = new PrivateNginx(port, dir, readFileSync(cert, "utf8"), upstreamPorts);
    nginx.writeConfig();
    // -g "daemon off;": the child is nginx's master process itself, stopped by its pid.
    nginx.child = spawn("nginx", ["-p", dir, "-c", path.join(dir, "nginx.conf"), "-g", "daemon off; user root;"], { stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    nginx.child.stderr!.on("data", (d: Buffer) => (stderr += d.toString()));
    await waitForPort(port, 10_000).catch((error: unknown) => {
      throw new Error(`nginx did not start: ${stderr} ${String(error)}`);
    });
    return nginx;
  }

  /**
   * Takes an instance out of (or back into) the upstream and reloads nginx, as a deploy script does around a
   * restart: nginx without active health checks would otherwise send requests to an instance that listens
   * but has not finished starting, and they would wait for it.
   */
  async setDown(upstreamPort: number, down: boolean): Promise<void> {
    if (down) this.down.add(upstreamPort);
    else this.down.delete(upstreamPort);
    this.writeConfig();
    this.child?.kill("SIGHUP");
    // New workers take over within a moment; old ones finish their requests and exit.
    await new Promise((r) => setTimeout(r, 500));
  }

  private writeConfig(): void {
    const dir = this.dir;
    const servers = this.upstreamPorts
      .map((p) => `server 127.0.0.1:${p} max_fails=1 fail_timeout=1s${this.down.has(p) ? " down" : ""};`)
      .join("\n      ");
    const conf = `
worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path ${dir}/body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  upstream app {
      ${servers}
      keepalive 32;
  }
  server {
    listen 127.0.0.1:${this.port} ssl;
    ssl_certificate ${dir}/cert.pem;
    ssl_certificate_key ${dir}/key.pem;
    ${proxyLocation("app")}
  }
}
`;
    writeFileSync(path.join(dir, "nginx.conf"), conf);
  }

  get url(): string {
    return `https://127.0.0.1:${this.port}`;
  }

  /** A keep-alive agent that trusts this proxy's certificate (and nothing else). */
  agent(maxSockets = 50): https.Agent {
    return new https.Agent({ keepAlive: true, maxSockets, ca: this.ca });
  }

  async stop(): Promise<void> {
    await stopChild(this.child, "SIGQUIT");
    this.child = null;
    rmSync(this.dir, { recursive: true, force: true });
  }
}
