// Owns the e2e suite's lab: one lab for the whole suite under names no developer lab and no other
// e2e run uses (prefix k8ts-e2e-<2 random chars>, a free 10.89.<n>.0/24, a fresh temp state dir),
// a shortened node monitor grace period, and handles to kill/restart its daemons.
// Must never touch a lab it did not bring up itself.
import { spawnSync } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { controlPlaneDaemons, ensureLabDaemon, killLabDaemon, labDaemonPid, stopLabDaemon, workerDaemons, type LabDaemon } from '../../deploy/lab/daemons.js';
import { labDown, labUnsupportedReason, labUp, type LabInfo } from '../../deploy/lab/lab.js';
import { labNamespaces } from '../../deploy/lab/network.js';
import { defaultLabOptions, labSystemDirs, workerHosts, type LabOptions } from '../../deploy/lab/options.js';
import { pkiFiles } from '../../deploy/pki.js';
import { logFile, tailLog } from '../../deploy/processes.js';

export const E2E_PREFIX = 'k8ts-e2e';

/** A prefix and subnet no namespace or address of this host uses yet (concurrent e2e runs never meet). */
function freeLabNames(): { prefix: string; subnet: string } {
  const taken = spawnSync('ip', ['-o', '-4', 'addr'], { encoding: 'utf8' }).stdout + spawnSync('ip', ['netns', 'list'], { encoding: 'utf8' }).stdout;
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  for (let attempt = 0; attempt < 50; attempt += 1) {
    const prefix = `${E2E_PREFIX}-${alphabet[randomInt(26)]}${alphabet[randomInt(36)]}`;
    const third = randomInt(100);
    if (taken.includes(prefix) || taken.includes(` 10.89.${third}.`)) continue;
    return { prefix, subnet: `10.89.${third}.0/24` };
  }
  throw new Error('no free e2e lab prefix/subnet after 50 attempts');
}

export function e2eLabOptions(log: (line: string) => void = () => undefined): LabOptions {
  const { prefix, subnet } = freeLabNames();
  return defaultLabOptions({
    prefix,
    subnet,
    workers: 2,
    stateDir: mkdtempSync(path.join(os.tmpdir(), `${prefix}-`)),
    // Upstream's 40 s grace would make the node-failure scenario slow (its pods' tolerationSeconds
    // are short too). The grace must stay well above the kubelets' lease renewal period on a busy
    // 2-core machine, so the kubelets renew every 3 s instead of 10 s.
    controllerManagerArgs: ['--node-monitor-grace-period=16s', '--node-monitor-period=1s'],
    kubeletArgs: ['--node-status-update-frequency=3s'],
    log,
  });
}

/** Why the suite must be skipped on this machine, or undefined. */
export function e2eSkipReason(): string | undefined {
  const reason = labUnsupportedReason();
  if (reason !== undefined) return `e2e needs a lab: ${reason}`;
  if (spawnSync('sh', ['-c', 'command -v kubectl'], { stdio: 'ignore' }).status !== 0) return 'e2e needs the stock kubectl on the PATH';
  return undefined;
}

export class E2eLab {
  readonly options: LabOptions;
  info?: LabInfo;

  constructor(log?: (line: string) => void) {
    this.options = e2eLabOptions(log);
  }

  /** True once up() started making this lab: only then may down() remove it. */
  private started = false;

  async up(): Promise<LabInfo> {
    const leftovers = labNamespaces(this.options);
    if (leftovers.length > 0) {
      rmSync(this.options.stateDir, { recursive: true, force: true });
      throw new Error(`namespaces ${leftovers.join(', ')} already exist: not ours, left alone`);
    }
    this.started = true;
    this.info = await labUp(this.options);
    return this.info;
  }

  /** Removes the lab if this object brought it up (never another run's lab). */
  async down(): Promise<void> {
    if (this.started) await labDown(this.options);
  }

  get kubeconfig(): string {
    return this.info!.kubeconfig;
  }

  workers() {
    return workerHosts(this.options);
  }

  daemon(name: string): LabDaemon {
    const files = pkiFiles(this.options.stateDir);
    const all = [...controlPlaneDaemons(this.options, files), ...this.workers().flatMap((w) => workerDaemons(this.options, files, w))];
    const found = all.find((d) => d.name === name);
    if (!found) throw new Error(`no lab daemon ${name}`);
    return found;
  }

  /** SIGKILL, as a crash would. */
  kill(name: string): void {
    if (!killLabDaemon(this.options, this.daemon(name))) throw new Error(`${name} is not running`);
  }

  stop(name: string): Promise<unknown> {
    return stopLabDaemon(this.options, this.daemon(name));
  }

  start(name: string): number {
    return ensureLabDaemon(this.options, this.daemon(name)).pid;
  }

  pid(name: string): number | undefined {
    return labDaemonPid(this.options, this.daemon(name));
  }

  /** The last lines of every daemon's log, for a failed scenario. */
  logTails(lines = 15): string {
    const names = ['etcd', 'apiserver', 'controller-manager', 'scheduler',
      ...this.workers().flatMap((w) => [`${w.name}-kubelet`, `${w.name}-kube-proxy`, `${w.name}-dockerd`])];
    return names.map((n) => `--- ${logFile(this.options.stateDir, n)}\n${tailLog(this.options.stateDir, n, lines).join('\n')}`).join('\n');
  }

  /** Every trace a lab leaves on the host; all empty after down. */
  traces(): { namespaces: string[]; dirs: string[] } {
    return {
      namespaces: labNamespaces(this.options),
      dirs: [...labSystemDirs(this.options), this.options.stateDir].filter((d) => existsSync(d)),
    };
  }
}
