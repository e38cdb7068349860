// Score NodeResourcesBalancedAllocation: prefers nodes whose cpu and memory would be used in equal
// shares after placing the pod: (1 - standard deviation of the two fractions) * 100. Pure.
import type { Pod } from '../../api/types.js';
import { MAX_NODE_SCORE, type Plugin } from '../framework.js';
import type { NodeInfo } from '../node-info.js';
import { podRequests, type Resources } from '../resources.js';

export function scoreBalancedAllocation(pod: Pod, node: NodeInfo, request: Resources = podRequests(pod)): number {
  const fractions: number[] = [];
  for (const [used, alloc] of [
    [node.requested.milliCPU + request.milliCPU, node.allocatable.milliCPU],
    [node.requested.memory + request.memory, node.allocatable.memory],
  ] as const) {
    if (alloc === 0) continue;
    fractions.push(Math.min(used / alloc, 1));
  }
  const std = fractions.length === 2 ? Math.abs((fractions[0]! - fractions[1]!) / 2) : 0;
  return Math.trunc((1 - std) * MAX_NODE_SCORE);
}

export const balancedAllocation: Plugin<Resources> = {
  name: 'NodeResourcesBalancedAllocation',
  weight: 1,
  preScore: (pod) => podRequests(pod),
  score: (pod, node, request) => scoreBalancedAllocation(pod, node, request),
};
