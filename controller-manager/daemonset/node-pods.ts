// Groups a DaemonSet's pods by the node they are for (upstream getNodesToDaemonPods) and orders
// them as upstream's podByCreationTimestampAndPhase. Pure.
import type { Pod } from '../history/types.js';
import { isPodTerminal } from '../history/pods.js';
import { targetNodeName } from './node-affinity.js';

export type NodePods = Map<string, Readonly<Pod>[]>;

/** Pods by target node; pods both terminal and being deleted are left out (they are gone for good). */
export function groupByNode(pods: readonly Readonly<Pod>[]): NodePods {
  const out: NodePods = new Map();
  for (const pod of pods) {
    if (isPodTerminal(pod) && pod.metadata?.deletionTimestamp) continue;
    const node = targetNodeName(pod.spec);
    if (node === undefined) continue;
    const list = out.get(node) ?? [];
    list.push(pod);
    out.set(node, list);
  }
  return out;
}

/** Scheduled pods first, then oldest first, then by name. */
export function byScheduledThenAge(a: Readonly<Pod>, b: Readonly<Pod>): number {
  const sa = !!a.spec?.nodeName;
  const sb = !!b.spec?.nodeName;
  if (sa !== sb) return sa ? -1 : 1;
  const ta = a.metadata?.creationTimestamp ?? '';
  const tb = b.metadata?.creationTimestamp ?? '';
  if (ta !== tb) return ta < tb ? -1 : 1;
  const na = a.metadata?.name ?? '';
  const nb = b.metadata?.name ?? '';
  return na < nb ? -1 : na > nb ? 1 : 0;
}

/** daemon/util.IsPodUpdated: the pod carries the current revision's hash. */
export function isPodUpdated(pod: Readonly<Pod>, hash: string): boolean {
  return !!hash && pod.metadata?.labels?.['controller-revision-hash'] === hash;
}
