// Pod predicates every workload controller shares (upstream podutil and controller_utils):
// readiness, availability after minReadySeconds, activeness. Pure functions; never does I/O.
import type { Pod, PodCondition } from '../../api/types.js';

/** The pod's Ready condition, if it reports one. */
export function podReadyCondition(pod: Readonly<Pod>): Readonly<PodCondition> | undefined {
  return pod.status?.conditions?.find((c) => c.type === 'Ready');
}

/** podutil.IsPodReady: the Ready condition is True. */
export function isPodReady(pod: Readonly<Pod>): boolean {
  return podReadyCondition(pod)?.status === 'True';
}

/** When the pod last became Ready (ms since epoch), or undefined when not ready or unknown. */
export function podReadyTime(pod: Readonly<Pod>): number | undefined {
  const c = podReadyCondition(pod);
  if (c?.status !== 'True' || !c.lastTransitionTime) return undefined;
  const t = Date.parse(c.lastTransitionTime);
  return Number.isNaN(t) ? undefined : t;
}

/**
 * podutil.IsPodAvailable: ready, and ready for at least minReadySeconds at `nowMs`
 * (a pod without a transition time counts as available only when minReadySeconds is 0).
 */
export function isPodAvailable(pod: Readonly<Pod>, minReadySeconds: number, nowMs: number): boolean {
  if (!isPodReady(pod)) return false;
  if (minReadySeconds === 0) return true;
  const since = podReadyTime(pod);
  return since !== undefined && since + minReadySeconds * 1000 <= nowMs;
}

/** controller.IsPodActive: not Succeeded, not Failed, not being deleted. */
export function isPodActive(pod: Readonly<Pod>): boolean {
  const phase = pod.status?.phase;
  return phase !== 'Succeeded' && phase !== 'Failed' && !pod.metadata?.deletionTimestamp;
}

/** controller.FilterActivePods. */
export function filterActivePods<T extends Readonly<Pod>>(pods: readonly T[]): T[] {
  return pods.filter(isPodActive);
}

/** Pod key as the expectations and work queues use it: `namespace/name`. */
export function podKey(pod: Readonly<Pod>): string {
  return `${pod.metadata?.namespace ?? ''}/${pod.metadata?.name ?? ''}`;
}

/** Milliseconds until a ready pod becomes available under minReadySeconds; undefined if never/already. */
export function msUntilAvailable(pod: Readonly<Pod>, minReadySeconds: number, nowMs: number): number | undefined {
  if (minReadySeconds === 0 || !isPodReady(pod)) return undefined;
  const since = podReadyTime(pod);
  if (since === undefined) return undefined;
  const left = since + minReadySeconds * 1000 - nowMs;
  return left > 0 ? left : undefined;
}
