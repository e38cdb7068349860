// Pure helpers over a Job's status conditions as upstream's job controller writes them (Complete,
// Failed, SuccessCriteriaMet, FailureTarget, Suspended). Never reads or writes the API.
import type { Job, JobCondition } from './types.js';

export const REASON_BACKOFF_LIMIT_EXCEEDED = 'BackoffLimitExceeded';
export const MESSAGE_BACKOFF_LIMIT_EXCEEDED = 'Job has reached the specified backoff limit';
export const REASON_DEADLINE_EXCEEDED = 'DeadlineExceeded';
export const MESSAGE_DEADLINE_EXCEEDED = 'Job was active longer than specified deadline';
export const REASON_POD_FAILURE_POLICY = 'PodFailurePolicy';
export const REASON_COMPLETIONS_REACHED = 'CompletionsReached';
export const MESSAGE_COMPLETIONS_REACHED = 'Reached expected number of succeeded pods';

/** metav1.Time on the wire: RFC 3339, whole seconds, UTC. */
export function timestamp(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export function findCondition(conditions: readonly JobCondition[] | undefined, type: string): JobCondition | undefined {
  return (conditions ?? []).find((c) => c.type === type);
}

export function hasTrueCondition(job: Readonly<Job>, type: string): boolean {
  return findCondition(job.status?.conditions, type)?.status === 'True';
}

/** The condition of a finished Job (Complete or Failed, status True), if any. */
export function finishedCondition(job: Readonly<Job>): JobCondition | undefined {
  return (job.status?.conditions ?? []).find((c) => (c.type === 'Complete' || c.type === 'Failed') && c.status === 'True');
}

export function isJobFinished(job: Readonly<Job>): boolean {
  return finishedCondition(job) !== undefined;
}

/**
 * Sets a condition as upstream's ensureJobConditionStatus: a new type is appended; an existing one
 * changes its transition time only when its status changes. Returns whether anything changed.
 */
export function setCondition(conditions: JobCondition[], type: string, status: 'True' | 'False', reason: string, message: string, now: number): boolean {
  const existing = conditions.find((c) => c.type === type);
  if (!existing) {
    if (status === 'False') return false;
    conditions.push({ type, status, reason, message, lastProbeTime: timestamp(now), lastTransitionTime: timestamp(now) });
    return true;
  }
  if (existing.status === status && existing.reason === reason && existing.message === message) return false;
  if (existing.status !== status) existing.lastTransitionTime = timestamp(now);
  existing.status = status;
  existing.reason = reason;
  existing.message = message;
  existing.lastProbeTime = timestamp(now);
  return true;
}
