// Shared helpers of the scheduler's integration tests: Node objects without a kubelet, pods,
// polling with a deadline, and the events of an object.
import type { Client, KubeObject } from '../../client/index.js';

export async function waitFor<T>(what: string, fn: () => Promise<T | undefined | false>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v !== undefined && v !== false) return v as T;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export interface NodeSpec {
  cpu?: string;
  memory?: string;
  pods?: string;
  labels?: Record<string, string>;
  taints?: { key: string; value?: string; effect: string }[];
}

/** A Node object as a kubelet would register it, Ready, with the given allocatable. */
export async function createNode(client: Client, name: string, o: NodeSpec = {}): Promise<void> {
  const allocatable = { cpu: o.cpu ?? '4', memory: o.memory ?? '8Gi', pods: o.pods ?? '110', 'ephemeral-storage': '100Gi' };
  const node = await client.resource('nodes').create({
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name, labels: { 'kubernetes.io/hostname': name, 'kubernetes.io/os': 'linux', ...o.labels } },
    spec: o.taints ? { taints: o.taints } : {},
  });
  node.status = {
    capacity: allocatable,
    allocatable,
    conditions: [{ type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status', lastHeartbeatTime: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'), lastTransitionTime: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z') }],
  };
  await client.resource('nodes').updateStatus(node);
}

/**
 * Ends a test's scenario: its pods go first (a pod left pending would be placed on the next test's
 * nodes and take a slot the next test counts on), then its nodes.
 */
export async function cleanUp(client: Client, namespace: string, nodes: string[]): Promise<void> {
  await client.resource('pods', namespace).deleteCollection({ gracePeriodSeconds: 0 }).catch(() => undefined);
  await deleteNodes(client, nodes);
}

export async function deleteNodes(client: Client, names: string[]): Promise<void> {
  for (const n of names) await client.resource('nodes').delete(n).catch(() => undefined);
}

export function pod(name: string, o: { cpu?: string; labels?: Record<string, string>; spec?: Record<string, unknown> } = {}): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, labels: o.labels },
    spec: {
      containers: [{ name: 'c', image: 'busybox:latest', resources: o.cpu ? { requests: { cpu: o.cpu } } : {} }],
      ...o.spec,
    },
  };
}

export async function nodeOf(client: Client, ns: string, name: string): Promise<string | undefined> {
  const p = await client.resource('pods', ns).get(name);
  return (p.spec as any)?.nodeName || undefined;
}

export async function eventsOf(client: Client, ns: string, name: string, reason?: string): Promise<KubeObject[]> {
  const list = await client.resource('events', ns).list({ fieldSelector: `involvedObject.name=${name}` });
  return list.items.filter((e) => !reason || e.reason === reason);
}

export async function createNamespace(client: Client, name: string): Promise<void> {
  await client.resource('namespaces').create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
}

/** Runs `fn` over items with at most `limit` in flight. */
export async function inParallel<T>(items: T[], limit: number, fn: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) await fn(items[next++]!);
  }));
}
