// Filter NodePorts: a pod's host ports must not collide with those already used on the node
// (same protocol and port, and the same IP or either side 0.0.0.0). Pure.
import type { Pod } from '../../api/types.js';
import { unschedulable, type Plugin, type Status } from '../framework.js';
import { hostPortsOf, type HostPort, type NodeInfo } from '../node-info.js';

export const ERR_REASON_NODE_PORTS = "node(s) didn't have free ports for the requested pod ports";

function conflicts(a: HostPort, b: HostPort): boolean {
  if (a.port !== b.port || a.protocol !== b.protocol) return false;
  return a.ip === b.ip || a.ip === '0.0.0.0' || b.ip === '0.0.0.0';
}

export function filterNodePorts(pod: Pod, node: NodeInfo): Status | undefined {
  const wanted = hostPortsOf(pod);
  if (wanted.length === 0) return undefined;
  for (const w of wanted) if (node.usedPorts.some((u) => conflicts(w, u))) return unschedulable(ERR_REASON_NODE_PORTS);
  return undefined;
}

export const nodePorts: Plugin = { name: 'NodePorts', filter: (pod, node) => filterNodePorts(pod, node) };
