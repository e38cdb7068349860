// Builds /stats/summary in upstream's Summary shape (k8s.io/kubelet/pkg/apis/stats/v1alpha1): the
// node's cpu and memory from /proc, and each pod's containers from Docker's one-shot stats.
// Reads only; containers are those of this node's pods, found by the contract's labels.
import { readFileSync } from 'node:fs';
import type Docker from 'dockerode';
import type { Pod } from '../../api/types.js';
import { CONTAINER_NAME_LABEL, DOCKER_TYPE_LABEL, NODE_LABEL, POD_UID_LABEL } from '../runtime/labels.js';

/** Jiffies per second of /proc/stat (USER_HZ, 100 on every Linux we run on). */
const USER_HZ = 100;

export interface CpuSample {
  atMs: number;
  usageCoreNanoSeconds: number;
}

export interface CPUStats {
  time: string;
  usageNanoCores?: number;
  usageCoreNanoSeconds?: number;
}

export interface MemoryStats {
  time: string;
  availableBytes?: number;
  usageBytes?: number;
  workingSetBytes?: number;
  rssBytes?: number;
  pageFaults?: number;
  majorPageFaults?: number;
}

/** Busy CPU time of the whole host from a /proc/stat text: every field of `cpu` except idle and iowait. */
export function hostCpuNanoSeconds(procStat: string): number {
  const line = procStat.split('\n').find((l) => l.startsWith('cpu '));
  if (!line) throw new Error('/proc/stat has no cpu line');
  const [user, nice, system, _idle, _iowait, irq, softirq, steal] = line.trim().split(/\s+/).slice(1).map(Number);
  const busy = (user ?? 0) + (nice ?? 0) + (system ?? 0) + (irq ?? 0) + (softirq ?? 0) + (steal ?? 0);
  return Math.round((busy * 1e9) / USER_HZ);
}

/** Node memory from a /proc/meminfo text as cadvisor reports the root cgroup. */
export function hostMemory(meminfo: string, time: string): MemoryStats {
  const kb = (key: string) => {
    const m = new RegExp(`^${key.replace(/[()]/g, '\\$&')}:\\s+(\\d+)`, 'm').exec(meminfo);
    return m ? Number(m[1]) * 1024 : 0;
  };
  const total = kb('MemTotal');
  const usage = total - kb('MemFree');
  const workingSet = Math.max(0, usage - kb('Inactive(file)'));
  return {
    time,
    availableBytes: Math.max(0, total - workingSet),
    usageBytes: usage,
    workingSetBytes: workingSet,
    rssBytes: kb('AnonPages'),
    pageFaults: 0,
    majorPageFaults: 0,
  };
}

/** Keeps the previous host CPU sample so usageNanoCores is a rate between two requests. */
export class HostCpu {
  private last?: CpuSample;

  constructor(private readonly read: () => string = () => readFileSync('/proc/stat', 'utf8')) {}

  sample(): CpuSample {
    return { atMs: Date.now(), usageCoreNanoSeconds: hostCpuNanoSeconds(this.read()) };
  }

  /** Cumulative usage and, from the last sample (taking a 100 ms window when there is none), the rate. */
  async stats(): Promise<CPUStats> {
    let previous = this.last;
    if (!previous || Date.now() - previous.atMs < 50) {
      previous = this.sample();
      await new Promise((r) => setTimeout(r, 100));
    }
    const now = this.sample();
    this.last = now;
    const elapsedNs = (now.atMs - previous.atMs) * 1e6;
    return {
      time: new Date(now.atMs).toISOString(),
      usageNanoCores: elapsedNs > 0 ? Math.max(0, Math.round(((now.usageCoreNanoSeconds - previous.usageCoreNanoSeconds) / elapsedNs) * 1e9)) : 0,
      usageCoreNanoSeconds: now.usageCoreNanoSeconds,
    };
  }
}

interface DockerStats {
  read: string;
  preread: string;
  cpu_stats?: { cpu_usage?: { total_usage?: number } };
  precpu_stats?: { cpu_usage?: { total_usage?: number } };
  memory_stats?: { usage?: number; stats?: Record<string, number> };
}

/** One container's stats from Docker's non-streaming stats answer. */
export function containerStats(name: string, startTime: string, s: DockerStats) {
  const total = s.cpu_stats?.cpu_usage?.total_usage ?? 0;
  const previous = s.precpu_stats?.cpu_usage?.total_usage ?? 0;
  const elapsedNs = (Date.parse(s.read) - Date.parse(s.preread)) * 1e6;
  const stats = s.memory_stats?.stats ?? {};
  const usage = s.memory_stats?.usage ?? 0;
  // cgroup v2 names inactive_file, v1 total_inactive_file.
  const inactive = stats.inactive_file ?? stats.total_inactive_file ?? 0;
  const time = s.read;
  return {
    name,
    startTime,
    cpu: {
      time,
      usageNanoCores: elapsedNs > 0 && previous > 0 ? Math.max(0, Math.round(((total - previous) / elapsedNs) * 1e9)) : 0,
      usageCoreNanoSeconds: total,
    },
    memory: {
      time,
      usageBytes: usage,
      workingSetBytes: Math.max(0, usage - inactive),
      rssBytes: stats.anon ?? stats.rss ?? stats.total_rss ?? 0,
      pageFaults: stats.pgfault ?? stats.total_pgfault ?? 0,
      majorPageFaults: stats.pgmajfault ?? stats.total_pgmajfault ?? 0,
    },
  };
}

type ContainerEntry = ReturnType<typeof containerStats>;

function sum(containers: ContainerEntry[], time: string) {
  const add = (f: (c: ContainerEntry) => number) => containers.reduce((n, c) => n + f(c), 0);
  return {
    cpu: { time, usageNanoCores: add((c) => c.cpu.usageNanoCores), usageCoreNanoSeconds: add((c) => c.cpu.usageCoreNanoSeconds) },
    memory: {
      time,
      usageBytes: add((c) => c.memory.usageBytes),
      workingSetBytes: add((c) => c.memory.workingSetBytes),
      rssBytes: add((c) => c.memory.rssBytes),
      pageFaults: add((c) => c.memory.pageFaults),
      majorPageFaults: add((c) => c.memory.majorPageFaults),
    },
  };
}

export interface SummaryContext {
  docker: Docker;
  nodeName: string;
  pods: () => Pod[];
  hostCpu: HostCpu;
  /** The kubelet's start, reported as the node's startTime. */
  startTime: string;
}

export async function statsSummary(ctx: SummaryContext) {
  const now = new Date().toISOString();
  const running = await ctx.docker.listContainers({ filters: { label: [`${NODE_LABEL}=${ctx.nodeName}`, `${DOCKER_TYPE_LABEL}=container`] } });
  const pods = await Promise.all(
    ctx.pods().map(async (pod) => {
      const uid = pod.metadata?.uid ?? '';
      const mine = running.filter((c) => c.Labels[POD_UID_LABEL] === uid);
      const containers = await Promise.all(
        mine.map(async (c) => {
          const s = (await ctx.docker.getContainer(c.Id).stats({ stream: false })) as unknown as DockerStats;
          return containerStats(c.Labels[CONTAINER_NAME_LABEL] ?? '', new Date(c.Created * 1000).toISOString(), s);
        }),
      );
      containers.sort((a, b) => a.name.localeCompare(b.name));
      return {
        podRef: { name: pod.metadata?.name ?? '', namespace: pod.metadata?.namespace ?? '', uid },
        startTime: pod.status?.startTime ?? pod.metadata?.creationTimestamp ?? now,
        containers,
        ...sum(containers, now),
      };
    }),
  );
  return {
    node: {
      nodeName: ctx.nodeName,
      startTime: ctx.startTime,
      cpu: await ctx.hostCpu.stats(),
      memory: hostMemory(readFileSync('/proc/meminfo', 'utf8'), now),
    },
    pods,
  };
}

