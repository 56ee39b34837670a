/**
 * Shared setup for the impersonation suites: users created straight in the server's scratch PostgreSQL
 * database (one fresh set per test, so tests never share a session), sign-in helpers, and an auditor
 * (a separate admin) who reads the audit log and the live impersonations through the API.
 */
import { expect } from "vitest";
import { sql } from "drizzle-orm";
import { accessGrants, type UserRole, type UserStatus } from "@/lib/db/schema";
import { createUser, TEST_PASSWORD } from "../../support/fixtures";
import { SESSION_COOKIE, type HttpClient, type HttpResponse, type Json } from "./client";
import type { TestServer } from "./server";

export interface Person {
  id: string;
  email: string;
  name: string;
  role: UserRole;
  status: UserStatus;
}

export function makePerson(t: TestServer, role: UserRole = "user", status: UserStatus = "active"): Promise<Person> {
  if (!t.db) throw new Error("impersonation suites need the PostgreSQL backend");
  return createUser(t.db.db, { role, status });
}

/** A browser signed in as `person` (with the fixture password). */
export async function signIn(t: TestServer, person: Person, userAgent = `browser-of-${person.role}`): Promise<HttpClient> {
  const c = t.client(userAgent);
  await c.loginAs(person.email, TEST_PASSWORD);
  return c;
}

export const REASON = "Customer reported a broken invoice page";
export const TICKET = "SUP-1234";

export function startImpersonating(c: HttpClient, targetId: string, body: Record<string, unknown> = { reason: REASON, ticket: TICKET }) {
  return c.post(`/api/admin/impersonate/${targetId}`, body);
}

/** The user's consent, written straight into the scratch database (the /account form is a server action). */
export async function grantConsent(t: TestServer, person: Person, scope: "read" | "write", windowMs = 3600_000): Promise<void> {
  const now = Date.now();
  await t.db!.db.insert(accessGrants).values({ userId: person.id, scope, grantedAt: new Date(now), expiresAt: new Date(now + windowMs) });
}

export function stopImpersonating(c: HttpClient) {
  return c.delete("/api/admin/impersonate");
}

export interface AuditPage {
  total: number;
  events: Json[];
}

/** Reads the audit log as a staff member who is not impersonating. */
export async function readAudit(auditor: HttpClient, filter: { action?: string; actorId?: string; subjectId?: string }): Promise<AuditPage> {
  const query = new URLSearchParams({ ...filter, pageSize: "50" });
  const res = await auditor.get(`/api/admin/audit?${query}`);
  if (res.status !== 200) throw new Error(`audit read failed: ${res.status} ${res.text}`);
  return { total: res.body.total, events: res.body.events };
}

export async function countSessionRows(t: TestServer): Promise<number> {
  const rows = await t.db!.db.execute<{ n: number }>(sql`select count(*)::int as n from sessions`);
  return (rows as unknown as { n: number }[])[0]!.n;
}

export async function liveImpersonationIds(auditor: HttpClient): Promise<string[]> {
  const res = await auditor.get("/api/admin/impersonations");
  if (res.status !== 200) throw new Error(`impersonations read failed: ${res.status} ${res.text}`);
  return (res.body.impersonations as { sessionId: string }[]).map((i) => i.sessionId).sort();
}

/** What a refusal must leave untouched, plus the audit counters it must move by exactly one. */
async function snapshot(t: TestServer, auditor: HttpClient, caller: HttpClient, actorId: string) {
  const me = await caller.whoami();
  return {
    me: me ? { user: me.user, originalUser: me.originalUser, isImpersonating: me.isImpersonating, impersonation: me.impersonation } : null,
    cookie: caller.sessionCookie,
    sessionRows: await countSessionRows(t),
    live: await liveImpersonationIds(auditor),
    byActor: (await readAudit(auditor, { actorId })).total,
    denied: await readAudit(auditor, { actorId, action: "impersonation.denied" }),
  };
}

/**
 * Runs a refused attempt and checks the contract of every refusal: the status and code, exactly one new
 * `impersonation.denied` row carrying that code, and nothing else changed (identity, cookie, sessions,
 * live impersonations, other audit rows).
 */
export async function expectRefusal(
  ctx: { t: TestServer; auditor: HttpClient; caller: HttpClient; actorId: string },
  attempt: () => Promise<HttpResponse>,
  expected: { status: number; code: string },
): Promise<Json> {
  const before = await snapshot(ctx.t, ctx.auditor, ctx.caller, ctx.actorId);
  const res = await attempt();
  expect(res.status, res.text).toBe(expected.status);
  expect(res.body?.error?.code).toBe(expected.code);
  expect(res.setCookies.filter((line) => line.startsWith(`${SESSION_COOKIE}=`))).toEqual([]);
  const after = await snapshot(ctx.t, ctx.auditor, ctx.caller, ctx.actorId);
  expect(after.denied.total).toBe(before.denied.total + 1);
  expect(after.denied.events[0].metadata.code).toBe(expected.code);
  expect(after.byActor).toBe(before.byActor + 1);
  expect(after.me).toEqual(before.me);
  expect(after.cookie).toBe(before.cookie);
  expect(after.sessionRows).toBe(before.sessionRows);
  expect(after.live).toEqual(before.live);
  return after.denied.events[0];
}
