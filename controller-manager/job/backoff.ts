// The pod-failure backoff of Jobs, as upstream's backoffRecord: failures since the last success and
// when the last one happened; new pods wait 10 s doubling up to 10 min (DefaultJobPodFailureBackOff,
// MaxJobPodFailureBackOff). Memory only, like upstream's: a restart forgets it.

export const DEFAULT_POD_FAILURE_BACKOFF_MS = 10_000;
export const MAX_POD_FAILURE_BACKOFF_MS = 10 * 60_000;

export interface BackoffRecord {
  failuresAfterLastSuccess: number;
  lastFailureTime?: number;
}

export interface FinishedPod {
  succeeded: boolean;
  finishTime: number;
}

/** The record after these pods finished (in any order): a success resets the count. */
export function nextBackoffRecord(previous: BackoffRecord | undefined, finished: FinishedPod[]): BackoffRecord {
  const record: BackoffRecord = { ...(previous ?? { failuresAfterLastSuccess: 0 }) };
  for (const pod of [...finished].sort((a, b) => a.finishTime - b.finishTime)) {
    if (pod.succeeded) {
      record.failuresAfterLastSuccess = 0;
      delete record.lastFailureTime;
    } else {
      record.failuresAfterLastSuccess++;
      record.lastFailureTime = Math.max(record.lastFailureTime ?? 0, pod.finishTime);
    }
  }
  return record;
}

/** Milliseconds until a new pod may be created (0: now), as upstream's getRemainingTime. */
export function remainingBackoffMs(record: BackoffRecord | undefined, now: number, baseMs = DEFAULT_POD_FAILURE_BACKOFF_MS, maxMs = MAX_POD_FAILURE_BACKOFF_MS): number {
  if (!record || record.failuresAfterLastSuccess === 0 || record.lastFailureTime === undefined) return 0;
  const exponent = Math.min(record.failuresAfterLastSuccess - 1, 30);
  const delay = Math.min(baseMs * 2 ** exponent, maxMs);
  return Math.max(0, record.lastFailureTime + delay - now);
}
