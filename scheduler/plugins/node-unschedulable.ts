// Filter NodeUnschedulable: a cordoned node (spec.unschedulable) takes only pods that tolerate the
// node.kubernetes.io/unschedulable:NoSchedule taint. Pure.
import type { Pod } from '../../api/types.js';
import { unresolvable, type Plugin, type Status } from '../framework.js';
import type { NodeInfo } from '../node-info.js';
import { toleratesTaint } from './helpers.js';

export const ERR_REASON_UNSCHEDULABLE = 'node(s) were unschedulable';

export function filterNodeUnschedulable(pod: Pod, node: NodeInfo): Status | undefined {
  if (!node.node.spec?.unschedulable) return undefined;
  const taint = { key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' };
  if ((pod.spec?.tolerations ?? []).some((t) => toleratesTaint(t, taint))) return undefined;
  return unresolvable(ERR_REASON_UNSCHEDULABLE);
}

export const nodeUnschedulable: Plugin = {
  name: 'NodeUnschedulable',
  filter: (pod, node) => filterNodeUnschedulable(pod, node),
};
