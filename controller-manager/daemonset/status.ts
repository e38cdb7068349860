// The status of a DaemonSet (upstream updateDaemonSetStatus): desired/current/misscheduled/ready/
// updated/available/unavailable counts from the nodes and the pods grouped by node. Pure.
import type { DaemonSet, Node } from '../history/types.js';
import { isPodAvailable, isPodReady, msUntilAvailable } from '../history/pods.js';
import { nodeShouldRunDaemonPod } from './eligibility.js';
import { byScheduledThenAge, isPodUpdated, type NodePods } from './node-pods.js';

export interface DaemonSetCounts {
  desiredNumberScheduled: number;
  currentNumberScheduled: number;
  numberMisscheduled: number;
  numberReady: number;
  updatedNumberScheduled: number;
  numberAvailable: number;
  numberUnavailable: number;
}

export function computeStatus(ds: Readonly<DaemonSet>, nodes: readonly Readonly<Node>[], nodePods: NodePods, hash: string, nowMs: number): { counts: DaemonSetCounts; recheckAfterMs?: number } {
  const c: DaemonSetCounts = { desiredNumberScheduled: 0, currentNumberScheduled: 0, numberMisscheduled: 0, numberReady: 0, updatedNumberScheduled: 0, numberAvailable: 0, numberUnavailable: 0 };
  const minReady = ds.spec?.minReadySeconds ?? 0;
  let recheckAfterMs: number | undefined;
  for (const node of nodes) {
    const pods = nodePods.get(node.metadata?.name ?? '') ?? [];
    const scheduled = pods.length > 0;
    if (nodeShouldRunDaemonPod(node, ds).shouldRun) {
      c.desiredNumberScheduled++;
      if (!scheduled) continue;
      c.currentNumberScheduled++;
      const pod = [...pods].sort(byScheduledThenAge)[0]!;
      if (isPodReady(pod)) {
        c.numberReady++;
        if (isPodAvailable(pod, minReady, nowMs)) c.numberAvailable++;
        else {
          const left = msUntilAvailable(pod, minReady, nowMs);
          if (left !== undefined) recheckAfterMs = Math.min(recheckAfterMs ?? left, left);
        }
      }
      if (isPodUpdated(pod, hash)) c.updatedNumberScheduled++;
    } else if (scheduled) {
      c.numberMisscheduled++;
    }
  }
  c.numberUnavailable = c.desiredNumberScheduled - c.numberAvailable;
  return { counts: c, recheckAfterMs };
}
