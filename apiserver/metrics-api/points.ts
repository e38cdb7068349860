// The Kubelet Summary API (/stats/summary) reduced to what the Metrics API serves, as metrics-server's
// decodeBatch: per node and per container a cumulative CPU counter, a memory working set, a timestamp
// and a start time. Pure: parses what it is given and never fetches.

export interface MetricsPoint {
  /** When the process started; a change means the cumulative counter restarted. */
  startTimeMs: number;
  /** When the sample was taken (the later of the CPU and memory times). */
  timestampMs: number;
  /** usageCoreNanoSeconds: CPU used since start, in core-nanoseconds. */
  cumulativeCpuNs: number;
  /** workingSetBytes. */
  memoryBytes: number;
}

export interface PodPoints {
  namespace: string;
  name: string;
  containers: Map<string, MetricsPoint>;
}

export interface NodeBatch {
  nodeName: string;
  node?: MetricsPoint;
  pods: PodPoints[];
}

interface CpuStats { time?: string; usageCoreNanoSeconds?: number }
interface MemoryStats { time?: string; workingSetBytes?: number }
interface Stats { startTime?: string; cpu?: CpuStats; memory?: MemoryStats }

export interface Summary {
  node?: Stats & { nodeName?: string };
  pods?: { podRef?: { name?: string; namespace?: string }; containers?: (Stats & { name?: string })[] }[];
}

function time(s: string | undefined): number | undefined {
  if (!s) return undefined;
  const t = Date.parse(s);
  return Number.isNaN(t) ? undefined : t;
}

/** metrics-server's checks: a point needs a CPU counter, a working set and a time; otherwise it is skipped. */
function pointOf(stats: Stats | undefined): MetricsPoint | undefined {
  const cpu = stats?.cpu;
  const memory = stats?.memory;
  if (typeof cpu?.usageCoreNanoSeconds !== 'number' || typeof memory?.workingSetBytes !== 'number') return undefined;
  const cpuTime = time(cpu.time);
  const memoryTime = time(memory.time);
  const timestampMs = Math.max(cpuTime ?? 0, memoryTime ?? 0);
  if (timestampMs === 0) return undefined;
  return {
    startTimeMs: time(stats?.startTime) ?? 0,
    timestampMs,
    cumulativeCpuNs: cpu.usageCoreNanoSeconds,
    memoryBytes: memory.workingSetBytes,
  };
}

export function decodeSummary(nodeName: string, summary: Summary): NodeBatch {
  const pods: PodPoints[] = [];
  for (const pod of summary.pods ?? []) {
    const name = pod.podRef?.name;
    const namespace = pod.podRef?.namespace;
    if (!name || !namespace) continue;
    const containers = new Map<string, MetricsPoint>();
    for (const c of pod.containers ?? []) {
      const point = pointOf(c);
      if (c.name && point) containers.set(c.name, point);
    }
    // metrics-server drops a pod when any of its containers lacks a usable point.
    if (containers.size > 0 && containers.size === (pod.containers ?? []).length) pods.push({ namespace, name, containers });
  }
  return { nodeName, node: pointOf(summary.node), pods };
}
