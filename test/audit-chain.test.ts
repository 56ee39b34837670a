/**
 * The audit hash chain on real PostgreSQL (and PGlite): every row written through recordAuditEvent verifies;
 * altering, deleting or inserting a row (the append-only trigger lifted by the superuser, on this test's own
 * scratch database only) makes verifyAuditChain fail and name the row; two connection pools writing at once
 * still leave one chain that verifies.
 */
import { spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { sql } from "drizzle-orm";
import { recordAuditEvent } from "@/lib/audit/audit";
import { canonicalAuditRow } from "@/lib/audit/canonical";
import { auditChainStatus } from "@/lib/audit/chain-status";
import { formatAnchor, readChainHead, startAuditAnchoring } from "@/lib/audit/anchor";
import { parseAnchor, verifyAuditChain } from "@/lib/audit/verify";
import type { Logger } from "@/lib/observability/logger";
import { openDatabase } from "@/lib/db/client";
import { rowsOf } from "@/lib/db/rows";
import { MIGRATIONS_FOLDER, migrateDatabase } from "@/lib/db/migrate";
import { createUser } from "./support/fixtures";
import { createTestRuntime, type TestRuntime } from "./support/runtime";
import { createScratchDatabase, postgresAdminUrl, probePostgres } from "./support/services";

const pg = await probePostgres();

async function writeSome(rt: TestRuntime, n: number, actorId: string | null = null, subjectId: string | null = null) {
  for (let i = 0; i < n; i++) await recordAuditEvent(rt.database.db, { action: "session.revoke", actorId, subjectId, reason: `reason ${i}`, metadata: { i } });
}

describe("chaining the rows written before the chain existed", () => {
  it("backfills seq, hashes and snapshots for legacy rows in id order, and the chain then verifies and continues", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "audit-legacy-"));
    try {
      // The migrations as they stood before the chain: the journal cut before it.
      cpSync(MIGRATIONS_FOLDER, dir, { recursive: true });
      const journalPath = path.join(dir, "meta", "_journal.json");
      const journal = JSON.parse(readFileSync(journalPath, "utf8")) as { entries: { tag: string }[] };
      const cut = journal.entries.findIndex((e) => e.tag.endsWith("_audit_chain"));
      writeFileSync(journalPath, JSON.stringify({ ...journal, entries: journal.entries.slice(0, cut) }));
      const database = await openDatabase({ pgliteDir: null, poolMax: 1 });
      try {
        await migrateDatabase(database, dir);
        const user = await createUser(database.db, { name: "Legacy Lin", email: "lin@example.com" });
        for (const reason of ["first", "second", "third"]) {
          await database.db.execute(sql`insert into audit_events (action, actor_id, subject_id, reason, metadata, created_at)
            values ('auth.login', ${user.id}, ${user.id}, ${reason}, '{"b": 1, "a": [2]}', now() - interval '1 day' + interval '123 microseconds')`);
        }
        await migrateDatabase(database);
        const rows = rowsOf<{ seq: string; reason: string; actor_name: string }>(
          await database.db.execute(sql`select seq, reason, actor_name from audit_events order by id`),
        );
        expect(rows.map((r) => [Number(r.seq), r.reason, r.actor_name])).toEqual([
          [1, "first", "Legacy Lin"],
          [2, "second", "Legacy Lin"],
          [3, "third", "Legacy Lin"],
        ]);
        expect(await verifyAuditChain(database.db)).toMatchObject({ ok: true, rows: 3, head: { seq: 3 } });
        await recordAuditEvent(database.db, { action: "auth.logout", actorId: user.id, subjectId: user.id });
        expect(await verifyAuditChain(database.db)).toMatchObject({ ok: true, rows: 4 });
        await expect(database.db.execute(sql`delete from audit_events`)).rejects.toMatchObject({ cause: expect.objectContaining({ message: "audit_events is append-only" }) });
      } finally {
        await database.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 180_000);
});

describe("the audit chain on PGlite", () => {
  let rt: TestRuntime;
  beforeAll(async () => {
    rt = await createTestRuntime({ backend: "pglite" });
  });
  afterAll(async () => rt?.dispose());

  it("verifies an empty chain and then every row written through recordAuditEvent, in or out of a transaction", async () => {
    expect(await verifyAuditChain(rt.database.db)).toMatchObject({ ok: true, rows: 0, head: { seq: 0 } });
    const ada = await createUser(rt.database.db, { name: "Ada", email: "ada.chain@example.com", role: "admin" });
    await recordAuditEvent(rt.database.db, { action: "user.role", actorId: ada.id, subjectId: ada.id, metadata: { role: "admin", n: 1.5, nested: { b: [1, "x"], a: null } } });
    await rt.database.db.transaction(async (tx) => recordAuditEvent(tx, { action: "auth.login", actorId: ada.id, subjectId: ada.id, ip: "127.0.0.1" }));
    const report = await verifyAuditChain(rt.database.db, { batchSize: 1 });
    expect(report).toMatchObject({ ok: true, rows: 2, head: { seq: 2 } });
  });

  it("logs the head as an anchor when it moved, and a chain that no longer holds an anchored link fails against it", async () => {
    const lines: { msg: string; fields?: Record<string, unknown> }[] = [];
    const quiet = () => {};
    const logger: Logger = { enabled: () => true, debug: quiet, warn: quiet, error: quiet, info: (msg, fields) => void lines.push({ msg, fields }) };
    const stop = startAuditAnchoring(rt.database.db, logger, 3600)!;
    try {
      await vi.waitFor(() => expect(lines).toHaveLength(1));
      const head = (await readChainHead(rt.database.db))!;
      expect(lines[0]).toEqual({ msg: "audit chain head", fields: { anchor: formatAnchor(head) } });
      const anchor = parseAnchor(String(lines[0]!.fields!.anchor))!;
      expect(anchor).toEqual(head);
      expect(await verifyAuditChain(rt.database.db, { anchors: [anchor] })).toMatchObject({ ok: true });
      // A row whose content and hash were both recomputed after the anchor was taken: not the anchored row.
      const forged = { seq: anchor.seq, hash: anchor.hash.replace(/^./, (c) => (c === "0" ? "1" : "0")) };
      expect(await verifyAuditChain(rt.database.db, { anchors: [forged] })).toMatchObject({ ok: false, break: { problem: "anchor_mismatch", seq: anchor.seq } });
      expect(parseAnchor("12:abc")).toBeNull();
      expect(parseAnchor(`-1:${"a".repeat(64)}`)).toBeNull();
    } finally {
      stop();
    }
    expect(startAuditAnchoring(rt.database.db, logger, 0)).toBeNull();
  });

  it("reports the console's chain status: under way while a walk outlasts the page's wait, then verified with the rows counted", async () => {
    expect(await auditChainStatus(rt.database.db, Date.now(), 0)).toEqual({ state: "checking" });
    const status = await auditChainStatus(rt.database.db, Date.now(), 60_000);
    expect(status).toMatchObject({ state: "checked", ok: true, rows: 2, head: { seq: 2 } });
    // A row added later is verified from the last verified link.
    await recordAuditEvent(rt.database.db, { action: "auth.logout", actorId: null, subjectId: null });
    expect(await auditChainStatus(rt.database.db, Date.now(), 60_000)).toMatchObject({ state: "checked", ok: true, rows: 3, head: { seq: 3 } });
  });

  it("snapshots the actor and subject as they were, so a later rename does not rewrite the row", async () => {
    const grace = await createUser(rt.database.db, { name: "Grace Before", email: "grace.before@example.com", role: "support" });
    await recordAuditEvent(rt.database.db, { action: "auth.login", actorId: grace.id, subjectId: grace.id });
    await rt.database.db.execute(sql`update users set name = 'Grace After', email = 'grace.after@example.com', role = 'admin' where id = ${grace.id}`);
    const rows = rowsOf<Record<string, string>>(
      await rt.database.db.execute(sql`select actor_name, actor_email, actor_role, subject_name from audit_events where actor_id = ${grace.id}`),
    );
    expect(rows).toEqual([{ actor_name: "Grace Before", actor_email: "grace.before@example.com", actor_role: "support", subject_name: "Grace Before" }]);
    expect((await verifyAuditChain(rt.database.db)).ok).toBe(true);
  });

  it("computes in JavaScript exactly the canonical text the database hashed, for awkward values", async () => {
    const awkward = { z: "\u0007\n\t\"\\é😀", a: [1e-7, 12345678901234567890, -0.5, true, false, null], "é": { "": 1, B: 2, a: 3 } };
    await recordAuditEvent(rt.database.db, { action: "mfa.failed", actorId: null, subjectId: null, reason: "line\r\nbreak \u2028", metadata: awkward, userAgent: "ua \u007f" });
    const [row] = rowsOf<Record<string, unknown>>(
      await rt.database.db.execute(sql`select seq, created_at, action, actor_id, actor_email, actor_name, actor_role, subject_id, subject_email, subject_name,
        subject_role, reason, metadata::text as metadata_json, ip, user_agent,
        audit_canonical(seq, created_at, action, actor_id, actor_email, actor_name, actor_role, subject_id, subject_email, subject_name,
          subject_role, reason, metadata, ip, user_agent) as canonical
        from audit_events order by seq desc limit 1`),
    );
    const js = canonicalAuditRow({
      seq: Number(row!.seq),
      createdAt: new Date(row!.created_at as string),
      action: row!.action as string,
      actorId: null,
      actorEmail: null,
      actorName: null,
      actorRole: null,
      subjectId: null,
      subjectEmail: null,
      subjectName: null,
      subjectRole: null,
      reason: row!.reason as string,
      metadataJson: row!.metadata_json as string,
      ip: null,
      userAgent: row!.user_agent as string,
    });
    expect(js).toBe(row!.canonical);
    expect((await verifyAuditChain(rt.database.db)).ok).toBe(true);
  });
});

/** Tampering as a superuser would: the append-only trigger lifted for one transaction, on the test's own scratch database. */
async function tamperWith(rt: TestRuntime, statements: string) {
  await rt.database.db.transaction(async (tx) => {
    await tx.execute(sql.raw("alter table audit_events disable trigger audit_events_no_update_delete"));
    for (const statement of statements.split(";").filter((s) => s.trim())) await tx.execute(sql.raw(statement));
    await tx.execute(sql.raw("alter table audit_events enable trigger audit_events_no_update_delete"));
  });
}

describe.skipIf(!pg.ok)("the audit chain on PostgreSQL", () => {
  let rt: TestRuntime;
  beforeAll(async () => {
    rt = await createTestRuntime({ backend: "postgres" });
  });
  afterAll(async () => {
    await rt?.dispose();
  });

  const tamper = (statements: string) => tamperWith(rt, statements);
  async function idAt(seq: number): Promise<number> {
    const [row] = rowsOf<{ id: string }>(await rt.database.db.execute(sql`select id from audit_events where seq = ${seq}`));
    return Number(row!.id);
  }

  it("refuses UPDATE and DELETE while the trigger is in place", async () => {
    await writeSome(rt, 1);
    const appendOnly = { cause: expect.objectContaining({ message: "audit_events is append-only" }) };
    await expect(rt.database.db.execute(sql`update audit_events set reason = 'x'`)).rejects.toMatchObject(appendOnly);
    await expect(rt.database.db.execute(sql`delete from audit_events`)).rejects.toMatchObject(appendOnly);
    expect((await verifyAuditChain(rt.database.db)).ok).toBe(true);
  });

  it("names the altered row when one field of a row in the middle is changed", async () => {
    await writeSome(rt, 9);
    expect((await verifyAuditChain(rt.database.db)).ok).toBe(true);
    const id = await idAt(5);
    await tamper(`update audit_events set reason = 'nothing to see' where seq = 5`);
    const report = await verifyAuditChain(rt.database.db);
    expect(report).toMatchObject({ ok: false, rows: 4, break: { problem: "altered", id, seq: 5 } });
    expect(report.break!.message).toContain(`row id ${id}`);
    // The console's status says the same.
    expect(await auditChainStatus(rt.database.db, Date.now(), 60_000)).toMatchObject({ state: "checked", ok: false, break: { problem: "altered", id } });
    await tamper(`update audit_events set reason = 'reason 3' where seq = 5`);
    expect((await verifyAuditChain(rt.database.db)).ok).toBe(true);
  });

  it("names the gap when a row in the middle is deleted", async () => {
    const after = await idAt(7);
    await tamper(`delete from audit_events where seq = 6`);
    const report = await verifyAuditChain(rt.database.db);
    expect(report).toMatchObject({ ok: false, rows: 5, break: { problem: "removed", id: after, seq: 7 } });
    expect(report.break!.message).toContain("seq 6 is missing");
  });

  it("makes `npm run audit:verify` exit 1 naming the first broken row, and exit 0 on an intact chain", async () => {
    const [{ db: name }] = rowsOf<{ db: string }>(await rt.database.db.execute(sql`select current_database() as db`)) as [{ db: string }];
    const url = new URL(postgresAdminUrl());
    url.pathname = `/${name}`;
    const run = (databaseUrl: string) =>
      spawnSync("npx", ["tsx", "scripts/audit-verify.ts"], { env: { ...process.env, DATABASE_URL: databaseUrl, NODE_ENV: "test", SESSION_SECRET: "x".repeat(40), LOG_LEVEL: "silent" }, encoding: "utf8", timeout: 120_000 });
    const broken = run(url.toString());
    expect(broken.status, broken.stderr).toBe(1);
    expect(broken.stderr).toContain(`audit chain BROKEN (removed): rows removed before row id ${await idAt(7)} (seq 7): seq 6 is missing`);
    const scratch = await createScratchDatabase();
    try {
      const intact = run(scratch.url);
      expect(intact.status, intact.stderr).toBe(0);
      expect(intact.stdout).toMatch(/audit chain verifies: 0 rows/);
      expect(intact.stdout).toMatch(/head \(anchor\): 0:0{64}/);
      const malformed = spawnSync("npx", ["tsx", "scripts/audit-verify.ts", "--anchor", "3:nothex"], { env: { ...process.env, DATABASE_URL: scratch.url, NODE_ENV: "test", SESSION_SECRET: "x".repeat(40), LOG_LEVEL: "silent" }, encoding: "utf8", timeout: 120_000 });
      expect(malformed.status).not.toBe(0);
      expect(malformed.stderr).toContain("--anchor 3:nothex: expected <seq>:<64 hex digits>");
    } finally {
      await scratch.drop();
    }
  }, 240_000);

  it("names the inserted row when a forged, correctly hashed row is slipped into the middle", async () => {
    const rt2 = await createTestRuntime({ backend: "postgres" });
    try {
      await writeSome(rt2, 6);
      // Renumber rows 4.. up by one and chain a forged row 4 to row 3 with the database's own functions.
      await tamperWith(
        rt2,
        `update audit_events set seq = -seq where seq >= 4; update audit_events set seq = -seq + 1 where seq < 0;
        insert into audit_events (seq, prev_hash, hash, created_at, action, reason)
          select 4, hash, audit_chain_hash(hash, audit_canonical(4, date_trunc('milliseconds', now()), 'user.role', null, null, null, null, null, null, null, null, 'forged', null, null, null)),
            date_trunc('milliseconds', now()), 'user.role', 'forged' from audit_events where seq = 3`,
      );
      const [forged] = rowsOf<{ id: string }>(await rt2.database.db.execute(sql`select id from audit_events where reason = 'forged'`));
      const report = await verifyAuditChain(rt2.database.db);
      expect(report).toMatchObject({ ok: false, break: { problem: "inserted", id: Number(forged!.id), seq: 4 } });
    } finally {
      await rt2.dispose();
    }
  });

  it("notices rows removed from the end, which leave no gap, through the chain head", async () => {
    const rt3 = await createTestRuntime({ backend: "postgres" });
    try {
      await writeSome(rt3, 3);
      await tamperWith(rt3, "delete from audit_events where seq = 3");
      expect(await verifyAuditChain(rt3.database.db)).toMatchObject({ ok: false, rows: 2, break: { problem: "head_mismatch", seq: 3 } });
    } finally {
      await rt3.dispose();
    }
  });

  it("notices a chain cut at the end with its head rewritten to match only through an anchor kept outside", async () => {
    const rt4 = await createTestRuntime({ backend: "postgres" });
    try {
      await writeSome(rt4, 4);
      const anchor = (await readChainHead(rt4.database.db))!;
      expect(anchor.seq).toBe(4);
      await tamperWith(rt4, "delete from audit_events where seq >= 3; update audit_chain_head set seq = 2, hash = (select hash from audit_events where seq = 2)");
      // On its own the shortened chain is consistent, head included.
      expect(await verifyAuditChain(rt4.database.db)).toMatchObject({ ok: true, rows: 2 });
      const report = await verifyAuditChain(rt4.database.db, { anchors: [anchor] });
      expect(report).toMatchObject({ ok: false, rows: 2, break: { problem: "anchor_mismatch", seq: 4 } });
      expect(report.break!.message).toContain("before the anchored seq 4");
    } finally {
      await rt4.dispose();
    }
  });

  it("keeps one chain that verifies when two connection pools (two app instances) write at once", async () => {
    const scratch = await createScratchDatabase();
    const a = await openDatabase({ url: scratch.url, pgliteDir: null, poolMax: 5 });
    const b = await openDatabase({ url: scratch.url, pgliteDir: null, poolMax: 5 });
    try {
      await migrateDatabase(a);
      const user = await createUser(a.db);
      const writer = (db: typeof a.db, tag: string) =>
        Promise.all(
          Array.from({ length: 100 }, (_, i) =>
            i % 2 === 0
              ? recordAuditEvent(db, { action: "auth.login", actorId: user.id, subjectId: user.id, reason: `${tag}${i}` })
              : db.transaction((tx) => recordAuditEvent(tx, { action: "auth.logout", actorId: user.id, subjectId: user.id, reason: `${tag}${i}` })),
          ),
        );
      await Promise.all([writer(a.db, "a"), writer(b.db, "b")]);
      const report = await verifyAuditChain(b.db);
      expect(report).toMatchObject({ ok: true, rows: 200, head: { seq: 200 } });
    } finally {
      await a.close();
      await b.close();
      await scratch.drop();
    }
  });
});
