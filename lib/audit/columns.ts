/** The columns a chained audit row is read with (verification, export): every hashed field, metadata as PostgreSQL's text. */
import { sql } from "drizzle-orm";
import { auditEvents } from "../db/schema";

export const chainedRowColumns = {
  seq: auditEvents.seq,
  prevHash: auditEvents.prevHash,
  hash: auditEvents.hash,
  createdAt: auditEvents.createdAt,
  action: auditEvents.action,
  actorId: auditEvents.actorId,
  actorEmail: auditEvents.actorEmail,
  actorName: auditEvents.actorName,
  actorRole: auditEvents.actorRole,
  subjectId: auditEvents.subjectId,
  subjectEmail: auditEvents.subjectEmail,
  subjectName: auditEvents.subjectName,
  subjectRole: auditEvents.subjectRole,
  reason: auditEvents.reason,
  // Text, not parsed: numbers stay exactly as stored (JSON.parse would round them to doubles).
  metadataJson: sql<string | null>`${auditEvents.metadata}::text`,
  ip: auditEvents.ip,
  userAgent: auditEvents.userAgent,
};
