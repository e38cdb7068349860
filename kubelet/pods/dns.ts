// Owns a pod's DNS settings and hostname as upstream's kubelet computes them (dnsPolicy ClusterFirst,
// ClusterFirstWithHostNet, Default, None, dnsConfig merge; hostname/subdomain). Pure except for
// reading the host's resolv.conf, which callers pass in.
import type { Pod } from '../../api/types.js';

export interface DnsSettings {
  nameservers: string[];
  searches: string[];
  options: string[];
}

export interface ResolvConf extends DnsSettings {}

export function parseResolvConf(text: string): ResolvConf {
  const out: ResolvConf = { nameservers: [], searches: [], options: [] };
  for (const raw of text.split('\n')) {
    const line = raw.replace(/[#;].*$/, '').trim();
    const [key, ...rest] = line.split(/\s+/);
    if (key === 'nameserver' && rest[0]) out.nameservers.push(rest[0]);
    else if (key === 'search') out.searches = rest.filter(Boolean);
    else if (key === 'domain' && rest[0]) out.searches = [rest[0]];
    else if (key === 'options') out.options.push(...rest.filter(Boolean));
  }
  return out;
}

/** Upstream's MaxDNSNameservers/MaxDNSSearchPaths. */
const MAX_NAMESERVERS = 3;
const MAX_SEARCHES = 32;

function dedupe(xs: string[]): string[] {
  return [...new Set(xs)];
}

/** options merge as upstream's mergeDNSOptions: by name, later values win. */
function mergeOptions(base: string[], extra: { name?: string; value?: string }[]): string[] {
  const byName = new Map<string, string>();
  for (const o of base) {
    const [name, ...v] = o.split(':');
    byName.set(name!, o.includes(':') ? `${name}:${v.join(':')}` : name!);
  }
  for (const o of extra) if (o.name) byName.set(o.name, o.value !== undefined ? `${o.name}:${o.value}` : o.name);
  return [...byName.values()];
}

export interface DnsResult {
  dns: DnsSettings;
  /** An event to record (MissingClusterDNS) when ClusterFirst falls back to Default. */
  warning?: { reason: string; message: string };
}

/** Upstream's getPodDNSType + GetPodDNS. */
export function podDns(pod: Pod, clusterDNS: string[], clusterDomain: string, host: ResolvConf): DnsResult {
  const spec = pod.spec ?? { containers: [] };
  let policy = spec.dnsPolicy ?? 'ClusterFirst';
  let warning: DnsResult['warning'];
  if (policy === 'ClusterFirstWithHostNet') policy = 'ClusterFirst';
  else if (policy === 'ClusterFirst' && spec.hostNetwork) policy = 'Default';
  if (policy === 'ClusterFirst' && clusterDNS.length === 0) {
    warning = {
      reason: 'MissingClusterDNS',
      message: `pod: "${pod.metadata?.name}_${pod.metadata?.namespace}(${pod.metadata?.uid})". kubelet does not have ClusterDNS IP configured and cannot create Pod using "ClusterFirst" policy. Falling back to "Default" policy.`,
    };
    policy = 'Default';
  }
  let dns: DnsSettings;
  if (policy === 'None') dns = { nameservers: [], searches: [], options: [] };
  else if (policy === 'ClusterFirst') {
    const ns = pod.metadata?.namespace ?? 'default';
    dns = {
      nameservers: [...clusterDNS],
      searches: [`${ns}.svc.${clusterDomain}`, `svc.${clusterDomain}`, clusterDomain, ...host.searches],
      options: ['ndots:5'],
    };
  } else dns = { nameservers: [...host.nameservers], searches: [...host.searches], options: [...host.options] };
  const cfg = spec.dnsConfig;
  if (cfg) {
    dns.nameservers = dedupe([...dns.nameservers, ...(cfg.nameservers ?? [])]);
    dns.searches = dedupe([...dns.searches, ...(cfg.searches ?? [])]);
    dns.options = mergeOptions(dns.options, cfg.options ?? []);
  }
  dns.nameservers = dns.nameservers.slice(0, MAX_NAMESERVERS);
  dns.searches = dedupe(dns.searches).slice(0, MAX_SEARCHES);
  return { dns, warning };
}

/** The resolv.conf text of a pod (written over the sandbox's, as dockershim did). */
export function resolvConfText(dns: DnsSettings): string {
  const lines: string[] = [];
  if (dns.searches.length) lines.push(`search ${dns.searches.join(' ')}`);
  for (const n of dns.nameservers) lines.push(`nameserver ${n}`);
  if (dns.options.length) lines.push(`options ${dns.options.join(' ')}`);
  return lines.join('\n') + '\n';
}

/** Upstream's GeneratePodHostNameAndDomain: hostname (63 chars at most) and the subdomain's FQDN suffix. */
export function podHostname(pod: Pod, clusterDomain: string): { hostname: string; domain?: string } {
  let hostname = pod.spec?.hostname || pod.metadata?.name || '';
  if (hostname.length > 63) hostname = hostname.slice(0, 63).replace(/[-.]+$/, '');
  const sub = pod.spec?.subdomain;
  return { hostname, domain: sub ? `${sub}.${pod.metadata?.namespace ?? 'default'}.svc.${clusterDomain}` : undefined };
}
