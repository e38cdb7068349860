// Pure taint and toleration rules of node lifecycle (upstream pkg/controller/nodelifecycle and
// k8s.io/api/core/v1 toleration.go): the taints a node's conditions call for, and which of a
// taint set a pod tolerates and for how long. No I/O; never mutates its arguments.
import type { Node, NodeCondition, Taint, Toleration } from './types.js';

export const TAINT_NOT_READY = 'node.kubernetes.io/not-ready';
export const TAINT_UNREACHABLE = 'node.kubernetes.io/unreachable';
export const TAINT_UNSCHEDULABLE = 'node.kubernetes.io/unschedulable';
export const TAINT_MEMORY_PRESSURE = 'node.kubernetes.io/memory-pressure';
export const TAINT_DISK_PRESSURE = 'node.kubernetes.io/disk-pressure';
export const TAINT_PID_PRESSURE = 'node.kubernetes.io/pid-pressure';
export const TAINT_NETWORK_UNAVAILABLE = 'node.kubernetes.io/network-unavailable';

/** Taint keys this controller owns; it adds and removes only these. */
const NO_SCHEDULE_BY_CONDITION: Record<string, Record<string, string>> = {
  Ready: { False: TAINT_NOT_READY, Unknown: TAINT_UNREACHABLE },
  MemoryPressure: { True: TAINT_MEMORY_PRESSURE },
  DiskPressure: { True: TAINT_DISK_PRESSURE },
  PIDPressure: { True: TAINT_PID_PRESSURE },
  NetworkUnavailable: { True: TAINT_NETWORK_UNAVAILABLE },
};
const OWNED_NO_SCHEDULE = new Set([TAINT_NOT_READY, TAINT_UNREACHABLE, TAINT_UNSCHEDULABLE, TAINT_MEMORY_PRESSURE, TAINT_DISK_PRESSURE, TAINT_PID_PRESSURE, TAINT_NETWORK_UNAVAILABLE]);
const OWNED_NO_EXECUTE = new Set([TAINT_NOT_READY, TAINT_UNREACHABLE]);

function condition(conditions: readonly NodeCondition[] | undefined, type: string): NodeCondition | undefined {
  return (conditions ?? []).find((c) => c.type === type);
}

/**
 * The node's taints with the ones this controller owns set from its conditions: NoSchedule from
 * each condition (taint-node-by-condition) and NoExecute from Ready (taint-based eviction), unless
 * `evict` is false (all nodes down: upstream's disruption mode adds no NoExecute taint).
 * Taints already present keep their timeAdded; returns the same array content when nothing changes.
 */
export function desiredTaints(node: Readonly<Node>, conditions: readonly NodeCondition[] | undefined, evict: boolean, now: string): Taint[] {
  const wantNoSchedule = new Set<string>();
  for (const [type, byStatus] of Object.entries(NO_SCHEDULE_BY_CONDITION)) {
    const key = byStatus[condition(conditions, type)?.status ?? ''];
    if (key) wantNoSchedule.add(key);
  }
  if (node.spec?.unschedulable) wantNoSchedule.add(TAINT_UNSCHEDULABLE);
  const wantNoExecute = new Set<string>();
  const ready = condition(conditions, 'Ready')?.status;
  if (evict && ready === 'False') wantNoExecute.add(TAINT_NOT_READY);
  if (evict && ready === 'Unknown') wantNoExecute.add(TAINT_UNREACHABLE);

  const current = node.spec?.taints ?? [];
  const result: Taint[] = [];
  for (const t of current) {
    if (t.effect === 'NoSchedule' && OWNED_NO_SCHEDULE.has(t.key)) { if (wantNoSchedule.delete(t.key)) result.push(t); continue; }
    if (t.effect === 'NoExecute' && OWNED_NO_EXECUTE.has(t.key)) { if (wantNoExecute.delete(t.key)) result.push(t); continue; }
    result.push(t);
  }
  for (const key of wantNoSchedule) result.push({ key, effect: 'NoSchedule' });
  for (const key of wantNoExecute) result.push({ key, effect: 'NoExecute', timeAdded: now });
  return result;
}

/** Toleration.ToleratesTaint. */
export function toleratesTaint(toleration: Readonly<Toleration>, taint: Readonly<Taint>): boolean {
  if (toleration.effect && toleration.effect !== taint.effect) return false;
  if (toleration.key && toleration.key !== taint.key) return false;
  switch (toleration.operator ?? 'Equal') {
    case 'Exists': return true;
    case 'Equal': return (toleration.value ?? '') === (taint.value ?? '');
    default: return false;
  }
}

/**
 * For NoExecute taints: whether every taint is tolerated and, if so, how long the pod may stay
 * (the smallest tolerationSeconds among the tolerations used; Infinity when none is bounded).
 */
export function noExecuteToleration(taints: readonly Taint[], tolerations: readonly Toleration[] | undefined): { tolerated: boolean; seconds: number } {
  let seconds = Infinity;
  for (const taint of taints) {
    const used = (tolerations ?? []).filter((t) => toleratesTaint(t, taint));
    if (used.length === 0) return { tolerated: false, seconds: 0 };
    for (const t of used) {
      if (t.tolerationSeconds === undefined || t.tolerationSeconds === null) continue;
      seconds = Math.min(seconds, Math.max(0, t.tolerationSeconds));
    }
  }
  return { tolerated: true, seconds };
}

export function noExecuteTaints(node: Readonly<Node> | undefined): Taint[] {
  return (node?.spec?.taints ?? []).filter((t) => t.effect === 'NoExecute');
}
