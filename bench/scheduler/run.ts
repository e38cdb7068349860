// The scheduler benchmark: N hollow Node objects and M pending pods through the apiserver, then the
// real scheduler program (leader election off) until every pod is bound; beside it, the raw rate of
// pods/binding writes the same apiserver takes for M more pods bound directly. Bounded in count and
// time; it writes only to the cluster it is given.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createClient, createInformer, loadClientConfig, type Client, type KubeObject } from '../../client/index.js';

export interface BenchOptions {
  nodes: number;
  pods: number;
  /** Requests in flight while creating pods and while binding directly. */
  concurrency: number;
  /** Give up after this long (ms) in any phase. */
  timeoutMs: number;
  log?: (line: string) => void;
  /** Extra node flags of the scheduler process, e.g. ['--cpu-prof', '--cpu-prof-dir', dir]. */
  schedulerNodeArgs?: string[];
}

export interface BenchResult {
  nodes: number;
  pods: number;
  /** Scheduler start to the last pod bound (includes its informer list). */
  scheduleSeconds: number;
  podsScheduledPerSecond: number;
  /** First observed binding to the last: the steady throughput. */
  steadyPodsPerSecond: number;
  rawBindSeconds: number;
  rawBindingsPerSecond: number;
  ratio: number;
}

const SCHEDULER_MAIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../scheduler/main.js');
const BENCH_NS = 'bench-scheduler';

async function inParallel<T>(items: T[], limit: number, fn: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) await fn(items[next++]!);
  }));
}

function hollowNode(name: string): KubeObject {
  return { apiVersion: 'v1', kind: 'Node', metadata: { name, labels: { 'kubernetes.io/hostname': name, 'k8ts.io/hollow': 'true' } } };
}

function benchPod(name: string, schedulerName: string): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, labels: { bench: 'scheduler' } },
    spec: {
      schedulerName,
      containers: [{ name: 'c', image: 'k8ts/pause:3.9', resources: { requests: { cpu: '100m', memory: '100Mi' } } }],
    },
  };
}

async function createNodes(client: Client, count: number, concurrency: number): Promise<string[]> {
  const names = Array.from({ length: count }, (_, i) => `hollow-${String(i).padStart(4, '0')}`);
  const allocatable = { cpu: '32', memory: '128Gi', pods: '110', 'ephemeral-storage': '500Gi' };
  await inParallel(names, concurrency, async (name) => {
    const node = await client.resource('nodes').create(hollowNode(name));
    node.status = { capacity: allocatable, allocatable, conditions: [{ type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'hollow node' }] };
    await client.resource('nodes').updateStatus(node);
  });
  return names;
}

async function deadline<T>(what: string, ms: number, p: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`benchmark: ${what} did not finish within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([p, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

export async function runBench(kubeconfig: string, o: BenchOptions): Promise<BenchResult> {
  const log = o.log ?? (() => undefined);
  const client = createClient(await loadClientConfig({ kubeconfig }));
  const pods = client.resource('pods', BENCH_NS);
  try {
    await client.resource('namespaces').create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: BENCH_NS } });
    const nodeNames = await createNodes(client, o.nodes, o.concurrency);
    log(`created ${o.nodes} hollow nodes`);

    // Phase 1: M pending pods, then the scheduler binds them all.
    const names = Array.from({ length: o.pods }, (_, i) => `sched-${String(i).padStart(5, '0')}`);
    await deadline('creating pods', o.timeoutMs, inParallel(names, o.concurrency, (n) => pods.create(benchPod(n, 'default-scheduler'))));
    log(`created ${o.pods} pending pods`);
    const informer = createInformer(pods);
    const boundAt = new Map<string, number>();
    let onBound: (() => void) | undefined;
    const note = (p: Readonly<KubeObject>) => {
      const name = p.metadata!.name!;
      if (name.startsWith('sched-') && (p.spec as any)?.nodeName && !boundAt.has(name)) {
        boundAt.set(name, performance.now());
        if (boundAt.size === o.pods) onBound?.();
      }
    };
    informer.on('add', note);
    informer.on('update', (_old, p) => note(p));
    const stopInformer = new AbortController();
    informer.start(stopInformer.signal);
    await informer.synced;
    const allBound = new Promise<void>((resolve) => (onBound = resolve));
    const started = performance.now();
    const scheduler = spawn(process.execPath, [...(o.schedulerNodeArgs ?? []), SCHEDULER_MAIN, '--kubeconfig', kubeconfig, '--leader-elect=false', '--secure-port', '0', '--v', '1'], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    scheduler.stderr!.on('data', (d) => (stderr += d));
    const exited = new Promise((r) => scheduler.once('exit', r));
    try {
      await deadline('scheduling', o.timeoutMs, Promise.race([allBound, exited.then(() => { throw new Error(`scheduler exited: ${stderr}`); })]));
    } finally {
      scheduler.kill('SIGTERM');
      await exited;
      stopInformer.abort();
      await informer.stopped;
    }
    const times = [...boundAt.values()].sort((a, b) => a - b);
    const scheduleSeconds = (times[times.length - 1]! - started) / 1000;
    const steadySeconds = (times[times.length - 1]! - times[0]!) / 1000;
    log(`scheduler bound ${o.pods} pods in ${scheduleSeconds.toFixed(2)} s`);

    // Phase 2: M more pods no scheduler owns, bound straight through pods/binding.
    const raw = Array.from({ length: o.pods }, (_, i) => `raw-${String(i).padStart(5, '0')}`);
    await deadline('creating raw pods', o.timeoutMs, inParallel(raw, o.concurrency, (n) => pods.create(benchPod(n, 'bench-nobody'))));
    const rawStarted = performance.now();
    let i = 0;
    await deadline('raw bindings', o.timeoutMs, inParallel(raw, o.concurrency, (n) => pods.bind(n, BENCH_NS, nodeNames[i++ % nodeNames.length]!)));
    const rawBindSeconds = (performance.now() - rawStarted) / 1000;
    log(`bound ${o.pods} pods directly in ${rawBindSeconds.toFixed(2)} s`);

    const podsScheduledPerSecond = o.pods / scheduleSeconds;
    const rawBindingsPerSecond = o.pods / rawBindSeconds;
    return {
      nodes: o.nodes,
      pods: o.pods,
      scheduleSeconds,
      podsScheduledPerSecond,
      steadyPodsPerSecond: steadySeconds > 0 ? (o.pods - 1) / steadySeconds : podsScheduledPerSecond,
      rawBindSeconds,
      rawBindingsPerSecond,
      ratio: podsScheduledPerSecond / rawBindingsPerSecond,
    };
  } finally {
    client.close();
  }
}

export function formatResult(r: BenchResult): string {
  return [
    `scheduler benchmark: ${r.nodes} hollow nodes x ${r.pods} pods`,
    `  scheduled:       ${r.podsScheduledPerSecond.toFixed(1)} pods/s (${r.scheduleSeconds.toFixed(2)} s from scheduler start to last binding; steady ${r.steadyPodsPerSecond.toFixed(1)} pods/s)`,
    `  raw pods/binding: ${r.rawBindingsPerSecond.toFixed(1)} bindings/s (${r.rawBindSeconds.toFixed(2)} s, same apiserver, same run)`,
    `  ratio scheduled / raw: ${r.ratio.toFixed(2)}`,
  ].join('\n');
}
