// The scheduler's cache (upstream internal/cache): nodes and the pods placed on them, bound (from
// the informer) or assumed (chosen by this scheduler, binding in flight), so two pods never take
// the same last slot before the informer catches up. Must never report an assumed pod as gone
// until its binding failed or the informer has confirmed or deleted it.
import type { Node, Pod } from '../api/types.js';
import type { Snapshot } from './framework.js';
import { NodeInfo, podInfoOf } from './node-info.js';

export const podKey = (pod: Pod) => `${pod.metadata?.namespace ?? ''}/${pod.metadata?.name ?? ''}`;

/** Pods that no longer hold resources: upstream's scheduler ignores terminal pods. */
export function isTerminal(pod: Pod): boolean {
  return pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed';
}

interface PodState {
  nodeName: string;
  assumed: boolean;
}

export class SchedulerCache {
  private readonly infos = new Map<string, NodeInfo>();
  /** Nodes that exist as Node objects (an info may exist only to hold pods of an unknown node). */
  private readonly known = new Set<string>();
  private readonly podStates = new Map<string, PodState>();

  private infoFor(nodeName: string): NodeInfo {
    let info = this.infos.get(nodeName);
    if (!info) {
      info = new NodeInfo({ metadata: { name: nodeName } });
      this.infos.set(nodeName, info);
    }
    return info;
  }

  addNode(node: Node): void {
    const name = node.metadata!.name!;
    this.infoFor(name).setNode(node);
    this.known.add(name);
  }

  updateNode(node: Node): void {
    this.addNode(node);
  }

  removeNode(node: Node): void {
    const name = node.metadata!.name!;
    this.known.delete(name);
    const info = this.infos.get(name);
    if (info && info.pods.size === 0) this.infos.delete(name);
  }

  nodeCount(): number {
    return this.known.size;
  }

  /** The pod as this scheduler placed it; the informer has not yet shown the binding. */
  assume(pod: Pod, nodeName: string): void {
    const key = podKey(pod);
    if (this.podStates.has(key)) throw new Error(`pod ${key} is already in the cache`);
    const bound = structuredClone(pod) as Pod;
    bound.spec = { ...bound.spec!, nodeName };
    this.infoFor(nodeName).addPod(podInfoOf(bound));
    this.podStates.set(key, { nodeName, assumed: true });
  }

  /** A binding failed: the assumed pod leaves the node again. */
  forget(pod: Pod): void {
    const key = podKey(pod);
    const state = this.podStates.get(key);
    if (!state?.assumed) return;
    this.infos.get(state.nodeName)?.removePod(key);
    this.podStates.delete(key);
  }

  isAssumed(pod: Pod): boolean {
    return this.podStates.get(podKey(pod))?.assumed === true;
  }

  /** From the informer: a pod with spec.nodeName (replaces an assumed copy). Terminal pods leave. */
  addOrUpdatePod(pod: Pod): void {
    const key = podKey(pod);
    const nodeName = pod.spec?.nodeName;
    const state = this.podStates.get(key);
    if (!nodeName || isTerminal(pod)) {
      if (state && !state.assumed) this.removePod(pod);
      return;
    }
    if (state) this.infos.get(state.nodeName)?.removePod(key);
    this.infoFor(nodeName).addPod(podInfoOf(pod));
    this.podStates.set(key, { nodeName, assumed: false });
  }

  removePod(pod: Pod): void {
    const key = podKey(pod);
    const state = this.podStates.get(key);
    if (!state) return;
    const info = this.infos.get(state.nodeName);
    info?.removePod(key);
    this.podStates.delete(key);
    if (info && info.pods.size === 0 && !this.known.has(state.nodeName)) this.infos.delete(state.nodeName);
  }

  /** The live view of known nodes; valid until the next await (the cycle is synchronous). */
  snapshot(lookups: Omit<Snapshot, 'list' | 'get'>): Snapshot {
    const list = [...this.known].map((n) => this.infos.get(n)!);
    return {
      list: () => list,
      get: (name) => (this.known.has(name) ? this.infos.get(name) : undefined),
      pvc: lookups.pvc,
      pv: lookups.pv,
      storageClass: lookups.storageClass,
      persistentVolumes: lookups.persistentVolumes,
      namespaceLabels: lookups.namespaceLabels,
    };
  }
}
