/** `npm run sessions:prune`: deletes expired sessions in batches (the server also does this periodically). */
import { getConfig } from "../lib/config";
import { createRuntime } from "../lib/runtime";

const runtime = await createRuntime(getConfig(), { skipStartupTasks: true, outboxPollMs: 0 });
try {
  const pruned = await runtime.sessions.pruneExpired();
  console.log(`Pruned ${pruned} expired session${pruned === 1 ? "" : "s"}.`);
} finally {
  await runtime.close();
}
