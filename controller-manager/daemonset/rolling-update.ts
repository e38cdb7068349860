// The RollingUpdate step of a DaemonSet sync (upstream update.go rollingUpdate): which old pods to
// delete within maxUnavailable, or, with maxSurge, on which nodes to start a new pod beside the old
// one and which old pods to retire once their replacement is available. Pure; never writes.
import type { DaemonSet, Node, Pod } from '../history/types.js';
import { isPodAvailable, scaledValue } from '../history/pods.js';
import { nodeShouldRunDaemonPod } from './eligibility.js';
import { isPodUpdated, type NodePods } from './node-pods.js';

export interface RollingUpdatePlan {
  podsToDelete: string[];
  nodesToCreate: string[];
  maxUnavailable: number;
  maxSurge: number;
}

/** upstream findUpdatedPodsOnNode: at most one new and one old live pod, else not ok. */
function updatedPodsOnNode(pods: readonly Readonly<Pod>[], hash: string): { ok: boolean; newPod?: Readonly<Pod>; oldPod?: Readonly<Pod> } {
  let newPod: Readonly<Pod> | undefined;
  let oldPod: Readonly<Pod> | undefined;
  for (const pod of pods) {
    if (pod.metadata?.deletionTimestamp) continue;
    if (isPodUpdated(pod, hash)) {
      if (newPod) return { ok: false };
      newPod = pod;
    } else {
      if (oldPod) return { ok: false };
      oldPod = pod;
    }
  }
  return { ok: true, newPod, oldPod };
}

/** upstream updatedDesiredNodeCounts: wanted nodes join the map empty; maxUnavailable 1 when both are 0. */
export function desiredNodeCounts(ds: Readonly<DaemonSet>, nodes: readonly Readonly<Node>[], nodePods: NodePods) {
  let desired = 0;
  for (const node of nodes) {
    if (!nodeShouldRunDaemonPod(node, ds).shouldRun) continue;
    desired++;
    if (!nodePods.has(node.metadata!.name!)) nodePods.set(node.metadata!.name!, []);
  }
  const ru = ds.spec?.updateStrategy?.rollingUpdate;
  let maxUnavailable = scaledValue(ru?.maxUnavailable, desired, true, 1);
  const maxSurge = scaledValue(ru?.maxSurge, desired, true, 0);
  if (maxUnavailable === 0 && maxSurge === 0) maxUnavailable = 1;
  return { desired, maxUnavailable, maxSurge };
}

export function planRollingUpdate(ds: Readonly<DaemonSet>, nodes: readonly Readonly<Node>[], grouped: NodePods, hash: string, nowMs: number): RollingUpdatePlan {
  const nodePods: NodePods = new Map(grouped);
  const { desired, maxUnavailable, maxSurge } = desiredNodeCounts(ds, nodes, nodePods);
  const minReady = ds.spec?.minReadySeconds ?? 0;
  const available = (pod: Readonly<Pod>) => isPodAvailable(pod, minReady, nowMs);
  const nodeByName = new Map(nodes.map((n) => [n.metadata?.name ?? '', n]));
  const shouldRunOn = (name: string) => {
    const node = nodeByName.get(name);
    return node !== undefined && nodeShouldRunDaemonPod(node, ds).shouldRun;
  };

  if (maxSurge === 0) {
    let numUnavailable = 0;
    const replacements: string[] = [];
    const candidates: string[] = [];
    for (const pods of nodePods.values()) {
      const { ok, newPod, oldPod } = updatedPodsOnNode(pods, hash);
      if (!ok) { numUnavailable++; continue; }
      if ((!oldPod && !newPod) || (oldPod && newPod)) {
        numUnavailable++;
      } else if (newPod) {
        if (!available(newPod)) numUnavailable++;
      } else if (oldPod) {
        if (!available(oldPod)) {
          replacements.push(oldPod.metadata!.name!);
          numUnavailable++;
        } else if (numUnavailable < maxUnavailable) {
          candidates.push(oldPod.metadata!.name!);
        }
      }
    }
    const remaining = Math.min(Math.max(0, maxUnavailable - numUnavailable), candidates.length);
    return { podsToDelete: [...replacements, ...candidates.slice(0, remaining)], nodesToCreate: [], maxUnavailable, maxSurge };
  }

  const podsToDelete: string[] = [];
  const shouldNotRun: Readonly<Pod>[] = [];
  const candidateNodes: string[] = [];
  const allowedNodes: string[] = [];
  let numSurge = 0;
  let numAvailable = 0;
  for (const [nodeName, pods] of nodePods) {
    const { ok, newPod, oldPod } = updatedPodsOnNode(pods, hash);
    if (!ok) { numSurge++; continue; }
    if (oldPod) { if (available(oldPod)) numAvailable++; } else if (newPod && available(newPod)) numAvailable++;
    if (!oldPod) continue;
    if (!newPod) {
      if (!available(oldPod)) {
        if (!shouldRunOn(nodeName)) { podsToDelete.push(oldPod.metadata!.name!); continue; }
        allowedNodes.push(nodeName);
      } else {
        if (!shouldRunOn(nodeName)) { shouldNotRun.push(oldPod); continue; }
        if (numSurge >= maxSurge) continue;
        candidateNodes.push(nodeName);
      }
    } else {
      if (!available(newPod)) { numSurge++; continue; }
      podsToDelete.push(oldPod.metadata!.name!);
    }
  }
  // With surge users expect full availability: retire pods on nodes that no longer want them only
  // as far as pods elsewhere are available.
  const deletable = Math.min(numAvailable - desired, shouldNotRun.length);
  for (const pod of shouldNotRun.slice(0, Math.max(0, deletable))) if (!pod.metadata?.deletionTimestamp) podsToDelete.push(pod.metadata!.name!);
  const remainingSurge = Math.min(Math.max(0, maxSurge - numSurge), candidateNodes.length);
  return { podsToDelete, nodesToCreate: [...allowedNodes, ...candidateNodes.slice(0, remainingSurge)], maxUnavailable, maxSurge };
}
