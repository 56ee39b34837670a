/**
 * The filtered audit log as a stream of CSV or NDJSON, newest first. Rows are read in keyset batches
 * (seq below the last one seen) and each batch is only read when the consumer pulls, so memory stays flat
 * however many rows match and a slow download slows the reads instead of buffering.
 */
import { and, desc, lt } from "drizzle-orm";
import { auditEvents } from "../db/schema";
import type { Db } from "../db/types";
import { chainedRowColumns } from "./columns";
import { csvRow } from "./csv";
import { auditWhere, type AuditFilters } from "./filters";

export const AUDIT_EXPORT_FORMATS = ["csv", "ndjson"] as const;
export type AuditExportFormat = (typeof AUDIT_EXPORT_FORMATS)[number];

/** The exported columns, in order: the snapshot of each person, and the chain link so a copy can be re-verified. */
export const AUDIT_EXPORT_COLUMNS = [
  "seq",
  "created_at",
  "action",
  "actor_id",
  "actor_email",
  "actor_name",
  "actor_role",
  "subject_id",
  "subject_email",
  "subject_name",
  "subject_role",
  "reason",
  "metadata",
  "ip",
  "user_agent",
  "prev_hash",
  "hash",
] as const;
type ExportRecord = Record<(typeof AUDIT_EXPORT_COLUMNS)[number], string | number | null>;

export const EXPORT_CONTENT_TYPES: Record<AuditExportFormat, string> = {
  csv: "text/csv; charset=utf-8",
  ndjson: "application/x-ndjson; charset=utf-8",
};

const BATCH = 1000;

async function readBatch(db: Db, where: ReturnType<typeof auditWhere>, before: number | null, size: number): Promise<ExportRecord[]> {
  const rows = await db
    .select(chainedRowColumns)
    .from(auditEvents)
    .where(before === null ? where : and(where, lt(auditEvents.seq, before)))
    .orderBy(desc(auditEvents.seq))
    .limit(size);
  return rows.map((r) => ({
    seq: Number(r.seq),
    created_at: r.createdAt.toISOString(),
    action: r.action,
    actor_id: r.actorId,
    actor_email: r.actorEmail,
    actor_name: r.actorName,
    actor_role: r.actorRole,
    subject_id: r.subjectId,
    subject_email: r.subjectEmail,
    subject_name: r.subjectName,
    subject_role: r.subjectRole,
    reason: r.reason,
    metadata: r.metadataJson,
    ip: r.ip,
    user_agent: r.userAgent,
    prev_hash: r.prevHash,
    hash: r.hash,
  }));
}

function encodeRecord(format: AuditExportFormat, record: ExportRecord): string {
  if (format === "csv") return csvRow(AUDIT_EXPORT_COLUMNS.map((c) => record[c]));
  // NDJSON carries metadata as JSON (PostgreSQL's own text of the jsonb), not as a string of JSON, and
  // without a round trip through doubles.
  const { metadata, ...rest } = record;
  return `${JSON.stringify(rest).slice(0, -1)},"metadata":${metadata ?? "null"}}\n`;
}

/**
 * Reads the first batch before answering, so a database outage or a bad filter is still an error answer
 * (the route's envelope) rather than a 200 that breaks off; the rest is read as the consumer pulls.
 */
export async function openAuditExport(db: Db, filters: AuditFilters, format: AuditExportFormat, options: { batchSize?: number } = {}): Promise<ReadableStream<Uint8Array>> {
  const where = auditWhere(db, filters);
  const encoder = new TextEncoder();
  const size = options.batchSize ?? BATCH;
  let batch: ExportRecord[] | null = await readBatch(db, where, null, size);
  // A byte-order mark so spreadsheet programs read the CSV as UTF-8.
  let lastSeq: number | null = null;
  let text = format === "csv" ? `\ufeff${csvRow(AUDIT_EXPORT_COLUMNS)}` : "";
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        batch ??= await readBatch(db, where, lastSeq, size);
        for (const record of batch) text += encodeRecord(format, record);
        if (text) controller.enqueue(encoder.encode(text));
        text = "";
        if (batch.length < size) controller.close();
        else lastSeq = batch[batch.length - 1]!.seq as number;
        batch = null;
      },
    },
    { highWaterMark: 1 },
  );
}
