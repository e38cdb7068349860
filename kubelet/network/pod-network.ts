// Owns the pod network of one node: a Docker bridge network whose subnet is the node's podCIDR
// (Docker makes the bridge, veths and addresses), IP forwarding, masquerade only for traffic from
// pods leaving the cluster CIDR, and forwarding allowed to and from pods (Docker's FORWARD policy is
// DROP). Must never masquerade pod-to-pod traffic, and never change a network it did not create.
import { writeFileSync, readFileSync } from 'node:fs';
import type Docker from 'dockerode';
import { ensureJump, removeChain, syncChain } from './iptables.js';

export interface PodNetworkOptions {
  /** Docker network name, e.g. `k8ts`. */
  networkName: string;
  /** Linux bridge name (at most 15 characters), e.g. `k8ts0`. */
  bridgeName: string;
  /** This node's pod CIDR, e.g. 10.244.0.0/24. */
  podCIDR: string;
  /** The whole cluster's pod CIDR, e.g. 10.244.0.0/16: traffic to it is never masqueraded. */
  clusterCIDR: string;
  /** Label value recorded on the network (the node name). */
  nodeName: string;
  /** Program iptables (masquerade + forward); off only where the caller owns no host rules. */
  iptables?: boolean;
}

export interface PodNetwork {
  networkName: string;
  gateway: string;
}

const NODE_LABEL = 'k8ts.io/node-name';

/** The first usable address of an IPv4 CIDR (the bridge's gateway). */
export function firstAddress(cidr: string): string {
  const [base, bits] = cidr.split('/');
  const parts = base!.split('.').map(Number);
  if (parts.length !== 4 || parts.some((p) => !(p >= 0 && p <= 255)) || !(Number(bits) >= 0 && Number(bits) <= 30)) {
    throw new Error(`invalid IPv4 CIDR ${cidr}`);
  }
  const n = ((parts[0]! << 24) >>> 0) + (parts[1]! << 16) + (parts[2]! << 8) + parts[3]!;
  const mask = Number(bits) === 0 ? 0 : (~0 << (32 - Number(bits))) >>> 0;
  const first = ((n & mask) >>> 0) + 1;
  return [first >>> 24, (first >>> 16) & 255, (first >>> 8) & 255, first & 255].join('.');
}

/** iptables chain names of a bridge (28 characters at most). */
export function chainNames(bridgeName: string): { masq: string; forward: string } {
  const suffix = bridgeName.toUpperCase().replace(/[^A-Z0-9]/g, '-');
  return { masq: `K8TS-MASQ-${suffix}`, forward: `K8TS-FWD-${suffix}` };
}

function enableIpForwarding(): void {
  const file = '/proc/sys/net/ipv4/ip_forward';
  if (readFileSync(file, 'utf8').trim() !== '1') writeFileSync(file, '1\n');
}

async function findNetwork(docker: Docker, name: string): Promise<Docker.NetworkInspectInfo | undefined> {
  const networks = await docker.listNetworks({ filters: JSON.stringify({ name: [name] }) });
  return networks.find((n) => n.Name === name);
}

export async function ensurePodNetwork(docker: Docker, options: PodNetworkOptions): Promise<PodNetwork> {
  if (options.bridgeName.length > 15) throw new Error(`bridge name ${options.bridgeName} is longer than 15 characters`);
  const gateway = firstAddress(options.podCIDR);
  let network = await findNetwork(docker, options.networkName);
  const subnet = network?.IPAM?.Config?.[0]?.Subnet;
  if (network && subnet !== options.podCIDR) {
    const inspected = await docker.getNetwork(network.Id).inspect() as Docker.NetworkInspectInfo;
    if (Object.keys(inspected.Containers ?? {}).length > 0) {
      throw new Error(`docker network ${options.networkName} has subnet ${subnet}, not the node's podCIDR ${options.podCIDR}, and containers still use it`);
    }
    await docker.getNetwork(network.Id).remove();
    network = undefined;
  }
  if (!network) {
    await docker.createNetwork({
      Name: options.networkName,
      Driver: 'bridge',
      CheckDuplicate: true,
      IPAM: { Driver: 'default', Config: [{ Subnet: options.podCIDR, Gateway: gateway }] },
      Options: {
        'com.docker.network.bridge.name': options.bridgeName,
        'com.docker.network.bridge.enable_ip_masquerade': 'false',
        'com.docker.network.bridge.enable_icc': 'true',
      },
      Labels: { [NODE_LABEL]: options.nodeName },
    });
  }
  if (options.iptables !== false) {
    enableIpForwarding();
    const chains = chainNames(options.bridgeName);
    await syncChain('nat', chains.masq, [
      ['-d', options.clusterCIDR, '-m', 'comment', '--comment', 'k8ts: pod-to-pod traffic keeps its source', '-j', 'RETURN'],
      ['-m', 'comment', '--comment', 'k8ts: pods leaving the cluster CIDR', '-j', 'MASQUERADE'],
    ]);
    await ensureJump('nat', 'POSTROUTING', chains.masq, ['-s', options.podCIDR], `k8ts pod network ${options.bridgeName}`);
    await syncChain('filter', chains.forward, [
      ['-d', options.podCIDR, '-m', 'comment', '--comment', 'k8ts: to pods', '-j', 'ACCEPT'],
      ['-s', options.podCIDR, '-m', 'comment', '--comment', 'k8ts: from pods', '-j', 'ACCEPT'],
    ]);
    await ensureJump('filter', 'FORWARD', chains.forward, [], `k8ts pod network ${options.bridgeName}`);
  }
  return { networkName: options.networkName, gateway };
}

/** Removes the network (when no container uses it) and its iptables chains. */
export async function removePodNetwork(docker: Docker, options: Pick<PodNetworkOptions, 'networkName' | 'bridgeName'>): Promise<void> {
  const chains = chainNames(options.bridgeName);
  await removeChain('nat', 'POSTROUTING', chains.masq);
  await removeChain('filter', 'FORWARD', chains.forward);
  const network = await findNetwork(docker, options.networkName);
  if (network) await docker.getNetwork(network.Id).remove();
}
