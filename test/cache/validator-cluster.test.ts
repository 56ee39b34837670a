/**
 * The same cached validator suite against a real 3-master Redis Cluster that this file builds on free ports
 * and tears down. Session keys carry a {hash tag}, so each session's data key and tombstone share a slot
 * and the Lua fill/invalidate scripts run on whichever master owns it.
 */
import { afterAll, beforeAll } from "vitest";
import { PrivateRedisCluster, probeRedisClusterBinaries } from "../support/redis-cluster";
import { probePostgres } from "../support/services";
import { describeCachedValidator } from "./cached-validator.suite";

const pg = await probePostgres();
const binaries = probeRedisClusterBinaries();
const available = pg.ok && binaries.ok;

let cluster: PrivateRedisCluster | undefined;
beforeAll(async () => {
  if (available) cluster = await PrivateRedisCluster.start(3);
});
afterAll(async () => cluster?.stop());

describeCachedValidator("a 3-master Redis Cluster", available, () => ({
  env: { REDIS_CLUSTER_NODES: cluster!.nodesEnv },
  spec: { clusterNodes: cluster!.nodes },
  masters: 3,
}));
