// NodeMetrics / PodMetrics objects and lists as metrics-server serves them, from a UsageStore and the
// Node and Pod objects they describe. Pure: the caller passes the objects and the time.
import type { Node, Pod } from '../../api/types.js';
import { formatGoDuration } from './go-duration.js';
import { METRICS_API_VERSION } from './resources.js';
import type { Usage, UsageStore } from './usage-store.js';

export interface NodeMetrics {
  kind: 'NodeMetrics';
  apiVersion: string;
  metadata: { name: string; creationTimestamp: string; labels?: Record<string, string> };
  timestamp: string;
  window: string;
  usage: Usage;
}

export interface PodMetrics {
  kind: 'PodMetrics';
  apiVersion: string;
  metadata: { name: string; namespace: string; creationTimestamp: string; labels?: Record<string, string> };
  timestamp: string;
  window: string;
  containers: { name: string; usage: Usage }[];
}

/** metav1.Time marshals to whole seconds. */
function rfc3339(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

export function nodeMetrics(node: Node, store: UsageStore, now: Date): NodeMetrics | undefined {
  const name = node.metadata?.name ?? '';
  const used = store.node(name);
  if (!used) return undefined;
  const labels = node.metadata?.labels;
  return {
    kind: 'NodeMetrics',
    apiVersion: METRICS_API_VERSION,
    metadata: { name, creationTimestamp: rfc3339(now.getTime()), ...(labels && Object.keys(labels).length ? { labels: { ...labels } } : {}) },
    timestamp: rfc3339(used.timestampMs),
    window: formatGoDuration(used.windowMs * 1e6),
    usage: used.usage,
  };
}

export function podMetrics(pod: Pod, store: UsageStore, now: Date): PodMetrics | undefined {
  const name = pod.metadata?.name ?? '';
  const namespace = pod.metadata?.namespace ?? '';
  const used = store.pod(namespace, name);
  if (!used) return undefined;
  const labels = pod.metadata?.labels;
  return {
    kind: 'PodMetrics',
    apiVersion: METRICS_API_VERSION,
    metadata: { name, namespace, creationTimestamp: rfc3339(now.getTime()), ...(labels && Object.keys(labels).length ? { labels: { ...labels } } : {}) },
    timestamp: rfc3339(used.timestampMs),
    window: formatGoDuration(used.windowMs * 1e6),
    containers: used.containers,
  };
}

export function metricsList<T>(kind: 'NodeMetricsList' | 'PodMetricsList', items: T[]) {
  return { kind, apiVersion: METRICS_API_VERSION, metadata: {}, items };
}
