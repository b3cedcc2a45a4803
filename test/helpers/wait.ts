/**
 * Polling for tests that run on real time (a live apiserver, real processes): the one
 * place where a test may wait on the wall clock. Unit tests inject a Clock instead.
 */

/**
 * Polls fn every intervalMs until it returns a truthy value, and returns it. A throw from
 * fn counts as "not yet". On the deadline it throws with `what` and the last value or
 * error, so a failing wait says what it last saw (e.g. kubectl's output).
 */
export async function waitUntil<T>(
  fn: () => Promise<T | undefined | null | false> | T | undefined | null | false,
  what: string,
  timeoutMs = 30_000,
  intervalMs = 250,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
      last = v;
    } catch (err) {
      last = err;
    }
    if (Date.now() >= deadline) {
      const detail = last instanceof Error ? last.message : JSON.stringify(last);
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; last: ${detail}`);
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
