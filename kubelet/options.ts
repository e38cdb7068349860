// The kubelet's flags (upstream names and defaults where upstream has the flag; k8ts additions say
// so), parsed into one options object, so a bad flag is one readable line, not a stack trace.
import os from 'node:os';
import { Command, InvalidArgumentError } from 'commander';
import { parseGoDuration } from '../api/duration.js';

export interface KubeletOptions {
  kubeconfig: string;
  nodeName: string;
  /** --node-ip: the InternalIP this node reports; default the first non-loopback IPv4 address. */
  nodeIP: string;
  address: string;
  port: number;
  tlsCertFile?: string;
  tlsPrivateKeyFile?: string;
  clientCAFile?: string;
  rootDir: string;
  podManifestPath?: string;
  /** --pod-cidr: used only until the node's spec.podCIDR is assigned by node IPAM. */
  podCIDR?: string;
  /** k8ts: the cluster pod CIDR (not masqueraded), default 10.244.0.0/16. */
  clusterCIDR: string;
  clusterDNS: string[];
  clusterDomain: string;
  /** --resolv-conf: the resolver configuration pods with dnsPolicy Default get. */
  resolvConf: string;
  containerRuntimeEndpoint: string;
  podInfraContainerImage: string;
  nodeStatusUpdateFrequencyMs: number;
  maxPods: number;
  nodeLabels: Record<string, string>;
  registerWithTaints: Array<{ key: string; value?: string; effect: string }>;
  /** k8ts: Docker network and bridge of the pod network. */
  networkName: string;
  bridgeName: string;
  /** k8ts: program host-gw routes to other nodes' podCIDRs (off when several kubelets share a host). */
  hostGatewayRoutes: boolean;
  verbosity: number;
}

function port(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError('must be a port number (0-65535)');
  return n;
}

function int(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('must be a non-negative integer');
  return n;
}

function bool(value: string | undefined): boolean {
  if (value === undefined || value === 'true') return true;
  if (value === 'false') return false;
  throw new InvalidArgumentError('must be true or false');
}

function durationMs(value: string): number {
  const ms = parseGoDuration(value);
  if (ms === undefined) throw new InvalidArgumentError(`invalid duration "${value}"`);
  return ms;
}

function labels(value: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of value.split(',').filter(Boolean)) {
    const [k, v = ''] = pair.split('=');
    if (!k) throw new InvalidArgumentError(`invalid label "${pair}"`);
    out[k] = v;
  }
  return out;
}

function taints(value: string): KubeletOptions['registerWithTaints'] {
  return value.split(',').filter(Boolean).map((t) => {
    const m = /^([^=:]+)(?:=([^:]*))?:(NoSchedule|PreferNoSchedule|NoExecute)$/.exec(t);
    if (!m) throw new InvalidArgumentError(`invalid taint "${t}": want key[=value]:Effect`);
    return { key: m[1]!, ...(m[2] !== undefined ? { value: m[2] } : {}), effect: m[3]! };
  });
}

export function defaultNodeIP(): string {
  for (const addrs of Object.values(os.networkInterfaces())) {
    for (const a of addrs ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
  }
  return '127.0.0.1';
}

export function parseOptions(argv: string[]): KubeletOptions {
  const cmd = new Command('kubelet')
    .description('k8ts kubelet: runs the pods bound to this node in Docker')
    .requiredOption('--kubeconfig <file>', 'kubeconfig to reach the apiserver')
    .option('--hostname-override <name>', 'node name (default the hostname)')
    .option('--node-ip <ip>', 'InternalIP of the node')
    .option('--address <ip>', 'address of the kubelet API', '0.0.0.0')
    .option('--port <port>', 'port of the kubelet API (HTTPS)', port, 10250)
    .option('--tls-cert-file <file>', 'serving certificate')
    .option('--tls-private-key-file <file>', 'serving key')
    .option('--client-ca-file <file>', 'CA that signs client certificates')
    .option('--root-dir <dir>', 'kubelet state directory', '/var/lib/kubelet')
    .option('--pod-manifest-path <dir>', 'static pod manifests')
    .option('--pod-cidr <cidr>', 'pod CIDR until node IPAM assigns spec.podCIDR')
    .option('--cluster-cidr <cidr>', 'k8ts: the cluster pod CIDR', '10.244.0.0/16')
    .option('--cluster-dns <ips>', 'DNS server IPs for pods', '')
    .option('--cluster-domain <domain>', 'cluster DNS domain', 'cluster.local')
    .option('--resolv-conf <file>', 'resolver configuration for dnsPolicy Default', '/etc/resolv.conf')
    .option('--container-runtime-endpoint <url>', 'Docker endpoint', 'unix:///var/run/docker.sock')
    .option('--pod-infra-container-image <image>', 'sandbox image', 'k8ts/pause:3.9')
    .option('--node-status-update-frequency <duration>', 'node status period', durationMs, 10_000)
    .option('--max-pods <n>', 'pods capacity', int, 110)
    .option('--node-labels <k=v,...>', 'labels to add when registering', labels, {})
    .option('--register-with-taints <key=value:Effect,...>', 'taints to register with', taints, [])
    .option('--network-name <name>', 'k8ts: Docker network of pods', 'k8ts')
    .option('--bridge-name <name>', 'k8ts: bridge of the pod network', 'k8ts0')
    .option('--host-gateway-routes [bool]', 'k8ts: routes to other nodes\' podCIDRs', bool, true)
    .option('--v <level>', 'log verbosity', int, 0)
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });
  cmd.parse(argv, { from: 'user' });
  const o = cmd.opts();
  const nodeName = String(o.hostnameOverride ?? os.hostname()).toLowerCase();
  return {
    kubeconfig: o.kubeconfig,
    nodeName,
    nodeIP: o.nodeIp ?? defaultNodeIP(),
    address: o.address,
    port: o.port,
    tlsCertFile: o.tlsCertFile,
    tlsPrivateKeyFile: o.tlsPrivateKeyFile,
    clientCAFile: o.clientCaFile,
    rootDir: o.rootDir,
    podManifestPath: o.podManifestPath,
    podCIDR: o.podCidr,
    clusterCIDR: o.clusterCidr,
    clusterDNS: String(o.clusterDns).split(',').map((s) => s.trim()).filter(Boolean),
    clusterDomain: o.clusterDomain,
    resolvConf: o.resolvConf,
    containerRuntimeEndpoint: o.containerRuntimeEndpoint,
    podInfraContainerImage: o.podInfraContainerImage,
    nodeStatusUpdateFrequencyMs: o.nodeStatusUpdateFrequency,
    maxPods: o.maxPods,
    nodeLabels: o.nodeLabels,
    registerWithTaints: o.registerWithTaints,
    networkName: o.networkName,
    bridgeName: o.bridgeName,
    hostGatewayRoutes: o.hostGatewayRoutes,
    verbosity: o.v,
  };
}
