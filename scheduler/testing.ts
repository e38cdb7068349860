// Builders of pods, nodes and snapshots for the scheduler's unit tests. Test support only: the
// scheduler never imports it.
import type { Node, Pod } from '../api/types.js';
import type { Snapshot } from './framework.js';
import { NodeInfo, podInfoOf } from './node-info.js';

export interface PodOptions {
  name?: string;
  namespace?: string;
  labels?: Record<string, string>;
  cpu?: string;
  memory?: string;
  priority?: number;
  spec?: Partial<NonNullable<Pod['spec']>>;
}

export function makePod(o: PodOptions = {}): Pod {
  const requests: Record<string, string> = {};
  if (o.cpu) requests.cpu = o.cpu;
  if (o.memory) requests.memory = o.memory;
  return {
    metadata: { name: o.name ?? 'p', namespace: o.namespace ?? 'default', uid: `uid-${o.name ?? 'p'}`, labels: o.labels },
    spec: {
      containers: [{ name: 'c', image: 'busybox', resources: Object.keys(requests).length ? { requests } : {} }],
      ...(o.priority !== undefined ? { priority: o.priority } : {}),
      ...o.spec,
    },
  };
}

export interface NodeOptions {
  labels?: Record<string, string>;
  cpu?: string;
  memory?: string;
  pods?: string;
  spec?: Partial<NonNullable<Node['spec']>>;
}

export function makeNode(name: string, o: NodeOptions = {}): Node {
  const allocatable = { cpu: o.cpu ?? '4', memory: o.memory ?? '8Gi', pods: o.pods ?? '110', 'ephemeral-storage': '100Gi' };
  return {
    metadata: { name, labels: { 'kubernetes.io/hostname': name, ...o.labels } },
    spec: { ...o.spec },
    status: { allocatable, capacity: allocatable },
  };
}

export function nodeInfo(node: Node, pods: Pod[] = []): NodeInfo {
  const info = new NodeInfo(node);
  for (const p of pods) {
    const bound = structuredClone(p);
    bound.spec!.nodeName = node.metadata!.name;
    info.addPod(podInfoOf(bound));
  }
  return info;
}

export function snapshotOf(infos: NodeInfo[], extra: Partial<Snapshot> = {}): Snapshot {
  return {
    list: () => infos,
    get: (n) => infos.find((i) => i.name === n),
    pvc: () => undefined,
    pv: () => undefined,
    namespaceLabels: () => undefined,
    ...extra,
  };
}
