/**
 * The chain's state for the console, cheap enough for every page view: the rows added since the last check
 * are verified from the last verified link, and the whole chain again once the last full walk is older
 * than FULL_CHECK_MS (a row altered behind an already-verified link shows up then, or at once with
 * `npm run audit:verify`). A walk that takes longer than the page can wait (a long chain, a first view
 * after start) goes on in the background and the page says the check is under way.
 */
import type { Db } from "../db/types";
import { verifyAuditChain, type ChainReport } from "./verify";

const FULL_CHECK_MS = 10 * 60_000;
const PAGE_WAIT_MS = 1500;

interface Memo {
  fullAt: number;
  report: ChainReport;
}
interface State {
  memo?: Memo;
  running?: Promise<Memo>;
}
const states = new WeakMap<Db, State>();

export type ChainStatusReport = (ChainReport & { state: "checked"; checkedAt: Date }) | { state: "checking" };

function check(db: Db, state: State, now: number): Promise<Memo> {
  const memo = state.memo;
  const next: Promise<Memo> =
    !memo || !memo.report.ok || now - memo.fullAt >= FULL_CHECK_MS
      ? verifyAuditChain(db).then((report) => ({ fullAt: now, report }))
      : verifyAuditChain(db, { after: memo.report.head }).then((inc) => ({ fullAt: memo.fullAt, report: { ...inc, rows: memo.report.rows + inc.rows } }));
  return next.then(
    (m) => {
      state.memo = m;
      state.running = undefined;
      return m;
    },
    (error: unknown) => {
      state.running = undefined;
      throw error;
    },
  );
}

export async function auditChainStatus(db: Db, now = Date.now(), waitMs = PAGE_WAIT_MS): Promise<ChainStatusReport> {
  let state = states.get(db);
  if (!state) states.set(db, (state = {}));
  state.running ??= check(db, state, now);
  const timeout = waitMs <= 0 ? Promise.resolve(null) : new Promise<null>((resolve) => setTimeout(() => resolve(null), waitMs).unref());
  const memo = await Promise.race([state.running, timeout]);
  if (!memo) {
    // Not awaited by this page: the walk goes on, and its failure must not become an unhandled rejection.
    state.running?.catch(() => {});
    return { state: "checking" };
  }
  return { ...memo.report, state: "checked", checkedAt: new Date(memo.fullAt) };
}
