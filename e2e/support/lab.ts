// Owns the e2e suite's lab: one lab for the whole suite under names no developer lab uses (prefix
// k8ts-e2e, subnet 10.89.0.0/24, its own state dir in the temp dir), shortened node monitor grace
// period, and handles to kill/restart its daemons. Must never touch a lab of another prefix.
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { controlPlaneDaemons, ensureLabDaemon, killLabDaemon, labDaemonPid, stopLabDaemon, workerDaemons, type LabDaemon } from '../../deploy/lab/daemons.js';
import { labDown, labUnsupportedReason, labUp, type LabInfo } from '../../deploy/lab/lab.js';
import { labNamespaces } from '../../deploy/lab/network.js';
import { defaultLabOptions, labSystemDirs, workerHosts, type LabOptions } from '../../deploy/lab/options.js';
import { pkiFiles } from '../../deploy/pki.js';
import { logFile, tailLog } from '../../deploy/processes.js';

export const E2E_PREFIX = 'k8ts-e2e';

export function e2eLabOptions(log: (line: string) => void = () => undefined): LabOptions {
  return defaultLabOptions({
    prefix: E2E_PREFIX,
    subnet: '10.89.0.0/24',
    workers: 2,
    stateDir: path.join(os.tmpdir(), 'k8ts-e2e-lab'),
    // Upstream's 40 s would make the node-failure scenario slow; tolerationSeconds are short in its manifest.
    controllerManagerArgs: ['--node-monitor-grace-period=8s', '--node-monitor-period=1s'],
    log,
  });
}

/** Why the suite must be skipped on this machine, or undefined. */
export function e2eSkipReason(): string | undefined {
  const reason = labUnsupportedReason();
  if (reason !== undefined) return `e2e needs a lab: ${reason}`;
  if (!existsSync('/usr/bin/kubectl') && !existsSync('/usr/local/bin/kubectl')) return 'e2e needs the stock kubectl on PATH';
  return undefined;
}

export class E2eLab {
  readonly options: LabOptions;
  info?: LabInfo;

  constructor(log?: (line: string) => void) {
    this.options = e2eLabOptions(log);
  }

  async up(): Promise<LabInfo> {
    const leftovers = labNamespaces(this.options);
    if (leftovers.length > 0) {
      throw new Error(`an e2e lab already exists (${leftovers.join(', ')}): another e2e run is going on, or one crashed; ` +
        `remove it with: npm run lab -- down --prefix ${E2E_PREFIX} --subnet ${this.options.subnet} --state-dir ${this.options.stateDir}`);
    }
    this.info = await labUp(this.options);
    return this.info;
  }

  down(): Promise<void> {
    return labDown(this.options);
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
