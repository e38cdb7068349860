// NodeResourcesFit: the filter checks the pod's requests (cpu, memory, ephemeral-storage, extended
// resources, and one pod slot) against what the node has left; the score is upstream's
// LeastAllocated over cpu and memory (weights 1 and 1) with non-zero default requests. Pure.
import type { Pod } from '../../api/types.js';
import { MAX_NODE_SCORE, unschedulable, type Plugin, type Status } from '../framework.js';
import type { NodeInfo } from '../node-info.js';
import { podRequests, type Resources } from '../resources.js';

/** Reasons of every resource that does not fit, in upstream's order; [] when the pod fits. */
export function insufficientResources(request: Resources, node: NodeInfo): string[] {
  const reasons: string[] = [];
  const alloc = node.allocatable;
  const used = node.requested;
  if (used.pods + 1 > alloc.pods) reasons.push('Too many pods');
  const scalarRequested = Object.values(request.scalar).some((v) => v > 0);
  if (request.milliCPU === 0 && request.memory === 0 && request.ephemeralStorage === 0 && !scalarRequested) return reasons;
  if (request.milliCPU > 0 && request.milliCPU > alloc.milliCPU - used.milliCPU) reasons.push('Insufficient cpu');
  if (request.memory > 0 && request.memory > alloc.memory - used.memory) reasons.push('Insufficient memory');
  if (request.ephemeralStorage > 0 && request.ephemeralStorage > alloc.ephemeralStorage - used.ephemeralStorage) reasons.push('Insufficient ephemeral-storage');
  for (const [name, amount] of Object.entries(request.scalar)) {
    if (amount > 0 && amount > (alloc.scalar[name] ?? 0) - (used.scalar[name] ?? 0)) reasons.push(`Insufficient ${name}`);
  }
  return reasons;
}

export function filterNodeResourcesFit(pod: Pod, node: NodeInfo, request: Resources = podRequests(pod)): Status | undefined {
  const reasons = insufficientResources(request, node);
  return reasons.length ? unschedulable(...reasons) : undefined;
}

function leastRequested(requested: number, capacity: number): number {
  if (capacity === 0 || requested > capacity) return 0;
  return Math.trunc(((capacity - requested) * MAX_NODE_SCORE) / capacity);
}

/** LeastAllocated: the mean free share of cpu and memory after placing the pod, 0..100. */
export function scoreLeastAllocated(pod: Pod, node: NodeInfo, podNonZero: Resources = podRequests(pod, true)): number {
  const cpu = leastRequested(node.nonZeroRequested.milliCPU + podNonZero.milliCPU, node.allocatable.milliCPU);
  const mem = leastRequested(node.nonZeroRequested.memory + podNonZero.memory, node.allocatable.memory);
  return Math.trunc((cpu + mem) / 2);
}

interface FitState {
  request: Resources;
  nonZero: Resources;
}

export const nodeResourcesFit: Plugin<FitState> = {
  name: 'NodeResourcesFit',
  weight: 1,
  preFilter: (pod) => ({ state: { request: podRequests(pod), nonZero: podRequests(pod, true) } }),
  filter: (pod, node, state) => filterNodeResourcesFit(pod, node, state?.request),
  preScore: (pod) => ({ request: podRequests(pod), nonZero: podRequests(pod, true) }),
  score: (pod, node, state) => scoreLeastAllocated(pod, node, state?.nonZero),
};
