/**
 * Seeded random numbers and a Zipf sampler, so every run replays the same access pattern: a few sessions
 * are very hot (an open tab polling), most are touched now and then — the shape real session traffic has.
 */

/** mulberry32: tiny, fast, good enough for picking keys; deterministic for a given seed. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Samples ranks 0..n-1 with P(k) ∝ 1/(k+1)^s by binary search over the cumulative distribution.
 * Rank 0 is the hottest key.
 */
export function zipfSampler(n: number, s: number, random: () => number): () => number {
  const cdf = new Float64Array(n);
  let total = 0;
  for (let k = 0; k < n; k++) {
    total += 1 / Math.pow(k + 1, s);
    cdf[k] = total;
  }
  for (let k = 0; k < n; k++) cdf[k]! /= total;
  return () => {
    const u = random();
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (cdf[mid]! < u) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
}

/** A precomputed access sequence (sampling stays outside the timed loop). */
export function zipfSequence(n: number, count: number, s: number, seed: number): Uint32Array {
  const sample = zipfSampler(n, s, seededRandom(seed));
  const out = new Uint32Array(count);
  for (let i = 0; i < count; i++) out[i] = sample();
  return out;
}
