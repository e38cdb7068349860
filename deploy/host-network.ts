// Owns the host-wide network state of a local cluster: routes that keep the service and cluster pod
// CIDRs on the host (so packets nothing local serves die here instead of leaving it), and on
// reset the removal of everything the node daemons left: pod containers of the node, the pod
// network, host-gw routes (proto 233), and every K8TS- and KUBE- iptables chain and jump.
// Must never touch a chain, route or container that is not marked as the project's.
import { execFileSync, spawnSync } from 'node:child_process';

export const SERVICE_CIDR = '10.96.0.0/16';
export const CLUSTER_CIDR = '10.244.0.0/16';
const ROUTE_PROTOCOL = '233';
const OUR_CHAIN = /^(K8TS|KUBE)-[A-Za-z0-9-]+$/;

function quiet(command: string, args: string[]): { ok: boolean; stdout: string } {
  const r = spawnSync(command, args, { encoding: 'utf8' });
  return { ok: r.status === 0, stdout: r.stdout ?? '' };
}

/**
 * The pod CIDR gets an `unreachable` route (the node's bridge and the host-gw routes are more
 * specific and win). The service CIDR cannot: the host's own connect() to a cluster IP looks the
 * route up before kube-proxy's DNAT in nat OUTPUT, so `unreachable` would fail it with EHOSTUNREACH.
 * It gets a route into the loopback device instead: DNAT'ed packets are re-routed to their pod, and
 * anything else is dropped on the host, never sent out. Idempotent; returns the routes it added.
 */
export function ensureClusterRoutes(hostIP: string, serviceCIDR = SERVICE_CIDR, clusterCIDR = CLUSTER_CIDR): string[] {
  const added: string[] = [];
  if (quiet('ip', ['route', 'show', 'type', 'unreachable', clusterCIDR]).stdout.trim() === '') {
    execFileSync('ip', ['route', 'add', 'unreachable', clusterCIDR]);
    added.push(`unreachable ${clusterCIDR}`);
  }
  if (quiet('ip', ['route', 'show', serviceCIDR, 'dev', 'lo']).stdout.trim() === '') {
    quiet('ip', ['route', 'del', 'unreachable', serviceCIDR]);
    execFileSync('ip', ['route', 'replace', serviceCIDR, 'dev', 'lo', 'src', hostIP]);
    added.push(`${serviceCIDR} dev lo`);
  }
  return added;
}

export function removeClusterRoutes(serviceCIDR = SERVICE_CIDR, clusterCIDR = CLUSTER_CIDR): void {
  quiet('ip', ['route', 'del', 'unreachable', clusterCIDR]);
  quiet('ip', ['route', 'del', serviceCIDR, 'dev', 'lo']);
  quiet('ip', ['route', 'del', 'unreachable', serviceCIDR]);
}

/** Removes host-gw routes the kubelet added (marked with our routing protocol number). */
export function removeHostGatewayRoutes(): number {
  const lines = quiet('ip', ['-4', 'route', 'show', 'proto', ROUTE_PROTOCOL]).stdout.split('\n').filter(Boolean);
  for (const line of lines) quiet('ip', ['route', 'del', ...line.trim().split(/\s+/)]);
  return lines.length;
}

/** Splits an `iptables -S` rule, honouring double-quoted comments. */
function splitRule(rule: string): string[] {
  const args: string[] = [];
  const re = /"((?:[^"\\]|\\.)*)"|(\S+)/g;
  for (let m = re.exec(rule); m; m = re.exec(rule)) args.push(m[1] !== undefined ? m[1].replace(/\\(.)/g, '$1') : m[2]!);
  return args;
}

/** Deletes every jump into a K8TS- or KUBE- chain, then flushes and deletes those chains; returns the chains removed. */
export function removeProjectChains(): string[] {
  const removed: string[] = [];
  for (const table of ['filter', 'nat', 'mangle']) {
    const listing = quiet('iptables', ['-w', '5', '-t', table, '-S']);
    if (!listing.ok) continue;
    const lines = listing.stdout.split('\n');
    const chains = lines.filter((l) => l.startsWith('-N ')).map((l) => l.slice(3).trim()).filter((c) => OUR_CHAIN.test(c));
    if (chains.length === 0) continue;
    const ours = new Set(chains);
    for (const line of lines) {
      if (!line.startsWith('-A ')) continue;
      const args = splitRule(line.slice(3));
      const target = args[args.indexOf('-j') + 1];
      if (!ours.has(args[0]!) && target !== undefined && ours.has(target)) quiet('iptables', ['-w', '5', '-t', table, '-D', ...args]);
    }
    for (const chain of chains) quiet('iptables', ['-w', '5', '-t', table, '-F', chain]);
    for (const chain of chains) {
      if (quiet('iptables', ['-w', '5', '-t', table, '-X', chain]).ok) removed.push(`${table}/${chain}`);
    }
  }
  return removed;
}

/** Removes the containers a kubelet of this node made (label k8ts.io/node-name) and the pod network. */
export function removeNodeContainers(nodeName: string, networkName = 'k8ts'): number {
  const ids = quiet('docker', ['ps', '-aq', '--filter', `label=k8ts.io/node-name=${nodeName}`]).stdout.split('\n').filter(Boolean);
  if (ids.length > 0) quiet('docker', ['rm', '-f', '-v', ...ids]);
  quiet('docker', ['network', 'rm', networkName]);
  return ids.length;
}
