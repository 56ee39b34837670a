/** The cached validator suite against a single Redis node (the shared one, under a unique key prefix). */
import { probePostgres, probeRedis } from "../support/services";
import { describeCachedValidator } from "./cached-validator.suite";

const pg = await probePostgres();
const redis = await probeRedis();

describeCachedValidator("a single Redis node", pg.ok && redis.ok, () => ({
  env: { REDIS_URL: redis.url },
  spec: { url: redis.url },
  masters: 1,
}));
