/**
 * Read-only reports over the sessions table for the admin console and the metrics scrape. The queries live
 * in the store (which owns the table and its liveness filters); this is the one door to them from outside
 * lib/session, which may not import the store itself (test/architecture.test.ts).
 */
export { countLiveImpersonations, liveSessionStatsByUser } from "./store";
