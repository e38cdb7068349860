// Filter NodeName: a pod that names a node fits only that node. Pure.
import type { Pod } from '../../api/types.js';
import { unresolvable, type Plugin, type Status } from '../framework.js';
import type { NodeInfo } from '../node-info.js';

export const ERR_REASON_NODE_NAME = "node(s) didn't match the requested node name";

export function filterNodeName(pod: Pod, node: NodeInfo): Status | undefined {
  const wanted = pod.spec?.nodeName;
  if (!wanted || wanted === node.name) return undefined;
  return unresolvable(ERR_REASON_NODE_NAME);
}

export const nodeName: Plugin = { name: 'NodeName', filter: (pod, node) => filterNodeName(pod, node) };
