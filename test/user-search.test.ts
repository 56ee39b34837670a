/**
 * Searching people (PGlite): the users list and the audit log's actor/subject filters match every word
 * of a search in a name or an email, in any order and any case, and a word that matches nobody empties
 * the result instead of being ignored.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listAuditEvents, recordAuditEvent } from "@/lib/audit/audit";
import { listUsers } from "@/lib/users/users";
import { createUser } from "./support/fixtures";
import { createTestRuntime, type TestRuntime } from "./support/runtime";

describe("searching people on PGlite", () => {
  let rt: TestRuntime;
  let ada: { id: string; email: string };
  let grace: { id: string; email: string };
  const tag = Math.random().toString(36).slice(2, 8);

  beforeAll(async () => {
    rt = await createTestRuntime({ backend: "pglite" });
    ada = await createUser(rt.database.db, { name: `Ada Lovelace${tag}`, email: `ada.${tag}@example.com` });
    grace = await createUser(rt.database.db, { name: `Grace Lovelace${tag}`, email: `grace.${tag}@example.com` });
    await recordAuditEvent(rt.database.db, { action: "impersonation.start", actorId: grace.id, subjectId: ada.id, reason: `search ${tag}` });
  });
  afterAll(async () => rt?.dispose());

  const names = async (q: string) => (await listUsers(rt.database.db, { q, pageSize: 100 })).items.map((u) => u.email).sort();

  it("finds a user by words in any order and any case", async () => {
    expect(await names(`lovelace${tag} ada`)).toEqual([ada.email]);
    expect(await names(`ADA LOVELACE${tag}`)).toEqual([ada.email]);
    expect(await names(`  lovelace${tag}   `)).toEqual([ada.email, grace.email].sort());
  });

  it("matches a word in the email as well as in the name", async () => {
    expect(await names(`lovelace${tag} grace.${tag}@`)).toEqual([grace.email]);
  });

  it("refuses to ignore a word that matches nobody: the result is empty", async () => {
    expect(await names(`lovelace${tag} nobody-${tag}`)).toEqual([]);
  });

  it("treats LIKE wildcards in a word as text", async () => {
    expect(await names(`lovelace${tag} %`)).toEqual([]);
    expect(await names(`lovelace${tag} _`)).toEqual([]);
  });

  it("filters audit events by part of the actor's or the subject's name or email", async () => {
    const bySubject = await listAuditEvents(rt.database.db, { subjectSearch: `lovelace${tag} ada` });
    expect(bySubject.items.map((e) => e.reason)).toEqual([`search ${tag}`]);
    const byActor = await listAuditEvents(rt.database.db, { actorSearch: `grace.${tag}` });
    expect(byActor.items.map((e) => e.reason)).toEqual([`search ${tag}`]);
  });

  it("finds no audit events when the person filter matches nobody, or matches the other side only", async () => {
    expect((await listAuditEvents(rt.database.db, { subjectSearch: `nobody-${tag}` })).total).toBe(0);
    expect((await listAuditEvents(rt.database.db, { actorSearch: `ada.${tag}` })).total).toBe(0);
  });
});
