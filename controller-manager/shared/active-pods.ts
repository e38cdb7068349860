// Upstream's ActivePodsWithRanks ordering (controller_utils.go, v1.32 with PodDeletionCost and
// LogarithmicScaleDown on): which pods a controller deletes first when scaling down. Pure; sorts
// copies only.
import type { Pod } from '../../api/types.js';
import { isPodActive, isPodReady, podReadyTime } from './pods.js';

/** controller.kubernetes.io/pod-deletion-cost: lower cost is deleted first. */
export const POD_DELETION_COST_ANNOTATION = 'controller.kubernetes.io/pod-deletion-cost';

const PHASE_ORDINAL: Record<string, number> = { Pending: 0, Unknown: 1, Running: 2 };

function phaseOrdinal(pod: Readonly<Pod>): number {
  return PHASE_ORDINAL[pod.status?.phase ?? ''] ?? 0;
}

/** helper.GetDeletionCostFromPodAnnotations: an int32, 0 when absent or malformed. */
export function podDeletionCost(pod: Readonly<Pod>): number {
  const raw = pod.metadata?.annotations?.[POD_DELETION_COST_ANNOTATION];
  if (raw === undefined || !/^-?\d+$/.test(raw.trim())) return 0;
  const n = Number(raw.trim());
  return n >= -2147483648 && n <= 2147483647 ? n : 0;
}

function maxContainerRestarts(pod: Readonly<Pod>): number {
  let max = 0;
  for (const s of pod.status?.containerStatuses ?? []) max = Math.max(max, s.restartCount ?? 0);
  return max;
}

function timeOf(iso: string | undefined): number | undefined {
  if (!iso) return undefined;
  const t = Date.parse(iso);
  return Number.isNaN(t) ? undefined : t;
}

/** afterOrZero: the zero (unknown) time sorts first, then the later time. */
function afterOrZero(t1: number | undefined, t2: number | undefined): boolean {
  if (t1 === undefined || t2 === undefined) return t1 === undefined;
  return t1 > t2;
}

/** logarithmicRankDiff over nanoseconds since each time, as upstream: floor(log2(now - t)). */
function logRank(t: number, nowMs: number): number {
  const d = (nowMs - t) * 1e6;
  return d > 0 ? Math.floor(Math.log2(d)) : -1;
}

/** Go's string comparison of UIDs (byte order). */
function uidLess(a: Readonly<Pod>, b: Readonly<Pod>): boolean {
  return (a.metadata?.uid ?? '') < (b.metadata?.uid ?? '');
}

function timeLess(t1: number | undefined, t2: number | undefined, a: Readonly<Pod>, b: Readonly<Pod>, nowMs: number): boolean {
  if (t1 === undefined || t2 === undefined) return afterOrZero(t1, t2);
  const diff = logRank(t1, nowMs) - logRank(t2, nowMs);
  if (diff === 0) return uidLess(a, b);
  return diff < 0;
}

export interface RankedPod {
  pod: Readonly<Pod>;
  /** Active pods of related controllers on the same node ("doubled up" ranks higher, deleted first). */
  rank: number;
}

/** ActivePodsWithRanks.Less: true when `a` should be deleted before `b`. */
export function deleteBefore(a: RankedPod, b: RankedPod, nowMs: number): boolean {
  const pi = a.pod, pj = b.pod;
  const ni = pi.spec?.nodeName ?? '', nj = pj.spec?.nodeName ?? '';
  // 1. Unassigned < assigned.
  if (ni !== nj && (ni === '' || nj === '')) return ni === '';
  // 2. Pending < Unknown < Running.
  if (phaseOrdinal(pi) !== phaseOrdinal(pj)) return phaseOrdinal(pi) < phaseOrdinal(pj);
  // 3. Not ready < ready.
  if (isPodReady(pi) !== isPodReady(pj)) return !isPodReady(pi);
  // 4. Lower pod-deletion-cost < higher.
  if (podDeletionCost(pi) !== podDeletionCost(pj)) return podDeletionCost(pi) < podDeletionCost(pj);
  // 5. Doubled up < not doubled up.
  if (a.rank !== b.rank) return a.rank > b.rank;
  // 6. Ready for a shorter time < longer (logarithmic buckets).
  if (isPodReady(pi) && isPodReady(pj)) {
    const r1 = podReadyTime(pi), r2 = podReadyTime(pj);
    if (r1 !== r2) return timeLess(r1, r2, pi, pj, nowMs);
  }
  // 7. Higher container restart count < lower.
  const ri = maxContainerRestarts(pi), rj = maxContainerRestarts(pj);
  if (ri !== rj) return ri > rj;
  // 8. Empty creation time < newer < older (logarithmic buckets).
  const ci = timeOf(pi.metadata?.creationTimestamp), cj = timeOf(pj.metadata?.creationTimestamp);
  if (ci !== cj) return timeLess(ci, cj, pi, pj, nowMs);
  return false;
}

/**
 * getPodsRankedByRelatedPodsOnSameNode + sort: `pods` in deletion order, ranked by how many active
 * `relatedPods` (pods of every ReplicaSet of the same owner) share each pod's node.
 */
export function sortPodsForDeletion<T extends Readonly<Pod>>(pods: readonly T[], relatedPods: readonly Readonly<Pod>[], nowMs = Date.now()): T[] {
  const onNode = new Map<string, number>();
  for (const p of relatedPods) {
    if (!isPodActive(p)) continue;
    const node = p.spec?.nodeName ?? '';
    onNode.set(node, (onNode.get(node) ?? 0) + 1);
  }
  const ranked = pods.map((pod) => ({ pod, rank: onNode.get(pod.spec?.nodeName ?? '') ?? 0 }));
  // A stable merge sort with the strict-weak "less" as Go's sort.Sort would order equal elements arbitrarily.
  ranked.sort((x, y) => (deleteBefore(x, y, nowMs) ? -1 : deleteBefore(y, x, nowMs) ? 1 : 0));
  return ranked.map((r) => r.pod as T);
}
