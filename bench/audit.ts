/**
 * bench/audit.ts — the audit chain's costs. `npm run bench:audit` (BENCH_SCALE=0.05 for a quick run).
 *
 * 1. Export: ROWS chained rows (1,000,000 at scale 1) streamed as CSV through a real CSV parser
 *    (csv-parse, streaming) and as NDJSON, sampling RSS and heap every 50 ms: memory must stay flat.
 * 2. Verify: the whole chain re-hashed in JavaScript (what `npm run audit:verify` does), rows/s.
 * 3. The hot path: one chained audit insert (auth.login, as every sign-in writes) against a plain insert
 *    of the same row into an unchained copy of the old table, interleaved, sequential and 8 at a time.
 */
import { Readable } from "node:stream";
import { parse } from "csv-parse";
import { sql } from "drizzle-orm";
import { recordAuditEvent } from "@/lib/audit/audit";
import { openAuditExport, type AuditExportFormat } from "@/lib/audit/export";
import { verifyAuditChain } from "@/lib/audit/verify";
import type { Db } from "@/lib/db/types";
import { defer, runBench } from "./lib/lifecycle";
import { fmt, printTable, scaled, startResult, target } from "./lib/report";
import { insertUsers, mapLimit, openMigratedDatabase, requireServices, scratchDatabase } from "./lib/services";
import { summarize } from "./lib/stats";

const ROWS = scaled(1_000_000, 2_000);
const INSERTS = scaled(4_000, 200);
const CONCURRENCY = 8;
const MiB = 2 ** 20;

/** Chained rows written by the database's own functions in one loop (the fast way to a big, valid chain). */
async function seedChunk(db: Db, from: number, rows: number, actorId: string, subjectId: string): Promise<void> {
  await db.execute(sql.raw(`
    DO $$
    DECLARE
      h text := (select hash from audit_chain_head where id = 1);
      n bigint := (select seq from audit_chain_head where id = 1);
      t timestamptz := date_trunc('milliseconds', now()) - interval '30 days';
      a record;
      s record;
      reason text;
      prev text;
    BEGIN
      SELECT email, name, role INTO a FROM users WHERE id = '${actorId}';
      SELECT email, name, role INTO s FROM users WHERE id = '${subjectId}';
      FOR i IN ${from}..${from + rows - 1} LOOP
        n := n + 1;
        t := t + interval '1 millisecond';
        prev := h;
        -- Every tenth reason starts a formula, as an attacker's would.
        reason := CASE WHEN i % 10 = 0 THEN '=HYPERLINK("http://x/' || i || '")' ELSE 'ticket ' || i || ', "quoted"' END;
        h := audit_chain_hash(h, audit_canonical(n, t, 'auth.login', '${actorId}', a.email, a.name, a.role, '${subjectId}', s.email, s.name, s.role,
          reason, jsonb_build_object('i', i), '127.0.0.1', 'bench/1.0'));
        INSERT INTO audit_events (seq, prev_hash, hash, created_at, action, actor_id, actor_email, actor_name, actor_role,
          subject_id, subject_email, subject_name, subject_role, reason, metadata, ip, user_agent)
        VALUES (n, prev, h, t, 'auth.login', '${actorId}', a.email, a.name, a.role,
          '${subjectId}', s.email, s.name, s.role, reason, jsonb_build_object('i', i), '127.0.0.1', 'bench/1.0');
      END LOOP;
      UPDATE audit_chain_head SET seq = n, hash = h WHERE id = 1;
    END $$;`));
}

/** In chunks, so no single statement runs long enough to meet a client or server timeout. */
async function seedChain(db: Db, rows: number, actorId: string, subjectId: string): Promise<void> {
  const CHUNK = 20_000;
  for (let from = 1; from <= rows; from += CHUNK) await seedChunk(db, from, Math.min(CHUNK, rows - from + 1), actorId, subjectId);
}

interface MemoryTrace {
  baselineRssMiB: number;
  peakRssMiB: number;
  peakHeapMiB: number;
  /** RSS at each tenth of the rows: flat means the stream does not accumulate. */
  rssByDecileMiB: number[];
}

async function measureExport(db: Db, format: AuditExportFormat): Promise<{ rows: number; bytes: number; seconds: number; rowsPerS: number; memory: MemoryTrace }> {
  global.gc?.();
  const baseline = process.memoryUsage();
  let peakRss = baseline.rss;
  let peakHeap = baseline.heapUsed;
  const sampler = setInterval(() => {
    const m = process.memoryUsage();
    peakRss = Math.max(peakRss, m.rss);
    peakHeap = Math.max(peakHeap, m.heapUsed);
  }, 50);
  const byDecile: number[] = [];
  let rows = 0;
  let bytes = 0;
  const started = performance.now();
  const noteRow = () => {
    rows++;
    if (rows % Math.max(1, Math.floor(ROWS / 10)) === 0) byDecile.push(Math.round((process.memoryUsage().rss / MiB) * 10) / 10);
  };
  const source = Readable.fromWeb((await openAuditExport(db, {}, format)) as never);
  source.on("data", (chunk: Buffer) => (bytes += chunk.length));
  if (format === "csv") {
    // A real parser, streaming: every record must parse, with the header's column count.
    const parser = source.pipe(parse({ bom: true, columns: true, relax_quotes: false }));
    for await (const record of parser as AsyncIterable<Record<string, string>>) {
      if (!record.hash || (record.reason!.startsWith("=") && !record.reason!.startsWith("'"))) throw new Error(`bad record ${JSON.stringify(record)}`);
      noteRow();
    }
  } else {
    let tail = "";
    for await (const chunk of source as AsyncIterable<Buffer>) {
      const lines = (tail + chunk.toString("utf8")).split("\n");
      tail = lines.pop()!;
      for (const line of lines) {
        JSON.parse(line);
        noteRow();
      }
    }
  }
  clearInterval(sampler);
  const seconds = (performance.now() - started) / 1000;
  return {
    rows,
    bytes,
    seconds: Math.round(seconds * 10) / 10,
    rowsPerS: Math.round(rows / seconds),
    memory: {
      baselineRssMiB: Math.round((baseline.rss / MiB) * 10) / 10,
      peakRssMiB: Math.round((peakRss / MiB) * 10) / 10,
      peakHeapMiB: Math.round((peakHeap / MiB) * 10) / 10,
      rssByDecileMiB: byDecile,
    },
  };
}

async function measureInserts(db: Db, actorId: string): Promise<Record<string, ReturnType<typeof summarize> & { perS: number }>> {
  // The table as it was before the chain: same columns, no seq, no hashes, no head row to lock.
  await db.execute(sql.raw(`create table audit_plain (id bigserial primary key, actor_id uuid, subject_id uuid, action text not null, reason text,
    metadata jsonb, ip text, user_agent text, created_at timestamptz not null default now())`));
  const event = { action: "auth.login" as const, actorId, subjectId: actorId, ip: "127.0.0.1", userAgent: "Mozilla/5.0 bench", metadata: { aal: 1 } };
  const chained = () => recordAuditEvent(db, event);
  const plain = () => db.execute(sql`insert into audit_plain (action, actor_id, subject_id, ip, user_agent, metadata) values ('auth.login', ${actorId}, ${actorId}, '127.0.0.1', 'Mozilla/5.0 bench', '{"aal":1}')`);
  const samples = { chained: [] as number[], plain: [] as number[] };
  for (let i = 0; i < INSERTS; i++) {
    // Interleaved, so drift in machine load falls on both alike.
    for (const [name, fn] of i % 2 === 0 ? ([["chained", chained], ["plain", plain]] as const) : ([["plain", plain], ["chained", chained]] as const)) {
      const t = performance.now();
      await fn();
      samples[name].push((performance.now() - t) * 1000);
    }
  }
  const concurrent = async (fn: () => Promise<unknown>) => {
    const t = performance.now();
    await mapLimit(Array.from({ length: INSERTS }), CONCURRENCY, fn);
    return Math.round(INSERTS / ((performance.now() - t) / 1000));
  };
  const plainPerS = await concurrent(plain);
  const chainedPerS = await concurrent(chained);
  return { chained: { ...summarize(samples.chained), perS: chainedPerS }, plain: { ...summarize(samples.plain), perS: plainPerS } };
}

runBench(async () => {
  await requireServices();
  const result = startResult("audit");
  const url = await scratchDatabase();
  const database = await openMigratedDatabase(url, 10);
  defer(() => database.close());
  const [actor, subject] = await insertUsers(database.db, 2, "audit-bench");

  const seedStarted = performance.now();
  await seedChain(database.db, ROWS, actor!.id, subject!.id);
  const seedS = Math.round((performance.now() - seedStarted) / 100) / 10;
  console.log(`seeded ${fmt(ROWS)} chained rows in ${seedS} s`);

  const csv = await measureExport(database.db, "csv");
  const ndjson = await measureExport(database.db, "ndjson");
  printTable(
    `Export of ${fmt(ROWS)} rows (in process, consumer parses every row)`,
    ["format", "rows", "MiB", "s", "rows/s", "RSS base MiB", "RSS peak MiB", "heap peak MiB", "RSS by tenth of the rows (MiB)"],
    [csv, ndjson].map((r, i) => [i === 0 ? "csv" : "ndjson", r.rows, Math.round(r.bytes / MiB), r.seconds, r.rowsPerS, r.memory.baselineRssMiB, r.memory.peakRssMiB, r.memory.peakHeapMiB, r.memory.rssByDecileMiB.join(" ")]),
  );

  const verifyStarted = performance.now();
  const report = await verifyAuditChain(database.db);
  const verifyS = (performance.now() - verifyStarted) / 1000;
  if (!report.ok) throw new Error(`bench: the seeded chain does not verify: ${report.break?.message}`);
  const verifyPerS = Math.round(report.rows / verifyS);
  console.log(`\nverify: ${fmt(report.rows)} rows in ${verifyS.toFixed(1)} s (${fmt(verifyPerS)} rows/s)`);

  const inserts = await measureInserts(database.db, actor!.id);
  printTable(
    "One audit insert (auth.login): chained vs the old plain insert",
    ["insert", "p50 µs", "p95 µs", "p99 µs", "mean µs", `${CONCURRENCY} at a time, /s`],
    (["chained", "plain"] as const).map((k) => [k, inserts[k]!.p50, inserts[k]!.p95, inserts[k]!.p99, inserts[k]!.mean, inserts[k]!.perS]),
  );

  // Flat: the RSS growth from the first tenth of the rows to the last stays under a small bound.
  const growth = (r: typeof csv) => (r.memory.rssByDecileMiB.at(-1) ?? 0) - (r.memory.rssByDecileMiB[0] ?? 0);
  result.finish({
    rows: ROWS,
    seedS,
    export: { csv, ndjson },
    verify: { rows: report.rows, seconds: Math.round(verifyS * 10) / 10, rowsPerS: verifyPerS },
    inserts,
    targets: [
      target("CSV export: RSS growth, first to last tenth", "< 64 MiB", `${fmt(growth(csv), 1)} MiB`, growth(csv) < 64),
      target("NDJSON export: RSS growth, first to last tenth", "< 64 MiB", `${fmt(growth(ndjson), 1)} MiB`, growth(ndjson) < 64),
      target("CSV export: every row parsed by csv-parse", `${fmt(ROWS)}`, fmt(csv.rows), csv.rows === ROWS),
      target("chained insert p50 vs plain insert p50", "reported", `${fmt(inserts.chained!.p50)} µs vs ${fmt(inserts.plain!.p50)} µs`, null),
      target("verify throughput", "reported", `${fmt(verifyPerS)} rows/s`, null),
    ],
  });
});
