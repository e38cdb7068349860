// The kube-proxy benchmark: a synthetic world of N Services x M endpoints, the time kube-proxy's pure
// code takes to compute its ruleset, the time to apply it (iptables-restore --noflush, as the syncer
// does), a whole Syncer pass, and beside them raw iptables-restore of the same text, each in a
// network namespace of its own that this module creates and always deletes.
// Must never touch the host's own rules: every iptables command runs through nsenter --net=<ns>.
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { pino } from 'pino';
import { createRunner } from '../../kube-proxy/iptables-runner.js';
import { buildRuleset } from '../../kube-proxy/ruleset.js';
import { servicePorts, type EndpointSliceObject, type ServiceObject } from '../../kube-proxy/service-ports.js';
import { Syncer } from '../../kube-proxy/syncer.js';

export interface BenchOptions {
  services: number;
  endpointsPerService: number;
  /** Every n-th Service is a NodePort (0: none). */
  nodePortEvery: number;
  /** Runs of the pure computation (the median is reported). */
  computeRuns: number;
  /** Limit of each iptables command. */
  commandTimeoutMs: number;
  log?: (line: string) => void;
}

export interface BenchResult {
  services: number;
  endpointsPerService: number;
  servicePorts: number;
  rulesetBytes: number;
  rulesetLines: number;
  natChains: number;
  /** servicePorts() + buildRuleset(), median of computeRuns. */
  computeMs: number;
  /** iptables-restore --noflush of the ruleset through kube-proxy's runner, in a fresh namespace. */
  applyMs: number;
  computeAndApplyMs: number;
  /** A whole Syncer.syncOnce() (save, compute, restore, jumps) in a fresh namespace, then again unchanged. */
  syncFirstMs: number;
  syncUnchangedMs: number;
  syncUnchangedWrites: number;
  /** Plain iptables-restore --noflush of the same text in a fresh namespace. */
  rawRestoreMs: number;
  /** computeAndApplyMs / rawRestoreMs */
  ratio: number;
  date: string;
}

const NODE = 'bench-node';

function ip(base: [number, number], n: number): string {
  return `${base[0]}.${base[1]}.${(n >> 8) & 255}.${n & 255}`;
}

/** N Services (every nodePortEvery-th a NodePort) with one EndpointSlice of M ready endpoints each. */
export function syntheticWorld(o: Pick<BenchOptions, 'services' | 'endpointsPerService' | 'nodePortEvery'>): { services: ServiceObject[]; slices: EndpointSliceObject[] } {
  const services: ServiceObject[] = [];
  const slices: EndpointSliceObject[] = [];
  let endpoint = 1;
  for (let i = 0; i < o.services; i++) {
    const name = `svc-${i}`;
    const nodePort = o.nodePortEvery > 0 && i % o.nodePortEvery === 0;
    services.push({
      metadata: { namespace: 'bench', name },
      spec: {
        type: nodePort ? 'NodePort' : 'ClusterIP',
        clusterIP: ip([10, 96], i + 10),
        ports: [{ name: 'http', protocol: 'TCP', port: 80, ...(nodePort ? { nodePort: 30000 + (i % 2768) } : {}) }],
      },
    });
    const endpoints = [];
    for (let e = 0; e < o.endpointsPerService; e++) endpoints.push({ addresses: [ip([10, 244], endpoint++)], conditions: { ready: true }, nodeName: NODE });
    slices.push({
      metadata: { namespace: 'bench', name: `${name}-1`, labels: { 'kubernetes.io/service-name': name } },
      addressType: 'IPv4',
      endpoints,
      ports: [{ name: 'http', protocol: 'TCP', port: 8080 }],
    });
  }
  return { services, slices };
}

/** A network namespace for the life of fn; deleted afterwards whatever happens. */
export async function withNetns<T>(label: string, fn: (path: string) => Promise<T>): Promise<T> {
  const name = `k8ts-bench-${randomBytes(4).toString('hex')}-${label}`;
  execFileSync('ip', ['netns', 'add', name], { timeout: 10_000 });
  try {
    return await fn(`/var/run/netns/${name}`);
  } finally {
    spawnSync('ip', ['netns', 'delete', name], { timeout: 10_000 });
  }
}

function timed<T>(fn: () => T): { value: T; ms: number } {
  const started = process.hrtime.bigint();
  const value = fn();
  return { value, ms: Number(process.hrtime.bigint() - started) / 1e6 };
}

async function timedAsync<T>(fn: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const started = process.hrtime.bigint();
  const value = await fn();
  return { value, ms: Number(process.hrtime.bigint() - started) / 1e6 };
}

export function benchSkipReason(): string | undefined {
  if (process.getuid?.() !== 0) return 'needs root (network namespaces, iptables)';
  const r = spawnSync('sh', ['-c', 'command -v ip && command -v nsenter && command -v iptables-restore'], { stdio: 'ignore' });
  return r.status === 0 ? undefined : 'ip, nsenter or iptables-restore missing';
}

export async function runBench(o: BenchOptions): Promise<BenchResult> {
  const log = o.log ?? (() => undefined);
  const world = syntheticWorld(o);
  log(`world: ${o.services} Services x ${o.endpointsPerService} endpoints`);

  const computeTimes: number[] = [];
  let ruleset = buildRuleset([], {});
  let ports = servicePorts([], [], NODE);
  for (let i = 0; i < o.computeRuns; i++) {
    const t = timed(() => {
      const p = servicePorts(world.services, world.slices, NODE);
      return { p, r: buildRuleset(p, { clusterCIDR: '10.244.0.0/16' }) };
    });
    computeTimes.push(t.ms);
    ports = t.value.p;
    ruleset = t.value.r;
  }
  computeTimes.sort((a, b) => a - b);
  const computeMs = computeTimes[Math.floor(computeTimes.length / 2)]!;
  log(`compute: ${computeMs.toFixed(1)} ms (median of ${o.computeRuns}), ${ruleset.text.length} bytes`);

  const restore = (netns: string) => {
    const r = spawnSync('nsenter', [`--net=${netns}`, 'iptables-restore', '-w', '5', '--noflush'], { input: ruleset.text, timeout: o.commandTimeoutMs, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`iptables-restore failed (${r.status ?? r.signal}): ${(r.stderr ?? '').trim().slice(0, 500)}`);
  };
  // Raw first, then kube-proxy's runner, each in a namespace of its own, same text.
  const raw = await withNetns('raw', async (ns) => timed(() => restore(ns)).ms);
  log(`raw iptables-restore: ${raw.toFixed(1)} ms`);
  const apply = await withNetns('apply', async (ns) => {
    const runner = createRunner(ns);
    return (await timedAsync(async () => {
      const r = await runner.run('iptables-restore', ['-w', '5', '--noflush'], ruleset.text);
      if (r.code !== 0) throw new Error(`iptables-restore failed: ${r.stderr.trim().slice(0, 500)}`);
    })).ms;
  });
  log(`kube-proxy apply: ${apply.toFixed(1)} ms`);
  const sync = await withNetns('sync', async (ns) => {
    const syncer = new Syncer({
      runner: createRunner(ns),
      ports: () => servicePorts(world.services, world.slices, NODE),
      clusterCIDR: '10.244.0.0/16',
      minSyncPeriodMs: 0,
      syncPeriodMs: 3_600_000,
      logger: pino({ level: 'silent' }),
    });
    const first = await timedAsync(() => syncer.syncOnce());
    if (!syncer.healthy) throw new Error('the first Syncer pass failed');
    const writes = syncer.restores;
    const second = await timedAsync(() => syncer.syncOnce());
    await syncer.stop();
    return { first: first.ms, second: second.ms, writes: syncer.restores - writes };
  });
  log(`syncer: first ${sync.first.toFixed(1)} ms, unchanged ${sync.second.toFixed(1)} ms`);
  return {
    services: o.services,
    endpointsPerService: o.endpointsPerService,
    servicePorts: ports.length,
    rulesetBytes: Buffer.byteLength(ruleset.text),
    rulesetLines: ruleset.text.split('\n').length,
    natChains: ruleset.natChains.length,
    computeMs,
    applyMs: apply,
    computeAndApplyMs: computeMs + apply,
    syncFirstMs: sync.first,
    syncUnchangedMs: sync.second,
    syncUnchangedWrites: sync.writes,
    rawRestoreMs: raw,
    ratio: (computeMs + apply) / raw,
    date: new Date().toISOString(),
  };
}

export function formatResult(r: BenchResult): string {
  const row = (what: string, ms: number, note = '') => `${what.padEnd(44)} ${ms.toFixed(1).padStart(10)} ms  ${note}`;
  return [
    `kube-proxy ruleset: ${r.services} Services x ${r.endpointsPerService} endpoints = ${r.servicePorts} service ports, ${r.natChains} nat chains, ${r.rulesetLines} lines, ${(r.rulesetBytes / 1024).toFixed(0)} KiB`,
    row('compute (servicePorts + buildRuleset)', r.computeMs, 'median'),
    row('apply (kube-proxy runner, iptables-restore)', r.applyMs),
    row('compute + apply', r.computeAndApplyMs, `${r.ratio.toFixed(2)}x raw`),
    row('raw iptables-restore, same text', r.rawRestoreMs, 'fresh namespace'),
    row('Syncer.syncOnce, first', r.syncFirstMs, 'save + compute + restore + jumps'),
    row('Syncer.syncOnce, unchanged world', r.syncUnchangedMs, `${r.syncUnchangedWrites} iptables-restore`),
  ].join('\n');
}
