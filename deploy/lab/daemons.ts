// Owns the command lines of every lab process and starting/stopping them: etcd, the apiserver, the
// controller-manager and the scheduler in the control plane's namespace; per worker its own dockerd,
// a kubelet and a kube-proxy in the worker's namespace. Each is started with `nsenter --net=...`
// (which execs, so the pid file names the daemon itself), logs to <state>/logs/<name>.log and has a
// pid file <state>/run/<name>.pid. Must never signal a process whose /proc cmdline lacks its identity.
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { apiserverArgs } from '../apiserver.js';
import { defaultClusterOptions, repoRoot } from '../options.js';
import type { PkiFiles } from '../pki.js';
import { isAlive, isOurProcess, readPid, runningPid, startDaemon, stopDaemon, type StopResult } from '../processes.js';
import { labKubeconfigs, workerDir } from './credentials.js';
import { apiserverURL, clusterDNS, controlPlaneHost, netnsPath, volumesDir, type LabOptions, type WorkerHost } from './options.js';

export interface LabDaemon {
  /** Log and pid file name, e.g. `apiserver`, `k8ts-lab-w1-kubelet`. */
  name: string;
  netns: string;
  command: string;
  args: string[];
  /** A string only this lab's instance of the daemon has on its command line. */
  identity: string;
  /** How long a SIGTERM may take before SIGKILL. */
  graceMs: number;
}

const program = (name: string) => path.join(repoRoot, 'dist', name, 'main.js');

export function controlPlaneDaemons(options: LabOptions, files: PkiFiles): LabDaemon[] {
  const cp = controlPlaneHost(options);
  const kubeconfigs = labKubeconfigs(options);
  const etcdData = path.join(options.stateDir, 'etcd');
  const etcdUrl = 'https://127.0.0.1:2379';
  const node = (name: string, args: string[], identity: string): LabDaemon => ({
    name, netns: cp.name, command: process.execPath, args: [program(name), ...args], identity, graceMs: 10_000,
  });
  const clusterOptions = defaultClusterOptions({ stateDir: options.stateDir, bindAddress: '0.0.0.0', apiserverPort: 6443 });
  const apiserver = apiserverArgs(clusterOptions, files, {
    url: etcdUrl, tls: { caFile: files.caCert, certFile: files.cert('apiserver-etcd-client'), keyFile: files.key('apiserver-etcd-client') },
  }).slice(1).map((a) => a.startsWith('--service-cluster-ip-range=') ? `--service-cluster-ip-range=${options.serviceCIDR}` : a);
  return [
    {
      name: 'etcd',
      netns: cp.name,
      command: 'etcd',
      args: [
        '--name=k8ts', `--data-dir=${etcdData}`,
        `--listen-client-urls=${etcdUrl}`, `--advertise-client-urls=${etcdUrl}`,
        `--cert-file=${files.cert('etcd/server')}`, `--key-file=${files.key('etcd/server')}`,
        '--client-cert-auth', `--trusted-ca-file=${files.caCert}`,
        '--listen-peer-urls=http://127.0.0.1:2380', '--initial-advertise-peer-urls=http://127.0.0.1:2380',
        '--initial-cluster=k8ts=http://127.0.0.1:2380', '--listen-metrics-urls=http://127.0.0.1:2381', '--logger=zap',
      ],
      identity: `--data-dir=${etcdData}`,
      graceMs: 10_000,
    },
    node('apiserver', [...apiserver, `--advertise-address=${cp.ip}`], `--token-auth-file=${files.tokens}`),
    node('controller-manager', [
      `--kubeconfig=${kubeconfigs.controllerManager}`, `--cluster-cidr=${options.clusterCIDR}`, '--allocate-node-cidrs=true',
      `--service-cluster-ip-range=${options.serviceCIDR}`, `--host-path-provisioner-dir=${volumesDir(options)}`,
      ...options.controllerManagerArgs, '--v=2',
    ], `--kubeconfig=${kubeconfigs.controllerManager}`),
    node('scheduler', [`--kubeconfig=${kubeconfigs.scheduler}`, '--v=2'], `--kubeconfig=${kubeconfigs.scheduler}`),
  ];
}

export function workerDaemons(options: LabOptions, files: PkiFiles, w: WorkerHost): LabDaemon[] {
  const kubeconfigs = labKubeconfigs(options);
  const dir = workerDir(options, w);
  return [
    {
      name: `${w.name}-dockerd`,
      netns: w.name,
      command: 'dockerd',
      args: [
        `--host=unix://${w.dockerSocket}`, `--data-root=${w.dockerDataRoot}`, `--exec-root=${w.dockerExecRoot}`,
        `--pidfile=${w.dockerPidFile}`, `--bip=${w.dockerBip}`,
        // Without the userland proxy Docker sets its bridges up so a pod reaches itself through its
        // own Service (hairpin; kube-proxy masquerades it); with it, such connects time out.
        '--userland-proxy=false',
        // Its own containerd namespaces, should it ever share a system containerd with another engine.
        `--containerd-namespace=${w.name}`, `--containerd-plugins-namespace=${w.name}-plugins`,
      ],
      identity: `--data-root=${w.dockerDataRoot}`,
      graceMs: 20_000,
    },
    {
      name: `${w.name}-kubelet`,
      netns: w.name,
      command: process.execPath,
      args: [
        program('kubelet'),
        `--kubeconfig=${kubeconfigs.kubelet(w)}`,
        `--hostname-override=${w.name}`,
        `--node-ip=${w.ip}`,
        `--root-dir=${path.join(dir, 'kubelet')}`,
        `--pod-manifest-path=${path.join(dir, 'manifests')}`,
        `--tls-cert-file=${files.cert(`${w.name}-kubelet`)}`,
        `--tls-private-key-file=${files.key(`${w.name}-kubelet`)}`,
        `--client-ca-file=${files.caCert}`,
        `--container-runtime-endpoint=unix://${w.dockerSocket}`,
        `--cluster-cidr=${options.clusterCIDR}`,
        '--host-gateway-routes=true',
        ...(options.addons ? [`--cluster-dns=${clusterDNS(options)}`] : []),
        ...options.kubeletArgs,
        '--v=2',
      ],
      identity: `--kubeconfig=${kubeconfigs.kubelet(w)}`,
      graceMs: 30_000,
    },
    {
      name: `${w.name}-kube-proxy`,
      netns: w.name,
      command: process.execPath,
      args: [program('kube-proxy'), `--kubeconfig=${kubeconfigs.kubeProxy(w)}`, `--hostname-override=${w.name}`, `--cluster-cidr=${options.clusterCIDR}`, '--v=2'],
      identity: `--kubeconfig=${kubeconfigs.kubeProxy(w)}`,
      graceMs: 10_000,
    },
  ];
}

export function labDaemonPid(options: LabOptions, daemon: LabDaemon): number | undefined {
  return runningPid(options.stateDir, daemon.name, daemon.identity);
}

/**
 * Whether a daemon this lab started has gone. Judged by its pid alone: a daemon still between fork
 * and exec (nsenter, then node) does not show its own command line yet, but it has not exited.
 */
export function labDaemonExited(options: LabOptions, daemon: LabDaemon): boolean {
  const pid = readPid(options.stateDir, daemon.name);
  return pid === undefined || !isAlive(pid);
}

export function ensureLabDaemon(options: LabOptions, daemon: LabDaemon): { state: 'started' | 'running'; pid: number } {
  const running = labDaemonPid(options, daemon);
  if (running !== undefined) return { state: 'running', pid: running };
  if (daemon.command === process.execPath && !existsSync(daemon.args[0]!)) {
    throw new Error(`${path.relative(repoRoot, daemon.args[0]!)} is missing: run npm run build`);
  }
  mkdirSync(options.stateDir, { recursive: true });
  const pid = startDaemon(options.stateDir, {
    name: daemon.name,
    command: 'nsenter',
    args: [`--net=${netnsPath(daemon.netns)}`, daemon.command, ...daemon.args],
    identity: daemon.identity,
    cwd: repoRoot,
  });
  // Between fork and exec the child still shows our own command line: wait until it shows its own,
  // so a caller's "is it still running?" check never mistakes a starting daemon for an exited one.
  const deadline = Date.now() + 5_000;
  while (!isOurProcess(pid, daemon.identity) && processExists(pid) && Date.now() < deadline) {
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10);
  }
  return { state: 'started', pid };
}

function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export function stopLabDaemon(options: LabOptions, daemon: LabDaemon, graceMs = daemon.graceMs): Promise<StopResult> {
  return stopDaemon(options.stateDir, daemon.name, daemon.identity, graceMs);
}

/** SIGKILL, as a crash would (the e2e suite's failure scenarios); true when a process was killed. */
export function killLabDaemon(options: LabOptions, daemon: LabDaemon): boolean {
  const pid = labDaemonPid(options, daemon);
  if (pid === undefined) return false;
  process.kill(pid, 'SIGKILL');
  return true;
}

export { apiserverURL };
