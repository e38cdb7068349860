// NodeAffinity: the filter applies spec.nodeSelector and required node affinity; the score sums the
// weights of the preferred terms a node matches, normalised to 0..100. Pure.
import type { Pod } from '../../api/types.js';
import { defaultNormalizeScore, MAX_NODE_SCORE, unresolvable, type Plugin, type Status } from '../framework.js';
import type { NodeInfo } from '../node-info.js';
import { nodeMatchesPodNodeSelection, nodeMatchesTerm } from './helpers.js';

export const ERR_REASON_NODE_AFFINITY = "node(s) didn't match Pod's node affinity/selector";

export function filterNodeAffinity(pod: Pod, node: NodeInfo): Status | undefined {
  return nodeMatchesPodNodeSelection(pod, node.node) ? undefined : unresolvable(ERR_REASON_NODE_AFFINITY);
}

export function scoreNodeAffinity(pod: Pod, node: NodeInfo): number {
  let score = 0;
  for (const term of pod.spec?.affinity?.nodeAffinity?.preferredDuringSchedulingIgnoredDuringExecution ?? []) {
    if (term.weight !== 0 && nodeMatchesTerm(node.node, term.preference)) score += term.weight;
  }
  return score;
}

export const nodeAffinity: Plugin = {
  name: 'NodeAffinity',
  weight: 2,
  filter: (pod, node) => filterNodeAffinity(pod, node),
  score: (pod, node) => scoreNodeAffinity(pod, node),
  normalize: (scores) => defaultNormalizeScore(MAX_NODE_SCORE, false, scores),
};
