// metrics-server's storage: the last and the previous point of every node and container, and the
// usage computed from them (CPU as the rate between the two cumulative samples over their window,
// memory as the last working set). Pure and clock-free: the scraper feeds it, the routes read it.

import { Quantity } from '../../api/quantity.js';
import type { MetricsPoint, NodeBatch } from './points.js';

export interface Usage {
  cpu: string;
  memory: string;
}

export interface TimeInfo {
  timestampMs: number;
  windowMs: number;
}

export interface NodeUsage extends TimeInfo {
  usage: Usage;
}

export interface PodUsage extends TimeInfo {
  containers: { name: string; usage: Usage }[];
}

interface Pair {
  last: MetricsPoint;
  prev?: MetricsPoint;
}

/** metrics-server's resourceUsage; undefined when the counter went backwards or no time passed. */
export function resourceUsage(last: MetricsPoint, prev: MetricsPoint): (TimeInfo & { usage: Usage }) | undefined {
  if (last.cumulativeCpuNs < prev.cumulativeCpuNs) return undefined;
  const windowMs = last.timestampMs - prev.timestampMs;
  if (windowMs <= 0) return undefined;
  const nanoCores = Math.trunc((last.cumulativeCpuNs - prev.cumulativeCpuNs) / (windowMs / 1000));
  return {
    timestampMs: last.timestampMs,
    windowMs,
    usage: {
      cpu: Quantity.fromNanos(BigInt(nanoCores), 'DecimalSI').toString(),
      memory: Quantity.fromValue(BigInt(Math.trunc(last.memoryBytes)), 'BinarySI').toString(),
    },
  };
}

/** A newer point of the same process moves last to prev; a restart (or the first point) starts over. */
function advance(pair: Pair | undefined, point: MetricsPoint): Pair {
  if (!pair) return { last: point };
  if (point.timestampMs <= pair.last.timestampMs) return pair;
  if (point.startTimeMs !== pair.last.startTimeMs || point.cumulativeCpuNs < pair.last.cumulativeCpuNs) return { last: point };
  return { last: point, prev: pair.last };
}

export class UsageStore {
  private nodes = new Map<string, Pair>();
  /** `namespace/name` -> container -> points. */
  private pods = new Map<string, Map<string, Pair>>();

  /** Takes one scrape of every node: what no node reported this time (a failed scrape included) is forgotten, as in metrics-server. */
  store(batches: NodeBatch[]): void {
    const nodes = new Map<string, Pair>();
    const pods = new Map<string, Map<string, Pair>>();
    for (const batch of batches) {
      if (batch.node) nodes.set(batch.nodeName, advance(this.nodes.get(batch.nodeName), batch.node));
      for (const pod of batch.pods) {
        const key = `${pod.namespace}/${pod.name}`;
        const before = this.pods.get(key);
        const containers = new Map<string, Pair>();
        for (const [name, point] of pod.containers) containers.set(name, advance(before?.get(name), point));
        pods.set(key, containers);
      }
    }
    this.nodes = nodes;
    this.pods = pods;
  }

  node(name: string): NodeUsage | undefined {
    const pair = this.nodes.get(name);
    if (!pair?.prev) return undefined;
    return resourceUsage(pair.last, pair.prev);
  }

  /** metrics-server's podStorage.GetMetrics: every container needs a rate; the earliest time wins. */
  pod(namespace: string, name: string): PodUsage | undefined {
    const containers = this.pods.get(`${namespace}/${name}`);
    if (!containers || containers.size === 0) return undefined;
    const out: { name: string; usage: Usage }[] = [];
    let earliest: TimeInfo | undefined;
    for (const [container, pair] of containers) {
      if (!pair.prev) return undefined;
      const used = resourceUsage(pair.last, pair.prev);
      if (!used) return undefined;
      out.push({ name: container, usage: used.usage });
      if (!earliest || used.timestampMs < earliest.timestampMs) earliest = { timestampMs: used.timestampMs, windowMs: used.windowMs };
    }
    out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    return { ...earliest!, containers: out };
  }
}
