/**
 * The chain's state for the console, cheap enough for every page view: the rows added since the last check
 * are verified from the last verified link, and the whole chain again once the last full walk is older
 * than FULL_CHECK_MS (a row altered behind an already-verified link shows up then, or at once with
 * `npm run audit:verify`).
 */
import type { Db } from "../db/types";
import { verifyAuditChain, type ChainReport } from "./verify";

const FULL_CHECK_MS = 10 * 60_000;

interface Memo {
  fullAt: number;
  report: ChainReport;
}
const memos = new WeakMap<Db, Memo>();

export async function auditChainStatus(db: Db, now = Date.now()): Promise<ChainReport & { checkedAt: Date }> {
  const memo = memos.get(db);
  let next: Memo;
  if (!memo || !memo.report.ok || now - memo.fullAt >= FULL_CHECK_MS) next = { fullAt: now, report: await verifyAuditChain(db) };
  else {
    const increment = await verifyAuditChain(db, { after: memo.report.head });
    next = { fullAt: memo.fullAt, report: { ...increment, rows: memo.report.rows + increment.rows } };
  }
  memos.set(db, next);
  return { ...next.report, checkedAt: new Date(next.fullAt) };
}
