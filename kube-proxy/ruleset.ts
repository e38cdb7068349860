// Owns the whole iptables ruleset of kube-proxy as a pure function of (service ports, options):
// iptables-restore input for the nat and filter tables in upstream's chain layout (KUBE-SERVICES,
// KUBE-SVC-*, KUBE-SVL-*, KUBE-SEP-*, KUBE-EXT-*, KUBE-NODEPORTS, KUBE-MARK-MASQ, KUBE-POSTROUTING,
// KUBE-FORWARD, KUBE-EXTERNAL-SERVICES), stale per-service chains deleted in the same transaction.
// Must never emit a rule outside a KUBE- chain: jumps from built-in chains are the syncer's.
import { endpointChain, externalChain, serviceChain, serviceLocalChain } from './chain-names.js';
import type { Endpoint, ServicePort } from './service-ports.js';

export interface RulesetOptions {
  /** The cluster pod CIDR: traffic to a cluster IP from outside it is masqueraded. */
  clusterCIDR?: string;
  /** Chains that exist now in the nat table (from iptables-save), so stale per-service ones are deleted. */
  existingNatChains?: string[];
  existingFilterChains?: string[];
}

export interface Ruleset {
  /** iptables-restore --noflush input covering both tables. */
  text: string;
  /** The same without the deletion of stale chains: what the world looks like once applied. */
  cleanText: string;
  natChains: string[];
  filterChains: string[];
}

export const MASQ_MARK = '0x4000/0x4000';

/** Top-level chains kube-proxy always owns. */
export const NAT_BASE_CHAINS = ['KUBE-SERVICES', 'KUBE-NODEPORTS', 'KUBE-POSTROUTING', 'KUBE-MARK-MASQ'];
export const FILTER_BASE_CHAINS = ['KUBE-SERVICES', 'KUBE-EXTERNAL-SERVICES', 'KUBE-FORWARD', 'KUBE-NODEPORTS', 'KUBE-PROXY-FIREWALL'];

const PER_SERVICE_CHAIN = /^KUBE-(SVC|SVL|SEP|EXT|FW)-/;

function comment(text: string): string[] {
  return ['-m', 'comment', '--comment', /[\s"]/.test(text) ? `"${text.replace(/"/g, '\\"')}"` : text];
}

function proto(p: ServicePort): string[] {
  return ['-m', p.protocol, '-p', p.protocol];
}

/** upstream formats probabilities with %0.10f. */
export function probability(n: number): string {
  return (1 / n).toFixed(10);
}

class Table {
  readonly chains: string[] = [];
  readonly rules: string[] = [];
  private readonly known = new Set<string>();
  chain(name: string): void {
    if (this.known.has(name)) return;
    this.known.add(name);
    this.chains.push(name);
  }
  has(name: string): boolean {
    return this.known.has(name);
  }
  add(chain: string, ...args: string[]): void {
    this.rules.push(['-A', chain, ...args].join(' '));
  }
}

function endpointRules(nat: Table, p: ServicePort, from: string, endpoints: Endpoint[]): void {
  const seps = endpoints.map((e) => ({ e, chain: endpointChain(p.name, p.protocol, e.address) }));
  if (p.affinitySeconds !== undefined) {
    for (const { e, chain } of seps) {
      nat.add(from, ...comment(`${p.name} -> ${e.address}`), '-m', 'recent', '--name', chain, '--rcheck', '--seconds', String(p.affinitySeconds), '--reap', '-j', chain);
    }
  }
  seps.forEach(({ e, chain }, i) => {
    const left = seps.length - i;
    const stat = left > 1 ? ['-m', 'statistic', '--mode', 'random', '--probability', probability(left)] : [];
    nat.add(from, ...comment(`${p.name} -> ${e.address}`), ...stat, '-j', chain);
  });
}

function endpointChains(nat: Table, p: ServicePort): void {
  for (const e of p.endpoints) {
    const chain = endpointChain(p.name, p.protocol, e.address);
    if (nat.has(chain)) continue;
    nat.chain(chain);
    nat.add(chain, ...comment(p.name), '-s', `${e.ip}/32`, '-j', 'KUBE-MARK-MASQ');
    const affinity = p.affinitySeconds !== undefined ? ['-m', 'recent', '--name', chain, '--set'] : [];
    nat.add(chain, ...comment(p.name), ...affinity, ...proto(p), '-j', 'DNAT', '--to-destination', e.address);
  }
}

export function buildRuleset(ports: ServicePort[], options: RulesetOptions = {}): Ruleset {
  const nat = new Table();
  const filter = new Table();
  NAT_BASE_CHAINS.forEach((c) => nat.chain(c));
  FILTER_BASE_CHAINS.forEach((c) => filter.chain(c));

  for (const p of ports) {
    const svc = serviceChain(p.name, p.protocol);
    const svl = serviceLocalChain(p.name, p.protocol);
    const ext = externalChain(p.name, p.protocol);
    const dest = ['-d', `${p.clusterIP}/32`, '--dport', String(p.port)];
    const local = p.endpoints.filter((e) => e.local);
    const hasEndpoints = p.endpoints.length > 0;
    const clusterEndpoints = p.internalLocal ? local : p.endpoints;
    const externalTargets = p.nodePort !== undefined || p.externalIPs.length > 0;

    if (hasEndpoints) {
      nat.chain(svc);
      if (options.clusterCIDR) {
        nat.add(svc, ...comment(`${p.name} cluster IP`), ...proto(p), ...dest, '!', '-s', options.clusterCIDR, '-j', 'KUBE-MARK-MASQ');
      }
      endpointRules(nat, p, svc, p.endpoints);
      if (p.internalLocal || p.externalLocal) {
        nat.chain(svl);
        endpointRules(nat, p, svl, local);
      }
      endpointChains(nat, p);
    }

    // Cluster IP.
    if (clusterEndpoints.length > 0) {
      nat.add('KUBE-SERVICES', ...comment(`${p.name} cluster IP`), ...proto(p), ...dest, '-j', p.internalLocal ? svl : svc);
    } else {
      const why = hasEndpoints ? 'has no local endpoints' : 'has no endpoints';
      filter.add('KUBE-SERVICES', ...comment(`${p.name} ${why}`), ...proto(p), ...dest, '-j', hasEndpoints ? 'DROP' : 'REJECT');
    }

    // External destinations: node ports and external IPs.
    if (!externalTargets) continue;
    const externalUsable = p.externalLocal ? local.length > 0 : hasEndpoints;
    if (hasEndpoints) {
      nat.chain(ext);
      if (p.externalLocal) {
        if (options.clusterCIDR) nat.add(ext, ...comment(`pod traffic for ${p.name} external destinations`), '-s', options.clusterCIDR, '-j', svc);
        nat.add(ext, ...comment(`masquerade LOCAL traffic for ${p.name} external destinations`), '-m', 'addrtype', '--src-type', 'LOCAL', '-j', 'KUBE-MARK-MASQ');
        nat.add(ext, ...comment(`route LOCAL traffic for ${p.name} external destinations`), '-m', 'addrtype', '--src-type', 'LOCAL', '-j', svc);
        if (local.length > 0) nat.add(ext, '-j', svl);
      } else {
        nat.add(ext, ...comment(`masquerade traffic for ${p.name} external destinations`), '-j', 'KUBE-MARK-MASQ');
        nat.add(ext, '-j', svc);
      }
    }
    for (const ip of p.externalIPs) {
      const extDest = ['-d', `${ip}/32`, '--dport', String(p.port)];
      if (hasEndpoints) nat.add('KUBE-SERVICES', ...comment(`${p.name} external IP`), ...proto(p), ...extDest, '-j', ext);
      if (!externalUsable) {
        const why = hasEndpoints ? 'has no local endpoints' : 'has no endpoints';
        filter.add('KUBE-EXTERNAL-SERVICES', ...comment(`${p.name} ${why}`), ...proto(p), ...extDest, '-j', hasEndpoints ? 'DROP' : 'REJECT');
      }
    }
    if (p.nodePort !== undefined) {
      if (hasEndpoints) nat.add('KUBE-NODEPORTS', ...comment(p.name), ...proto(p), '--dport', String(p.nodePort), '-j', ext);
      if (!externalUsable) {
        const why = hasEndpoints ? 'has no local endpoints' : 'has no endpoints';
        filter.add('KUBE-EXTERNAL-SERVICES', ...comment(`${p.name} ${why}`), '-m', 'addrtype', '--dst-type', 'LOCAL', ...proto(p), '--dport', String(p.nodePort), '-j', hasEndpoints ? 'DROP' : 'REJECT');
      }
    }
  }

  nat.add('KUBE-SERVICES', ...comment('kubernetes service nodeports; NOTE: this must be the last rule in this chain'), '-m', 'addrtype', '--dst-type', 'LOCAL', '-j', 'KUBE-NODEPORTS');
  nat.add('KUBE-POSTROUTING', '-m', 'mark', '!', '--mark', MASQ_MARK, '-j', 'RETURN');
  nat.add('KUBE-POSTROUTING', '-j', 'MARK', '--xor-mark', '0x4000');
  nat.add('KUBE-POSTROUTING', ...comment('kubernetes service traffic requiring SNAT'), '-j', 'MASQUERADE', '--random-fully');
  nat.add('KUBE-MARK-MASQ', '-j', 'MARK', '--or-mark', '0x4000');
  filter.add('KUBE-FORWARD', '-m', 'conntrack', '--ctstate', 'INVALID', '-j', 'DROP');
  filter.add('KUBE-FORWARD', ...comment('kubernetes forwarding rules'), '-m', 'mark', '--mark', MASQ_MARK, '-j', 'ACCEPT');
  filter.add('KUBE-FORWARD', ...comment('kubernetes forwarding conntrack rule'), '-m', 'conntrack', '--ctstate', 'RELATED,ESTABLISHED', '-j', 'ACCEPT');

  const stale = (existing: string[] | undefined, table: Table) =>
    (existing ?? []).filter((c) => PER_SERVICE_CHAIN.test(c) && !table.has(c)).sort();
  const staleNat = stale(options.existingNatChains, nat);
  const staleFilter = stale(options.existingFilterChains, filter);
  const section = (name: string, table: Table, staleChains: string[]) => [
    `*${name}`,
    ...table.chains.map((c) => `:${c} - [0:0]`),
    ...staleChains.map((c) => `:${c} - [0:0]`),
    ...table.rules,
    ...staleChains.map((c) => `-X ${c}`),
    'COMMIT',
  ];
  const text = [...section('filter', filter, staleFilter), ...section('nat', nat, staleNat)].join('\n') + '\n';
  const cleanText = staleNat.length + staleFilter.length === 0
    ? text
    : [...section('filter', filter, []), ...section('nat', nat, [])].join('\n') + '\n';
  return { text, cleanText, natChains: nat.chains, filterChains: filter.chains };
}
