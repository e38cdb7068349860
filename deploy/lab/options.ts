// Owns the options of a multi-node lab and everything derived from them: namespace, link and node
// names, lab addresses, directories. One lab = one prefix; two labs with different prefixes, subnets
// and state dirs never share a name, an address or a directory.
// Must never read flags or the environment (main.ts parses) and never pick an address outside the subnet.
import path from 'node:path';
import { repoRoot } from '../options.js';

export interface LabOptions {
  /** Prefix of every name the lab makes: namespaces `<prefix>`, `<prefix>-cp`, `<prefix>-w1`, ... */
  prefix: string;
  /** The lab network, a /24: .1 the root namespace, .2 the control plane, .11, .12, ... the workers. */
  subnet: string;
  workers: number;
  /** PKI, kubeconfigs, logs, pid files, kubelet root dirs. */
  stateDir: string;
  /** Cluster pod CIDR (node IPAM gives each node a /24 of it) and service CIDR. */
  clusterCIDR: string;
  serviceCIDR: string;
  /** Extra controller-manager flags (the e2e lab shortens the node monitor grace period). */
  controllerManagerArgs: string[];
  /** Extra kubelet flags (the e2e lab renews node status and lease more often). */
  kubeletArgs: string[];
  /** Run the cluster DNS and ingress addons (deploy/addons) on the project image; the kubelets get --cluster-dns. */
  addons: boolean;
  log: (line: string) => void;
}

export interface LabHost {
  /** Node name, host name and network namespace name, e.g. k8ts-lab-w1. */
  name: string;
  role: 'control-plane' | 'worker';
  /** Its address on the lab network. */
  ip: string;
  /** Short name of its port on the lab bridge (inside the switch namespace). */
  port: string;
}

export interface WorkerHost extends LabHost {
  role: 'worker';
  index: number;
  /** The docker0 address of its own dockerd (--bip), unique per lab and worker. */
  dockerBip: string;
  dockerSocket: string;
  dockerDataRoot: string;
  dockerExecRoot: string;
  dockerPidFile: string;
}

export const MAX_WORKERS = 9;

export function defaultLabOptions(partial: Partial<LabOptions> = {}): LabOptions {
  const options: LabOptions = {
    prefix: partial.prefix ?? 'k8ts-lab',
    subnet: partial.subnet ?? '10.88.0.0/24',
    workers: partial.workers ?? 2,
    stateDir: path.resolve(partial.stateDir ?? path.join(repoRoot, '.k8ts', 'lab')),
    clusterCIDR: partial.clusterCIDR ?? '10.244.0.0/16',
    serviceCIDR: partial.serviceCIDR ?? '10.96.0.0/16',
    controllerManagerArgs: partial.controllerManagerArgs ?? [],
    kubeletArgs: partial.kubeletArgs ?? [],
    addons: partial.addons ?? true,
    log: partial.log ?? ((line) => console.log(line)),
  };
  if (!/^[a-z][a-z0-9-]{1,10}$/.test(options.prefix)) {
    // <prefix>-w9 must stay a valid node name and the root link <prefix> at most 15 characters.
    throw new Error(`invalid lab prefix ${JSON.stringify(options.prefix)}: want 2-11 lower-case letters, digits or '-', starting with a letter`);
  }
  const subnet = /^(\d+)\.(\d+)\.(\d+)\.0\/24$/.exec(options.subnet);
  if (!subnet || subnet.slice(1).some((o) => Number(o) > 255)) throw new Error(`invalid lab subnet ${options.subnet}: want a /24 like 10.88.0.0/24`);
  // The workers' docker0 networks take the third octet + 100 + N.
  if (Number(subnet[3]) > 100) throw new Error(`invalid lab subnet ${options.subnet}: its third octet must be at most 100`);
  if (!Number.isInteger(options.workers) || options.workers < 1 || options.workers > MAX_WORKERS) {
    throw new Error(`invalid --workers ${options.workers}: want 1-${MAX_WORKERS}`);
  }
  return options;
}

function subnetBase(options: LabOptions): string {
  return options.subnet.split('.').slice(0, 3).join('.');
}

/** The root namespace's address on the lab network (host kubectl reaches the apiserver through it). */
export function rootAddress(options: LabOptions): string {
  return `${subnetBase(options)}.1`;
}

/** The switch namespace holds the lab bridge; the root namespace's end of its veth is named <prefix>. */
export function switchNamespace(options: LabOptions): string {
  return options.prefix;
}

export function rootLink(options: LabOptions): string {
  return options.prefix;
}

export const BRIDGE = 'lab0';

export function controlPlaneHost(options: LabOptions): LabHost {
  return { name: `${options.prefix}-cp`, role: 'control-plane', ip: `${subnetBase(options)}.2`, port: 'cp' };
}

export function workerHosts(options: LabOptions, count = options.workers): WorkerHost[] {
  const [a, b, c] = subnetBase(options).split('.').map(Number) as [number, number, number];
  return Array.from({ length: count }, (_, i) => {
    const index = i + 1;
    const name = `${options.prefix}-w${index}`;
    const run = path.join('/run', options.prefix, name);
    return {
      name,
      role: 'worker' as const,
      index,
      ip: `${a}.${b}.${c}.${10 + index}`,
      port: `w${index}`,
      // docker0 inside the worker: <a>.<b>.<c+100+index>.1/24 (never routed outside the worker).
      dockerBip: `${a}.${b}.${c + 100 + index}.1/24`,
      dockerSocket: path.join(run, 'docker.sock'),
      dockerDataRoot: path.join('/var/lib', options.prefix, name, 'docker'),
      dockerExecRoot: path.join(run, 'exec'),
      dockerPidFile: path.join(run, 'docker.pid'),
    };
  });
}

/** The kube-dns Service's ClusterIP: the tenth address of the service CIDR, as kubeadm picks it. */
export function clusterDNS(options: LabOptions): string {
  const [a, b, c] = options.serviceCIDR.split('/')[0]!.split('.');
  return `${a}.${b}.${c}.10`;
}

export function apiserverURL(options: LabOptions): string {
  return `https://${controlPlaneHost(options).ip}:6443`;
}

export function netnsPath(name: string): string {
  return `/var/run/netns/${name}`;
}

/** Where k8ts.io/host-path volumes of this lab live (the controller-manager's provisioner dir). */
export function volumesDir(options: LabOptions): string {
  return path.join('/var/lib', options.prefix, 'volumes');
}

/** Directories outside the state dir that the lab owns and `down` removes. */
export function labSystemDirs(options: LabOptions): string[] {
  return [path.join('/var/lib', options.prefix), path.join('/run', options.prefix)];
}
