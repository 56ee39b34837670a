/**
 * `npm run audit:verify`: walks the audit hash chain and names the first row that was altered, removed or
 * inserted out of order; exits 1 when the chain breaks. Its last line is the verified head as an anchor
 * (`seq:hash`): kept outside the database (a ticket, the servers' "audit chain head" log lines), it makes a
 * rewrite of the whole chain visible too. `--anchor seq:hash` (repeatable) checks such links are still there.
 */
import { parseArgs } from "node:util";
import { parseAnchor, verifyAuditChain } from "../lib/audit/verify";
import { getConfig } from "../lib/config";
import { openDatabase } from "../lib/db/client";
import { migrateDatabase } from "../lib/db/migrate";
import { runScript } from "./run-script";

await runScript(async () => {
  const { values } = parseArgs({ options: { anchor: { type: "string", multiple: true } } });
  const anchors = (values.anchor ?? []).map((text) => {
    const anchor = parseAnchor(text);
    if (!anchor) throw new Error(`--anchor ${text}: expected <seq>:<64 hex digits>, as this command prints its head`);
    return anchor;
  });
  const config = getConfig();
  const database = await openDatabase({ url: config.database.url, pgliteDir: config.database.pgliteDir, poolMax: 1 });
  try {
    // Under the migration lock, like every entry point: a database from before the chain gets its rows chained first.
    await migrateDatabase(database);
    const started = performance.now();
    const report = await verifyAuditChain(database.db, { anchors });
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    if (report.ok) console.log(`audit chain verifies: ${report.rows} rows in ${seconds} s${anchors.length ? `, ${anchors.length} anchor(s) found` : ""}`);
    else {
      console.error(`audit chain BROKEN (${report.break!.problem}): ${report.break!.message}`);
      console.error(`the ${report.rows} rows before it verify`);
      process.exitCode = 1;
    }
    console.log(`head (anchor): ${report.head.seq}:${report.head.hash}`);
  } finally {
    await database.close();
  }
});
