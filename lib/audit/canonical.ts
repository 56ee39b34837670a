/**
 * The audit chain's canonical content, re-implemented independently of the SQL that writes it
 * (drizzle/0008_audit_chain_sql.sql), so `audit:verify` checks the database rather than trusting it.
 * The definition an auditor can re-implement is in SECURITY.md ("Audit chain").
 */
import { createHash } from "node:crypto";

export const GENESIS_HASH = "0".repeat(64);
export const CANONICAL_VERSION = "audit-v1";

/** The fields a row's hash covers, in canonical order. `metadataJson` is the jsonb as PostgreSQL prints it. */
export interface ChainedFields {
  seq: number;
  createdAt: Date;
  action: string;
  actorId: string | null;
  actorEmail: string | null;
  actorName: string | null;
  actorRole: string | null;
  subjectId: string | null;
  subjectEmail: string | null;
  subjectName: string | null;
  subjectRole: string | null;
  reason: string | null;
  metadataJson: string | null;
  ip: string | null;
  userAgent: string | null;
}

const text = (value: string | null) => (value === null ? "null" : JSON.stringify(value));

export function canonicalAuditRow(row: ChainedFields): string {
  return `[${[
    JSON.stringify(CANONICAL_VERSION),
    String(row.seq),
    JSON.stringify(row.createdAt.toISOString()),
    text(row.action),
    text(row.actorId),
    text(row.actorEmail),
    text(row.actorName),
    text(row.actorRole),
    text(row.subjectId),
    text(row.subjectEmail),
    text(row.subjectName),
    text(row.subjectRole),
    text(row.reason),
    row.metadataJson === null ? "null" : canonicalJson(row.metadataJson),
    text(row.ip),
    text(row.userAgent),
  ].join(",")}]`;
}

/** SHA-256 hex of the previous row's hash (hex text) followed by this row's canonical content, as UTF-8. */
export function chainHash(prevHash: string, canonical: string): string {
  return createHash("sha256").update(prevHash + canonical, "utf8").digest("hex");
}

/** Code-point order, as PostgreSQL's COLLATE "C" compares UTF-8 bytes. */
function byCodePoint(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, "utf8"), Buffer.from(b, "utf8"));
}

/**
 * JSON text in canonical form: no whitespace, object keys in code-point order, strings re-escaped as
 * JSON.stringify does, numbers kept exactly as written (JSON.parse would round them to doubles).
 * Malformed input throws: metadata comes from PostgreSQL, which only prints valid JSON.
 */
export function canonicalJson(source: string): string {
  let i = 0;
  const ws = () => {
    while (i < source.length && " \t\n\r".includes(source[i]!)) i++;
  };
  const fail = (): never => {
    throw new Error(`audit: malformed JSON at offset ${i}`);
  };
  const stringToken = (): string => {
    const start = i++;
    while (i < source.length && source[i] !== '"') i += source[i] === "\\" ? 2 : 1;
    if (i >= source.length) fail();
    i++;
    return JSON.parse(source.slice(start, i)) as string;
  };
  const value = (): string => {
    ws();
    const c = source[i];
    if (c === "{") {
      i++;
      const members: [string, string][] = [];
      ws();
      if (source[i] === "}") i++;
      else
        for (;;) {
          ws();
          if (source[i] !== '"') fail();
          const key = stringToken();
          ws();
          if (source[i++] !== ":") fail();
          members.push([key, value()]);
          ws();
          const next = source[i++];
          if (next === "}") break;
          if (next !== ",") fail();
        }
      members.sort(([a], [b]) => byCodePoint(a, b));
      return `{${members.map(([k, v]) => `${JSON.stringify(k)}:${v}`).join(",")}}`;
    }
    if (c === "[") {
      i++;
      const items: string[] = [];
      ws();
      if (source[i] === "]") i++;
      else
        for (;;) {
          items.push(value());
          ws();
          const next = source[i++];
          if (next === "]") break;
          if (next !== ",") fail();
        }
      return `[${items.join(",")}]`;
    }
    if (c === '"') return JSON.stringify(stringToken());
    const literal = /^(?:true|false|null|-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?)/.exec(source.slice(i, i + 400));
    if (!literal) fail();
    i += literal![0].length;
    return literal![0];
  };
  const out = value();
  ws();
  if (i !== source.length) fail();
  return out;
}
