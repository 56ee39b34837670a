/** Pure: how long a message waits after its `attempts`-th failed send: base · 2^(attempts−1), capped. */
export function retryDelayMs(attempts: number, policy: { retryBaseMs: number; retryMaxMs: number }): number {
  const exponent = Math.min(Math.max(attempts - 1, 0), 30);
  return Math.min(policy.retryBaseMs * 2 ** exponent, policy.retryMaxMs);
}

/** A message whose `attempts`-th send failed is dead once it reached the maximum. */
export function isDead(attempts: number, maxAttempts: number): boolean {
  return attempts >= maxAttempts;
}
