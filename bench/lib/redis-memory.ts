/** How much Redis memory one cached session costs: MEMORY USAGE over a sample, and used_memory per key. */
import { Redis } from "ioredis";

export async function redisBytesPerSession(redisUrl: string, keyPattern: string, sampleSize = 500) {
  const client = new Redis(redisUrl);
  try {
    const keys: string[] = [];
    let cursor = "0";
    do {
      const [next, batch] = await client.scan(cursor, "MATCH", `${keyPattern}*`, "COUNT", 1000);
      cursor = next;
      keys.push(...batch);
    } while (cursor !== "0" && keys.length < sampleSize);
    const sample = keys.slice(0, sampleSize);
    let total = 0;
    for (const key of sample) total += Number(await client.memory("USAGE", key));
    // The whole server's memory over its key count: includes the tombstones/rate-limit keys if any (none here).
    const info = await client.info("memory");
    const used = Number(/used_memory:(\d+)/.exec(info)?.[1] ?? NaN);
    const usedEmpty = Number(/used_memory_startup:(\d+)/.exec(info)?.[1] ?? NaN);
    const dbsize = await client.dbsize();
    return {
      sampled: sample.length,
      memoryUsageAvg: sample.length ? total / sample.length : NaN,
      usedMemoryPerKey: dbsize ? (used - usedEmpty) / dbsize : NaN,
      keys: dbsize,
    };
  } finally {
    client.disconnect();
  }
}

export async function redisKeyExists(redisUrl: string, key: string): Promise<boolean> {
  const client = new Redis(redisUrl);
  try {
    return (await client.exists(key)) === 1;
  } finally {
    client.disconnect();
  }
}
