/**
 * Exporting the audit log (PGlite): the streamed CSV opens in a real CSV parser (csv-parse) with one record
 * per row across batch boundaries, formula-looking cells are neutralised, NDJSON lines are JSON with the same
 * rows, and the filters of the console apply to the export.
 */
import { parse } from "csv-parse/sync";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AUDIT_ACTIONS, recordAuditEvent } from "@/lib/audit/audit";
import { AUDIT_EXPORT_COLUMNS, openAuditExport, type AuditExportFormat } from "@/lib/audit/export";
import type { AuditFilters } from "@/lib/audit/filters";
import { createUser } from "./support/fixtures";
import { createTestRuntime, type TestRuntime } from "./support/runtime";

describe("exporting the audit log", () => {
  let rt: TestRuntime;
  let eve: { id: string; email: string };
  const hostile = ["=HYPERLINK(\"http://evil.example\")", "+SUM(1)", "-1+2", "@cmd", "\tTAB", "\rCR", 'quote " and, comma\nnewline'];

  beforeAll(async () => {
    rt = await createTestRuntime({ backend: "pglite" });
    eve = await createUser(rt.database.db, { name: "=Eve()", email: "eve@example.com" });
    // Every event type once, then the hostile reasons: more rows than one batch of the small size below.
    for (const action of AUDIT_ACTIONS) await recordAuditEvent(rt.database.db, { action, actorId: null, subjectId: null, reason: `r-${action}` });
    for (const reason of hostile) await recordAuditEvent(rt.database.db, { action: "auth.login_failed", actorId: eve.id, subjectId: eve.id, reason, metadata: { email: reason }, userAgent: "-ua" });
  });
  afterAll(async () => rt?.dispose());

  async function exported(format: AuditExportFormat, filters: AuditFilters = {}): Promise<string> {
    const stream = await openAuditExport(rt.database.db, filters, format, { batchSize: 4 });
    // ignoreBOM: keep the byte-order mark in the text, to check that it is there.
    return new TextDecoder("utf-8", { ignoreBOM: true }).decode(await new Response(stream).arrayBuffer());
  }

  it("streams a CSV that a CSV parser reads as one header and one record per row, newest first, with every event type", async () => {
    const text = await exported("csv");
    expect(text.startsWith("\ufeff")).toBe(true);
    const records = parse(text, { bom: true, columns: true }) as Record<string, string>[];
    expect(Object.keys(records[0]!)).toEqual([...AUDIT_EXPORT_COLUMNS]);
    expect(records).toHaveLength(AUDIT_ACTIONS.length + hostile.length);
    expect(records.map((r) => Number(r.seq))).toEqual(records.map((_, i) => records.length - i));
    expect(new Set(records.map((r) => r.action))).toEqual(new Set(AUDIT_ACTIONS));
    expect(records.every((r) => /^[0-9a-f]{64}$/.test(r.hash!))).toBe(true);
  });

  it("neutralises cells that start with =, +, -, @, a tab or a carriage return, and keeps other text intact", async () => {
    const records = parse(await exported("csv", { action: "auth.login_failed", actorId: eve.id }), { bom: true, columns: true }) as Record<string, string>[];
    const reasons = records.map((r) => r.reason).reverse();
    expect(reasons).toEqual(hostile.map((h) => (/^[=+\-@\t\r]/.test(h) ? `'${h}` : h)));
    expect(records.every((r) => r.actor_name === "'=Eve()" && r.user_agent === "'-ua")).toBe(true);
    // A cell that does not start a formula is left as it was.
    expect(reasons.at(-1)).toBe('quote " and, comma\nnewline');
  });

  it("applies the console's filters: a filtered export holds only the matching rows", async () => {
    const bySubject = parse(await exported("csv", { subjectId: eve.id }), { bom: true, columns: true }) as Record<string, string>[];
    expect(bySubject).toHaveLength(hostile.length);
    const none = parse(await exported("csv", { actorSearch: "nobody-matches-this" }), { bom: true, columns: true }) as unknown[];
    expect(none).toHaveLength(0);
  });

  it("streams NDJSON: one JSON object per line with metadata as JSON, unneutralised", async () => {
    const lines = (await exported("ndjson", { actorId: eve.id })).trimEnd().split("\n");
    expect(lines).toHaveLength(hostile.length);
    const rows = lines.map((l) => JSON.parse(l) as { reason: string; metadata: { email: string }; actor_name: string });
    expect(rows.map((r) => r.reason).reverse()).toEqual(hostile);
    expect(rows[0]!.metadata.email).toBe(rows[0]!.reason);
    expect(rows[0]!.actor_name).toBe("=Eve()");
  });
});
