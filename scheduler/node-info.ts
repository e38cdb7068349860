// One node as the scheduler sees it (upstream framework.NodeInfo): the Node, the pods placed on it
// (bound or assumed), their summed requests, used host ports and the pods with (anti-)affinity.
// Mutated only by the cache and by preemption's private copies; plugins only read it.
import type { Node, Pod } from '../api/types.js';
import { add, emptyResources, nodeAllocatable, podRequests, type Resources } from './resources.js';

export interface PodInfo {
  pod: Pod;
  key: string;
  requests: Resources;
  nonZeroRequests: Resources;
  hasAffinity: boolean;
  hasRequiredAntiAffinity: boolean;
}

export function podInfoOf(pod: Pod): PodInfo {
  const a = pod.spec?.affinity;
  return {
    pod,
    key: `${pod.metadata?.namespace ?? ''}/${pod.metadata?.name ?? ''}`,
    requests: podRequests(pod),
    nonZeroRequests: podRequests(pod, true),
    hasAffinity: !!(a?.podAffinity || a?.podAntiAffinity),
    hasRequiredAntiAffinity: (a?.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.length ?? 0) > 0,
  };
}

export interface HostPort {
  ip: string;
  protocol: string;
  port: number;
}

/** A pod's host ports as upstream's schedutil.GetHostPorts (ip defaults to 0.0.0.0, protocol TCP). */
export function hostPortsOf(pod: Pod): HostPort[] {
  const out: HostPort[] = [];
  for (const c of pod.spec?.containers ?? []) {
    for (const p of c.ports ?? []) {
      if (!p.hostPort || p.hostPort <= 0) continue;
      out.push({ ip: p.hostIP || '0.0.0.0', protocol: p.protocol || 'TCP', port: p.hostPort });
    }
  }
  return out;
}

export class NodeInfo {
  readonly pods = new Map<string, PodInfo>();
  requested: Resources = emptyResources();
  nonZeroRequested: Resources = emptyResources();
  usedPorts: HostPort[] = [];
  allocatable: Resources;

  constructor(public node: Node) {
    this.allocatable = nodeAllocatable(node);
  }

  get name(): string {
    return this.node.metadata?.name ?? '';
  }

  setNode(node: Node): void {
    this.node = node;
    this.allocatable = nodeAllocatable(node);
  }

  addPod(info: PodInfo): void {
    if (this.pods.has(info.key)) this.removePod(info.key);
    this.pods.set(info.key, info);
    this.requested = add(this.requested, { ...info.requests, pods: 1 });
    this.nonZeroRequested = add(this.nonZeroRequested, { ...info.nonZeroRequests, pods: 1 });
    this.usedPorts.push(...hostPortsOf(info.pod));
  }

  removePod(key: string): PodInfo | undefined {
    const info = this.pods.get(key);
    if (!info) return undefined;
    this.pods.delete(key);
    this.recompute();
    return info;
  }

  private recompute(): void {
    let r = emptyResources();
    let nz = emptyResources();
    const ports: HostPort[] = [];
    for (const p of this.pods.values()) {
      r = add(r, { ...p.requests, pods: 1 });
      nz = add(nz, { ...p.nonZeroRequests, pods: 1 });
      ports.push(...hostPortsOf(p.pod));
    }
    this.requested = r;
    this.nonZeroRequested = nz;
    this.usedPorts = ports;
  }

  /** A private copy for preemption's what-if (pods shared, sums copied). */
  clone(): NodeInfo {
    const copy = new NodeInfo(this.node);
    for (const p of this.pods.values()) copy.addPod(p);
    return copy;
  }
}
