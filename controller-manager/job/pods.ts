// Pure predicates over a Job's pods as upstream's job controller reads them: finished or failed,
// ready, when a pod finished, and which Job controls it. Never reads or writes the API.
import type { Job, Pod } from './types.js';

export function isPodReady(pod: Readonly<Pod>): boolean {
  return (pod.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');
}

export function isTerminating(pod: Readonly<Pod>): boolean {
  return pod.metadata?.deletionTimestamp !== undefined && pod.metadata.deletionTimestamp !== null;
}

/** Upstream's onlyReplaceFailedPods: podReplacementPolicy Failed, or a podFailurePolicy set. */
export function onlyReplaceFailedPods(job: Readonly<Job>): boolean {
  return job.spec?.podReplacementPolicy === 'Failed' || job.spec?.podFailurePolicy != null;
}

/**
 * Upstream's isPodFailed: phase Failed, or (unless only failed pods are replaced) deleted before it
 * succeeded, so orphaned pods that never reach a terminal phase still count.
 */
export function isPodFailed(pod: Readonly<Pod>, job: Readonly<Job>): boolean {
  if (pod.status?.phase === 'Failed') return true;
  if (onlyReplaceFailedPods(job)) return false;
  return isTerminating(pod) && pod.status?.phase !== 'Succeeded';
}

export function isPodFinished(pod: Readonly<Pod>, job: Readonly<Job>): boolean {
  return pod.status?.phase === 'Succeeded' || isPodFailed(pod, job);
}

/** Active as upstream: not terminal and not being deleted. */
export function isPodActive(pod: Readonly<Pod>): boolean {
  const phase = pod.status?.phase;
  return phase !== 'Succeeded' && phase !== 'Failed' && !isTerminating(pod);
}

/** When the pod finished: the latest container finishedAt, else its deletion or now (upstream's getFinishedTime). */
export function podFinishTime(pod: Readonly<Pod>, now: number): number {
  let latest: number | undefined;
  for (const cs of [...(pod.status?.containerStatuses ?? []), ...(pod.status?.initContainerStatuses ?? [])]) {
    const at = cs.state?.terminated?.finishedAt;
    if (at) latest = Math.max(latest ?? 0, Date.parse(at));
  }
  if (latest !== undefined && Number.isFinite(latest)) return latest;
  const deleted = pod.metadata?.deletionTimestamp;
  if (deleted) return Math.min(Date.parse(deleted), now);
  return now;
}

/** The uid of the Job that controls the pod (controller ownerReference of kind Job), if any. */
export function controllingJob(pod: Readonly<Pod>): { name: string; uid: string } | undefined {
  const ref = (pod.metadata?.ownerReferences ?? []).find((r) => r.controller === true);
  if (!ref || ref.kind !== 'Job' || !ref.apiVersion.startsWith('batch/')) return undefined;
  return { name: ref.name, uid: ref.uid };
}

/** Deletion order of active pods as upstream's ActivePods sort: unscheduled, pending, not ready, newest first. */
export function deletionOrder(a: Readonly<Pod>, b: Readonly<Pod>): number {
  const rank = (p: Readonly<Pod>) => (!p.spec?.nodeName ? 0 : p.status?.phase === 'Pending' ? 1 : !isPodReady(p) ? 2 : 3);
  const d = rank(a) - rank(b);
  if (d !== 0) return d;
  return Date.parse(b.metadata?.creationTimestamp ?? '') - Date.parse(a.metadata?.creationTimestamp ?? '') || 0;
}
