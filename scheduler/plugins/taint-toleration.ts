// TaintToleration: the filter refuses nodes with a NoSchedule/NoExecute taint the pod does not
// tolerate; the score prefers nodes with fewer untolerated PreferNoSchedule taints. Pure.
import type { Pod, Toleration } from '../../api/types.js';
import { defaultNormalizeScore, MAX_NODE_SCORE, unresolvable, type Plugin, type Status } from '../framework.js';
import type { NodeInfo } from '../node-info.js';
import { findUntoleratedTaint, toleratesTaint } from './helpers.js';

export function filterTaintToleration(pod: Pod, node: NodeInfo): Status | undefined {
  const taint = findUntoleratedTaint(node.node.spec?.taints, pod.spec?.tolerations, ['NoSchedule', 'NoExecute']);
  if (!taint) return undefined;
  return unresolvable(`node(s) had untolerated taint {${taint.key}: ${taint.value ?? ''}}`);
}

/** How many PreferNoSchedule taints the pod's (empty-effect or PreferNoSchedule) tolerations leave. */
export function countIntolerableTaints(pod: Pod, node: NodeInfo): number {
  const tolerations: Toleration[] = (pod.spec?.tolerations ?? []).filter((t) => !t.effect || t.effect === 'PreferNoSchedule');
  let count = 0;
  for (const taint of node.node.spec?.taints ?? []) {
    if (taint.effect !== 'PreferNoSchedule') continue;
    if (!tolerations.some((t) => toleratesTaint(t, taint))) count++;
  }
  return count;
}

export const taintToleration: Plugin = {
  name: 'TaintToleration',
  weight: 3,
  filter: (pod, node) => filterTaintToleration(pod, node),
  score: (pod, node) => countIntolerableTaints(pod, node),
  normalize: (scores) => defaultNormalizeScore(MAX_NODE_SCORE, true, scores),
};
