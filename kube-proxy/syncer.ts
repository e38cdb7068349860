// Owns applying the ruleset: at most one sync per --min-sync-period, a full resync every
// --iptables-sync-period, each one iptables-restore --noflush of our chains only (stale per-service
// chains deleted in the same transaction), the jumps from the built-in chains, and stale UDP
// conntrack entries of removed endpoints. cleanup() removes everything kube-proxy ever added.
// Must never flush or delete a chain that is not KUBE-*.
import type { Logger } from 'pino';
import { chainsOf, type Runner } from './iptables-runner.js';
import { buildRuleset, FILTER_BASE_CHAINS, NAT_BASE_CHAINS } from './ruleset.js';
import type { ServicePort } from './service-ports.js';

interface Jump {
  table: 'filter' | 'nat';
  from: string;
  chain: string;
  match: string[];
  comment: string;
}

/** upstream's iptablesJumpChains (plus the localnet firewall of route_localnet). */
export const JUMPS: Jump[] = [
  { table: 'filter', from: 'INPUT', chain: 'KUBE-EXTERNAL-SERVICES', match: ['-m', 'conntrack', '--ctstate', 'NEW'], comment: 'kubernetes externally-visible service portals' },
  { table: 'filter', from: 'FORWARD', chain: 'KUBE-EXTERNAL-SERVICES', match: ['-m', 'conntrack', '--ctstate', 'NEW'], comment: 'kubernetes externally-visible service portals' },
  { table: 'filter', from: 'INPUT', chain: 'KUBE-NODEPORTS', match: [], comment: 'kubernetes health check service ports' },
  { table: 'filter', from: 'FORWARD', chain: 'KUBE-SERVICES', match: ['-m', 'conntrack', '--ctstate', 'NEW'], comment: 'kubernetes service portals' },
  { table: 'filter', from: 'OUTPUT', chain: 'KUBE-SERVICES', match: ['-m', 'conntrack', '--ctstate', 'NEW'], comment: 'kubernetes service portals' },
  { table: 'filter', from: 'FORWARD', chain: 'KUBE-FORWARD', match: [], comment: 'kubernetes forwarding rules' },
  { table: 'filter', from: 'INPUT', chain: 'KUBE-PROXY-FIREWALL', match: ['-m', 'conntrack', '--ctstate', 'NEW'], comment: 'kubernetes load balancer firewall' },
  { table: 'filter', from: 'OUTPUT', chain: 'KUBE-PROXY-FIREWALL', match: ['-m', 'conntrack', '--ctstate', 'NEW'], comment: 'kubernetes load balancer firewall' },
  { table: 'filter', from: 'FORWARD', chain: 'KUBE-PROXY-FIREWALL', match: ['-m', 'conntrack', '--ctstate', 'NEW'], comment: 'kubernetes load balancer firewall' },
  { table: 'nat', from: 'OUTPUT', chain: 'KUBE-SERVICES', match: [], comment: 'kubernetes service portals' },
  { table: 'nat', from: 'PREROUTING', chain: 'KUBE-SERVICES', match: [], comment: 'kubernetes service portals' },
  { table: 'nat', from: 'POSTROUTING', chain: 'KUBE-POSTROUTING', match: [], comment: 'kubernetes postrouting rules' },
];

export interface SyncerOptions {
  runner: Runner;
  ports: () => ServicePort[];
  clusterCIDR?: string;
  minSyncPeriodMs: number;
  syncPeriodMs: number;
  logger: Logger;
  /** Called after each sync with its duration in seconds (metrics). */
  onSynced?: (seconds: number, ok: boolean) => void;
}

export class Syncer {
  private lastSync = 0;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private pending = false;
  private stopped = false;
  private previous = new Map<string, Set<string>>();
  private conntrackMissing = false;
  private lastApplied = '';
  /** How many times iptables-restore ran (an unchanged world is not written again). */
  restores = 0;
  /** True once one sync has succeeded (readiness of /healthz). */
  healthy = false;
  lastSyncedAt = 0;

  constructor(private readonly o: SyncerOptions) {}

  /** Asks for a sync; coalesced and delayed to honour --min-sync-period. */
  requestSync(): void {
    if (this.stopped) return;
    if (this.running) {
      this.pending = true;
      return;
    }
    clearTimeout(this.timer);
    const wait = Math.max(0, this.lastSync + this.o.minSyncPeriodMs - Date.now());
    this.timer = setTimeout(() => void this.runSync(), wait);
  }

  start(): void {
    this.requestSync();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  private async runSync(): Promise<void> {
    this.running = this.syncOnce();
    await this.running;
    this.running = undefined;
    if (this.stopped) return;
    if (this.pending) {
      this.pending = false;
      this.requestSync();
    } else {
      clearTimeout(this.timer);
      this.timer = setTimeout(() => void this.runSync(), this.o.syncPeriodMs);
    }
  }

  /** One full sync now; errors are logged and retried on the next period. */
  async syncOnce(): Promise<void> {
    const started = Date.now();
    this.lastSync = started;
    let ok = false;
    try {
      const ports = this.o.ports();
      const natSave = await this.o.runner.run('iptables-save', ['-t', 'nat']);
      const filterSave = await this.o.runner.run('iptables-save', ['-t', 'filter']);
      const ruleset = buildRuleset(ports, {
        clusterCIDR: this.o.clusterCIDR,
        existingNatChains: chainsOf(natSave.stdout),
        existingFilterChains: chainsOf(filterSave.stdout),
      });
      const existing = new Set([...chainsOf(natSave.stdout).map((c) => `nat/${c}`), ...chainsOf(filterSave.stdout).map((c) => `filter/${c}`)]);
      const intact = ruleset.natChains.every((c) => existing.has(`nat/${c}`)) && ruleset.filterChains.every((c) => existing.has(`filter/${c}`));
      // An unchanged world whose chains are all still there is not written again.
      const wanted = ruleset.cleanText;
      const stale = ruleset.text !== wanted;
      if (stale || wanted !== this.lastApplied || !intact) {
        const restored = await this.o.runner.run('iptables-restore', ['-w', '5', '--noflush'], ruleset.text);
        if (restored.code !== 0) throw new Error(`iptables-restore failed: ${restored.stderr.trim()}`);
        this.lastApplied = wanted;
        this.restores++;
      }
      await this.ensureJumps();
      await this.clearStaleConntrack(ports);
      ok = true;
      this.healthy = true;
      this.lastSyncedAt = Date.now();
      this.o.logger.debug({ services: ports.length, ms: Date.now() - started }, 'synced iptables rules');
    } catch (err) {
      this.o.logger.error({ err: err instanceof Error ? err.message : String(err) }, 'failed to sync iptables rules; will retry');
    } finally {
      this.o.onSynced?.((Date.now() - started) / 1000, ok);
    }
  }

  private async ensureJumps(): Promise<void> {
    for (const j of JUMPS) {
      const rule = [...j.match, '-m', 'comment', '--comment', j.comment, '-j', j.chain];
      const check = await this.o.runner.run('iptables', ['-w', '5', '-t', j.table, '-C', j.from, ...rule]);
      if (check.code === 0) continue;
      const insert = await this.o.runner.run('iptables', ['-w', '5', '-t', j.table, '-I', j.from, '1', ...rule]);
      if (insert.code !== 0) throw new Error(`iptables -I ${j.from} -j ${j.chain}: ${insert.stderr.trim()}`);
    }
  }

  /** UDP has no connection end: delete conntrack entries still pointing at removed endpoints. */
  private async clearStaleConntrack(ports: ServicePort[]): Promise<void> {
    const next = new Map<string, Set<string>>();
    for (const p of ports) {
      if (p.protocol !== 'udp') continue;
      next.set(`${p.clusterIP}:${p.port}`, new Set(p.endpoints.map((e) => e.ip)));
    }
    for (const [svc, before] of this.previous) {
      const now = next.get(svc) ?? new Set<string>();
      for (const ip of before) {
        if (now.has(ip) || this.conntrackMissing) continue;
        const [svcIP] = svc.split(':');
        const r = await this.o.runner.run('conntrack', ['-D', '-p', 'udp', '--orig-dst', svcIP!, '--dst-nat', ip]).catch(() => ({ code: 127, stdout: '', stderr: 'conntrack not found' }));
        if (r.code === 127 || /not found/.test(r.stderr)) {
          this.conntrackMissing = true;
          this.o.logger.warn('conntrack is not installed: stale UDP entries are not cleared (apt-get install conntrack)');
        }
      }
    }
    this.previous = next;
  }

  /** Removes every jump and KUBE- chain kube-proxy owns (`kube-proxy --cleanup`). */
  async cleanup(): Promise<void> {
    this.lastApplied = '';
    for (const j of JUMPS) {
      const rule = [...j.match, '-m', 'comment', '--comment', j.comment, '-j', j.chain];
      while ((await this.o.runner.run('iptables', ['-w', '5', '-t', j.table, '-D', j.from, ...rule])).code === 0) { /* every copy */ }
    }
    for (const table of ['nat', 'filter'] as const) {
      const save = await this.o.runner.run('iptables-save', ['-t', table]);
      const base = table === 'nat' ? NAT_BASE_CHAINS : FILTER_BASE_CHAINS;
      const ours = chainsOf(save.stdout).filter((c) => base.includes(c) || /^KUBE-(SVC|SVL|SEP|EXT|FW)-/.test(c));
      if (ours.length === 0) continue;
      const text = [`*${table}`, ...ours.map((c) => `:${c} - [0:0]`), ...ours.map((c) => `-X ${c}`), 'COMMIT', ''].join('\n');
      const r = await this.o.runner.run('iptables-restore', ['-w', '5', '--noflush'], text);
      if (r.code !== 0) throw new Error(`iptables-restore (cleanup ${table}) failed: ${r.stderr.trim()}`);
    }
  }
}
