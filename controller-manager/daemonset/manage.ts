// The core of a DaemonSet sync (upstream manage + podsShouldBeOnNode): which nodes need a daemon
// pod and which daemon pods must go (failed, surplus, on nodes that no longer want them, or pinned
// to nodes that no longer exist). Pure: computes the plan, never writes.
import type { DaemonSet, Node, Pod } from '../history/types.js';
import { isPodAvailable, isPodReady } from '../history/pods.js';
import { nodeShouldRunDaemonPod } from './eligibility.js';
import { byScheduledThenAge, type NodePods } from './node-pods.js';

export interface ManagePlan {
  nodesNeedingPods: string[];
  podsToDelete: string[];
  /** Failed daemon pods being replaced (upstream records FailedDaemonPod for each). */
  failedPods: { pod: Readonly<Pod>; node: string }[];
  /** Some failed pod waits for its backoff: sync again after this long. */
  retryAfterMs?: number;
}

function allowsSurge(ds: Readonly<DaemonSet>): boolean {
  const s = ds.spec?.updateStrategy;
  const surge = s?.rollingUpdate?.maxSurge;
  return s?.type === 'RollingUpdate' && surge !== undefined && surge !== 0 && surge !== '0%' && surge !== '0';
}

/**
 * `failedPodDelayMs(node)` says how long replacing a failed pod on that node must still wait
 * (0: now); waiting nodes are reported in `retryAfterMs`.
 */
export function planManage(
  ds: Readonly<DaemonSet>, nodes: readonly Readonly<Node>[], nodePods: NodePods, hash: string, nowMs: number,
  failedPodDelayMs: (node: string) => number = () => 0,
): ManagePlan {
  const plan: ManagePlan = { nodesNeedingPods: [], podsToDelete: [], failedPods: [] };
  const minReadySeconds = ds.spec?.minReadySeconds ?? 0;
  for (const node of nodes) {
    const name = node.metadata?.name ?? '';
    const { shouldRun, shouldContinueRunning } = nodeShouldRunDaemonPod(node, ds);
    const pods = nodePods.get(name);
    const exists = pods !== undefined && pods.length > 0;
    if (shouldRun && !exists) {
      plan.nodesNeedingPods.push(name);
    } else if (shouldContinueRunning && exists) {
      const running: Readonly<Pod>[] = [];
      for (const pod of pods) {
        if (pod.metadata?.deletionTimestamp) continue;
        if (pod.status?.phase === 'Failed') {
          const wait = failedPodDelayMs(name);
          if (wait > 0) {
            plan.retryAfterMs = Math.min(plan.retryAfterMs ?? wait, wait);
            continue;
          }
          plan.failedPods.push({ pod, node: name });
          plan.podsToDelete.push(pod.metadata!.name!);
        } else if (pod.status?.phase === 'Succeeded') {
          plan.podsToDelete.push(pod.metadata!.name!);
        } else {
          running.push(pod);
        }
      }
      if (running.length <= 1) continue;
      running.sort(byScheduledThenAge);
      if (!allowsSurge(ds)) {
        // More than one pod on a node without surge: keep the oldest.
        for (const pod of running.slice(1)) plan.podsToDelete.push(pod.metadata!.name!);
        continue;
      }
      // With surge, two pods may share a node: the oldest new one while the oldest old one is ready.
      let oldestNew: Readonly<Pod> | undefined;
      let oldestOld: Readonly<Pod> | undefined;
      for (const pod of running) {
        const isNew = pod.metadata?.labels?.['controller-revision-hash'] === hash;
        if (isNew && !oldestNew) { oldestNew = pod; continue; }
        if (!isNew && !oldestOld) { oldestOld = pod; continue; }
        plan.podsToDelete.push(pod.metadata!.name!);
      }
      if (oldestNew && oldestOld) {
        if (!isPodReady(oldestOld) || isPodAvailable(oldestNew, minReadySeconds, nowMs)) plan.podsToDelete.push(oldestOld.metadata!.name!);
      }
    } else if (!shouldContinueRunning && exists) {
      for (const pod of pods) if (!pod.metadata?.deletionTimestamp) plan.podsToDelete.push(pod.metadata!.name!);
    }
  }
  // Pods pinned by affinity to a node that no longer exists and never bound: delete them.
  const known = new Set(nodes.map((n) => n.metadata?.name ?? ''));
  for (const [node, pods] of nodePods) {
    if (known.has(node)) continue;
    for (const pod of pods) if (!pod.spec?.nodeName && !pod.metadata?.deletionTimestamp) plan.podsToDelete.push(pod.metadata!.name!);
  }
  return plan;
}
