// upstream's slowStartBatch: run `count` calls in batches of 1, 2, 4, ... so a call that keeps
// failing (quota, admission) fails once, not `count` times. Stops at the first batch with an error.

/** controller.SlowStartInitialBatchSize. */
export const SLOW_START_INITIAL_BATCH_SIZE = 1;

/** Returns how many calls succeeded and the first error, if a batch failed. */
export async function slowStartBatch(count: number, initialBatchSize: number, fn: () => Promise<void>): Promise<{ successes: number; error?: unknown }> {
  let remaining = count;
  let successes = 0;
  for (let batch = Math.min(remaining, initialBatchSize); batch > 0; batch = Math.min(2 * batch, remaining)) {
    const results = await Promise.allSettled(Array.from({ length: batch }, () => fn()));
    const failures = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    successes += batch - failures.length;
    if (failures.length > 0) return { successes, error: failures[0].reason };
    remaining -= batch;
  }
  return { successes };
}
