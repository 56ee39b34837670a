/**
 * Walks the audit chain in seq order and names the first row that breaks it. Reads in batches (constant
 * memory) and recomputes every hash in JavaScript (lib/audit/canonical.ts), never with the database's own
 * functions, so a replaced SQL function cannot vouch for itself.
 */
import { asc, gt } from "drizzle-orm";
import { auditEvents } from "../db/schema";
import { readChainHead } from "./anchor";
import type { Db } from "../db/types";
import { chainedRowColumns } from "./columns";
import { GENESIS_HASH, canonicalAuditRow, chainHash } from "./canonical";

export type ChainProblem =
  /** The row's own content no longer matches its hash. */
  | "altered"
  /** seq jumps: the rows in between were deleted. */
  | "removed"
  /** The row before this one is self-consistent but is not the row this one was chained to. */
  | "inserted"
  /** The head (audit_chain_head) disagrees with the last row: rows removed from, or added at, the end. */
  | "head_mismatch"
  /**
   * A link recorded outside the database (an anchor) is not in the chain any more: the chain verifies on its
   * own, so it was rewritten from that row on, hashes included.
   */
  | "anchor_mismatch";

export interface ChainBreak {
  problem: ChainProblem;
  /** The row named as altered, inserted, or the first row after a removal (null: the end of the chain). */
  id: number | null;
  seq: number | null;
  message: string;
}

export interface ChainReport {
  ok: boolean;
  /** Rows checked before the first break (all of them when ok). */
  rows: number;
  /** The last verified link: an operator may record it outside the database and compare it later. */
  head: { seq: number; hash: string };
  break?: ChainBreak;
}

const BATCH = 2000;

export interface VerifyOptions {
  batchSize?: number;
  /** Start after a link already verified (seq and hash) instead of at the genesis: checks only the newer rows. */
  after?: { seq: number; hash: string };
  /** Links recorded outside the database earlier (the head a log line or an operator kept): each must still be there. */
  anchors?: readonly { seq: number; hash: string }[];
}

/** `seq:hash` as `audit:verify` prints its head and the anchor log line records it; null when malformed. */
export function parseAnchor(text: string): { seq: number; hash: string } | null {
  const match = /^(\d{1,15}):([0-9a-f]{64})$/.exec(text.trim());
  return match ? { seq: Number(match[1]), hash: match[2]! } : null;
}

export async function verifyAuditChain(db: Db, options: VerifyOptions = {}): Promise<ChainReport> {
  const batchSize = options.batchSize ?? BATCH;
  let prev = { id: null as number | null, seq: options.after?.seq ?? 0, hash: options.after?.hash ?? GENESIS_HASH };
  let rows = 0;
  const anchors = new Map((options.anchors ?? []).map((a) => [a.seq, a.hash]));
  const fail = (brk: ChainBreak): ChainReport => ({ ok: false, rows, head: { seq: prev.seq, hash: prev.hash }, break: brk });
  for (;;) {
    const batch = await db
      .select({ id: auditEvents.id, ...chainedRowColumns })
      .from(auditEvents)
      .where(gt(auditEvents.seq, prev.seq))
      .orderBy(asc(auditEvents.seq))
      .limit(batchSize);
    for (const row of batch) {
      const seq = Number(row.seq);
      const id = Number(row.id);
      if (seq !== prev.seq + 1) {
        const missing = seq === prev.seq + 2 ? `seq ${prev.seq + 1} is missing` : `seq ${prev.seq + 1}–${seq - 1} are missing`;
        return fail({ problem: "removed", id, seq, message: `rows removed before row id ${id} (seq ${seq}): ${missing}` });
      }
      if (row.prevHash !== prev.hash) {
        if (prev.id === null) return fail({ problem: "altered", id, seq, message: `row id ${id} (seq ${seq}) is not chained to the verified row before it` });
        return fail({ problem: "inserted", id: prev.id, seq: prev.seq, message: `row id ${prev.id} (seq ${prev.seq}) was inserted: row id ${id} (seq ${seq}) is chained to a different predecessor` });
      }
      if (chainHash(row.prevHash, canonicalAuditRow({ ...row, seq })) !== row.hash) {
        return fail({ problem: "altered", id, seq, message: `row id ${id} (seq ${seq}) was altered: its content does not match its hash` });
      }
      const anchored = anchors.get(seq);
      if (anchored !== undefined && anchored !== row.hash) {
        return fail({ problem: "anchor_mismatch", id, seq, message: `row id ${id} (seq ${seq}) is not the row that was anchored: the chain was rewritten from there on` });
      }
      prev = { id, seq, hash: row.hash };
      rows++;
    }
    if (batch.length < batchSize) break;
  }
  const head = await readChainHead(db);
  if (!head) return fail({ problem: "head_mismatch", id: null, seq: null, message: "the chain head row (audit_chain_head id = 1) is missing" });
  if (head.seq !== prev.seq || head.hash !== prev.hash) {
    const why = head.seq > prev.seq ? `rows seq ${prev.seq + 1}–${head.seq} were removed from the end` : "the head does not match the last row";
    return fail({ problem: "head_mismatch", id: null, seq: head.seq, message: `the chain ends at seq ${prev.seq} but its head says seq ${head.seq}: ${why}` });
  }
  const lost = [...anchors.keys()].filter((seq) => seq > prev.seq && seq > (options.after?.seq ?? 0));
  if (lost.length > 0) {
    return fail({ problem: "anchor_mismatch", id: null, seq: Math.min(...lost), message: `the chain ends at seq ${prev.seq}, before the anchored seq ${Math.min(...lost)}: rows were removed from the end and the head rewritten` });
  }
  return { ok: true, rows, head: { seq: prev.seq, hash: prev.hash } };
}
