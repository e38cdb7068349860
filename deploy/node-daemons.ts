// Owns the daemons a local cluster runs besides etcd and the apiserver: the controller-manager, the
// scheduler, one kubelet and (once it exists) kube-proxy, each a detached process with its own log
// and pid file, started with upstream's flag names and the state dir's kubeconfigs and certificates.
// Must never start one twice (a running one of this state dir is reused) nor stop one it did not start.
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { kubeconfigPaths } from './kubeconfig.js';
import { repoRoot, type ClusterOptions } from './options.js';
import { hostIdentity, type PkiFiles } from './pki.js';
import { runningPid, startDaemon, stopDaemon, type StopResult } from './processes.js';

/** The cluster DNS Service's address (kube-dns in kube-system), as kubeadm's default. */
export const CLUSTER_DNS = '10.96.0.10';

export interface NodeDaemon {
  name: string;
  program: string;
  args: string[];
}

/** Node name of the local cluster's one node: the hostname, lower-cased as the kubelet does. */
export function localNodeName(): string {
  return hostIdentity().hostname.toLowerCase();
}

export function nodeDaemons(options: ClusterOptions, files: PkiFiles): NodeDaemon[] {
  const kubeconfigs = kubeconfigPaths(options.stateDir);
  const host = hostIdentity();
  const program = (name: string) => path.join(repoRoot, 'dist', name, 'main.js');
  const daemons: NodeDaemon[] = [
    {
      name: 'controller-manager',
      program: program('controller-manager'),
      args: [`--kubeconfig=${kubeconfigs.controllerManager}`, '--cluster-cidr=10.244.0.0/16', '--allocate-node-cidrs=true', '--v=2'],
    },
    {
      name: 'scheduler',
      program: program('scheduler'),
      args: [`--kubeconfig=${kubeconfigs.scheduler}`, '--v=2'],
    },
    {
      name: 'kubelet',
      program: program('kubelet'),
      args: [
        `--kubeconfig=${kubeconfigs.kubelet}`,
        `--hostname-override=${localNodeName()}`,
        ...(host.ipv4Addresses[0] ? [`--node-ip=${host.ipv4Addresses[0]}`] : []),
        `--root-dir=${path.join(options.stateDir, 'kubelet')}`,
        `--pod-manifest-path=${path.join(options.stateDir, 'manifests')}`,
        `--tls-cert-file=${files.cert('kubelet')}`,
        `--tls-private-key-file=${files.key('kubelet')}`,
        `--client-ca-file=${files.caCert}`,
        `--cluster-dns=${CLUSTER_DNS}`,
        '--v=2',
      ],
    },
  ];
  const proxy = program('kube-proxy');
  if (existsSync(proxy)) {
    daemons.push({ name: 'kube-proxy', program: proxy, args: [`--kubeconfig=${kubeconfigs.kubeProxy}`, `--hostname-override=${localNodeName()}`, '--v=2'] });
  }
  return daemons;
}

/** The pid file and /proc cmdline must both name this state dir's kubeconfig for a process to be ours. */
function identity(daemon: NodeDaemon): string {
  return daemon.args[0]!;
}

export function nodeDaemonPid(options: ClusterOptions, daemon: NodeDaemon): number | undefined {
  return runningPid(options.stateDir, daemon.name, identity(daemon));
}

export function ensureNodeDaemon(options: ClusterOptions, daemon: NodeDaemon): { state: 'started' | 'running'; pid: number } {
  const running = nodeDaemonPid(options, daemon);
  if (running !== undefined) return { state: 'running', pid: running };
  if (!existsSync(daemon.program)) throw new Error(`${path.relative(repoRoot, daemon.program)} is missing: run npm run build`);
  mkdirSync(path.join(options.stateDir, 'manifests'), { recursive: true });
  const pid = startDaemon(options.stateDir, {
    name: daemon.name,
    command: process.execPath,
    args: [daemon.program, ...daemon.args],
    identity: identity(daemon),
    cwd: repoRoot,
  });
  return { state: 'started', pid };
}

export function stopNodeDaemon(options: ClusterOptions, daemon: NodeDaemon): Promise<StopResult> {
  // The kubelet may be in the middle of a pod's graceful stop; give it upstream's 30 s.
  return stopDaemon(options.stateDir, daemon.name, identity(daemon), daemon.name === 'kubelet' ? 30_000 : 10_000);
}
