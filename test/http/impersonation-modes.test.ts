/**
 * Read-only impersonation against the running app: every mutating API route (from the route table of
 * app/api) and every server action (from the build's server-reference manifest) is refused with 403
 * IMPERSONATION_READ_ONLY and leaves every table as it was (rows diffed); reads and page loads work; the
 * exits (stop, sign out) work. The write twin: the same requests get past the guard to their own rules.
 * `/api/auth/user` shows the mode and the actor (`act`). Real `next start`, PostgreSQL and Redis.
 */
import path from "node:path";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { scanApiRoutes } from "@/lib/http/api-route-scan";
import type { HttpClient, HttpResponse } from "./support/client";
import { grantConsent, makePerson, signIn, startImpersonating, stopImpersonating } from "./support/impersonation";
import { startTestServer, type TestServer } from "./support/server";
import { discoverServerActions, fillTemplate, unusedId, type ServerAction } from "./security/support";
import { probePostgres } from "../support/services";

const pg = (await probePostgres()).ok;
const ROOT = path.resolve(import.meta.dirname, "../..");
const EXITS = new Set(["DELETE /api/admin/impersonate", "POST /api/auth/logout"]);
const EXIT_ACTIONS = new Set(["signOutAction", "stopImpersonationAction"]);
const READ_METHODS = new Set(["GET", "HEAD"]);

const mutatingRoutes = scanApiRoutes(path.join(ROOT, "app/api"))
  .filter((r) => !r.pattern.includes("[..."))
  .flatMap((r) => r.methods.filter((m) => !READ_METHODS.has(m)).map((method) => ({ method, pattern: r.pattern })));
const actions = discoverServerActions();

/** Every row of every table, as JSON text; a session's sliding expiry may move on a read, so it is left out. */
async function allRows(t: TestServer): Promise<Record<string, string[]>> {
  const db = t.db!.db;
  const tables = (await db.execute<{ name: string }>(sql`select table_name as name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE' order by 1`)) as unknown as { name: string }[];
  const out: Record<string, string[]> = {};
  for (const { name } of tables) {
    const rows = (await db.execute(sql.raw(`select (to_jsonb(t) - 'last_seen_at' - 'expires_at')::text as row from "${name}" t`))) as unknown as { row: string }[];
    out[name] = rows.map((r) => r.row).sort();
  }
  return out;
}

function callAction(c: HttpClient, action: ServerAction): Promise<HttpResponse> {
  return c.request("POST", fillTemplate(action.pages[0] ?? "/", unusedId), {
    body: "[]",
    headers: { "next-action": action.id, "content-type": "text/plain;charset=UTF-8", accept: "text/x-component" },
  });
}

/** The flash a refused action leaves for its page (app/_lib/flash-cookie.ts): the error code it carries. */
const flashError = (res: HttpResponse) =>
  res.setCookies
    .filter((line) => line.startsWith("nsi_flash="))
    .map((line) => new URLSearchParams(decodeURIComponent(line.split(";")[0]!.slice("nsi_flash=".length)).split("?")[1] ?? "").get("error"))[0] ?? null;

const requestRoute = (c: HttpClient, route: { method: string; pattern: string }, ids: { userId: string }) =>
  c.request(route.method, fillTemplate(route.pattern, (p) => (p.name === "userId" ? ids.userId : unusedId(p))), { json: {} });

describe.skipIf(!pg)("read-only impersonation over HTTP", () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer({ database: "postgres" });
  });
  afterAll(async () => t?.stop());

  async function impersonation(mode: "read" | "write") {
    const admin = await makePerson(t, "admin");
    const target = await makePerson(t, "user");
    if (mode === "write") await grantConsent(t, target, "write");
    const browser = await signIn(t, admin);
    const started = await startImpersonating(browser, target.id, { reason: "Customer reported a broken invoice page", mode });
    expect(started.status, started.text).toBe(200);
    expect(started.body.mode).toBe(mode);
    return { admin, target, browser };
  }

  it("covers every mutating route of the app and every server action of the build", () => {
    expect(mutatingRoutes.length).toBeGreaterThan(12);
    expect(actions.length).toBeGreaterThan(10);
  });

  it("shows the mode and the actor in /api/auth/user", async () => {
    const { admin, target, browser } = await impersonation("read");
    const me = await browser.whoami();
    expect(me.user.id).toBe(target.id);
    expect(me.impersonation.mode).toBe("read");
    expect(me.act).toEqual({ sub: admin.id, email: admin.email, role: "admin" });
  });

  it("refuses every mutating API route with 403 IMPERSONATION_READ_ONLY and changes no row", async () => {
    const { target, browser } = await impersonation("read");
    const before = await allRows(t);
    const answers: string[] = [];
    for (const route of mutatingRoutes) {
      if (EXITS.has(`${route.method} ${route.pattern}`)) continue;
      const res = await requestRoute(browser, route, { userId: target.id });
      // 405 stubs read and change nothing, so they answer as always; every real handler is refused.
      if (res.status === 405) continue;
      answers.push(`${route.method} ${route.pattern} ${res.status} ${res.body?.error?.code}`);
    }
    expect(answers.length).toBeGreaterThan(10);
    expect(answers.filter((a) => !a.endsWith(" 403 IMPERSONATION_READ_ONLY"))).toEqual([]);
    expect(await allRows(t)).toEqual(before);
    expect((await browser.whoami()).impersonation.mode).toBe("read");
  });

  it("refuses every server action with IMPERSONATION_READ_ONLY (a message on the page, not a crash) and changes no row", async () => {
    const { browser } = await impersonation("read");
    const before = await allRows(t);
    const refused: string[] = [];
    for (const action of actions) {
      if (EXIT_ACTIONS.has(action.exportedName)) continue;
      const res = await callAction(browser, action);
      refused.push(`${action.exportedName} ${res.status < 500 ? "ok" : res.status} ${flashError(res)}`);
    }
    expect(refused.filter((r) => !r.endsWith(" ok IMPERSONATION_READ_ONLY"))).toEqual([]);
    expect(await allRows(t)).toEqual(before);
    expect((await browser.whoami()).impersonation.mode).toBe("read");
  });

  it("serves reads and page loads to a read-only impersonation", async () => {
    const { browser } = await impersonation("read");
    for (const page of ["/", "/account"]) {
      const res = await browser.get(page);
      expect(res.status, page).toBe(200);
      expect(res.text).toContain("read-only");
    }
    expect((await browser.get("/api/auth/user")).status).toBe(200);
  });

  it("lets a read-only impersonation stop, and sign out", async () => {
    const { admin, browser } = await impersonation("read");
    const stopped = await stopImpersonating(browser);
    expect(stopped.status, stopped.text).toBe(200);
    expect((await browser.whoami()).user.id).toBe(admin.id);

    const second = await impersonation("read");
    const out = await second.browser.post("/api/auth/logout");
    expect(out.status, out.text).toBe(200);
    expect(await second.browser.whoami()).toBeNull();
  });

  it("lets a write impersonation past the guard to each route's own rule (the twin)", async () => {
    const { target, browser } = await impersonation("write");
    const me = await browser.whoami();
    expect(me.impersonation.mode).toBe("write");
    const readOnly: string[] = [];
    for (const route of mutatingRoutes) {
      if (EXITS.has(`${route.method} ${route.pattern}`)) continue;
      const res = await requestRoute(browser, route, { userId: target.id });
      if (res.body?.error?.code === "IMPERSONATION_READ_ONLY") readOnly.push(`${route.method} ${route.pattern}`);
      // A route may have ended this impersonation (signing in anew replaces the cookie); start again.
      if ((await browser.whoami())?.impersonation?.mode !== "write") break;
    }
    expect(readOnly).toEqual([]);
    for (const action of actions.filter((a) => !EXIT_ACTIONS.has(a.exportedName)).slice(0, 5)) {
      expect(flashError(await callAction(browser, action)), action.exportedName).not.toBe("IMPERSONATION_READ_ONLY");
    }
  });

  it("refuses a write impersonation without the user's grant with CONSENT_REQUIRED", async () => {
    const admin = await makePerson(t, "admin");
    const target = await makePerson(t, "user");
    const browser = await signIn(t, admin);
    const res = await startImpersonating(browser, target.id, { reason: "Customer reported a broken invoice page", mode: "write" });
    expect(res.status, res.text).toBe(403);
    expect(res.body.error.code).toBe("CONSENT_REQUIRED");
  });
});
