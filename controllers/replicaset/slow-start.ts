/**
 * kube's slowStartBatch: calls fn `count` times in batches of 1, 2, 4, … (starting at
 * initialBatchSize), each batch concurrently, stopping after the first batch with a
 * failure. Returns how many calls succeeded and the first error, if any. A project over
 * its quota thus fails one create, not hundreds, and records one event, not hundreds.
 */
export const SLOW_START_INITIAL_BATCH_SIZE = 1;

export async function slowStartBatch(
  count: number,
  initialBatchSize: number,
  fn: () => Promise<void>,
): Promise<{ successes: number; error?: unknown }> {
  let remaining = count;
  let successes = 0;
  for (let batch = Math.min(remaining, initialBatchSize); batch > 0; batch = Math.min(2 * batch, remaining)) {
    const results = await Promise.allSettled(Array.from({ length: batch }, () => fn()));
    const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    successes += batch - failed.length;
    if (failed.length > 0) return { successes, error: failed[0]!.reason };
    remaining -= batch;
  }
  return { successes };
}
