// Pod state predicates the DaemonSet and StatefulSet controllers share (upstream podutil): ready,
// available after minReadySeconds, terminal, and the intstr scaling of maxUnavailable/maxSurge.
// Pure functions of the objects and a clock value; never I/O.
import type { Pod } from './types.js';

export function podReadyCondition(pod: Readonly<Pod>) {
  return pod.status?.conditions?.find((c) => c.type === 'Ready');
}

/** podutil.IsPodReady. */
export function isPodReady(pod: Readonly<Pod>): boolean {
  return podReadyCondition(pod)?.status === 'True';
}

/** podutil.IsPodAvailable: ready for at least minReadySeconds (at nowMs). */
export function isPodAvailable(pod: Readonly<Pod>, minReadySeconds: number, nowMs: number): boolean {
  const ready = podReadyCondition(pod);
  if (ready?.status !== 'True') return false;
  if (!minReadySeconds) return true;
  const since = ready.lastTransitionTime ? Date.parse(ready.lastTransitionTime) : NaN;
  return !Number.isNaN(since) && since + minReadySeconds * 1000 <= nowMs;
}

/** Milliseconds until a ready pod becomes available; undefined when it is not ready or already available. */
export function msUntilAvailable(pod: Readonly<Pod>, minReadySeconds: number, nowMs: number): number | undefined {
  const ready = podReadyCondition(pod);
  if (ready?.status !== 'True' || !minReadySeconds || !ready.lastTransitionTime) return undefined;
  const left = Date.parse(ready.lastTransitionTime) + minReadySeconds * 1000 - nowMs;
  return left > 0 ? left : undefined;
}

export function isPodTerminal(pod: Readonly<Pod>): boolean {
  return pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed';
}

export function isPodTerminating(pod: Readonly<Pod>): boolean {
  return !!pod.metadata?.deletionTimestamp;
}

/**
 * intstr.GetScaledValueFromIntOrPercent: an int as is, a percentage of total rounded up or down.
 * Throws for a string that is not a percentage, as upstream.
 */
export function scaledValue(value: number | string | undefined, total: number, roundUp: boolean, fallback = 0): number {
  if (value === undefined || value === null) return fallback;
  if (typeof value === 'number') return value;
  const m = /^(\d+)%$/.exec(value);
  if (!m) {
    if (/^\d+$/.test(value)) return Number(value);
    throw new Error(`invalid value for IntOrString: invalid type: string is not a percentage`);
  }
  const exact = (Number(m[1]) * total) / 100;
  return roundUp ? Math.ceil(exact) : Math.floor(exact);
}

/** Oldest first; ties by name (stable ordering for deletion choices). */
export function byCreationTimestamp(a: Readonly<Pod>, b: Readonly<Pod>): number {
  const ta = a.metadata?.creationTimestamp ?? '';
  const tb = b.metadata?.creationTimestamp ?? '';
  if (ta !== tb) return ta < tb ? -1 : 1;
  return (a.metadata?.name ?? '') < (b.metadata?.name ?? '') ? -1 : (a.metadata?.name ?? '') > (b.metadata?.name ?? '') ? 1 : 0;
}
