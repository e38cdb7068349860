// The kubelet-managed /etc/hosts of a pod (upstream's managedHostsFileContent): localhost lines, the
// pod's IPs with its hostname (and FQDN when it has a subdomain), then hostAliases. Pure except
// hostsFileContent for host-network pods, which reads the host's /etc/hosts.
import fs from 'node:fs';
import type { HostAlias, Pod } from '../../api/types.js';

const MANAGED_HEADER = '# Kubernetes-managed hosts file.\n';
const MANAGED_HEADER_HOST_NETWORK = '# Kubernetes-managed hosts file (host network).\n';

/** GeneratePodHostNameAndDomain: the pod's hostname (<= 63 chars) and `<subdomain>.<ns>.svc.<domain>`. */
export function podHostnameAndDomain(pod: Pod, clusterDomain: string): { hostname: string; hostDomain: string } {
  let hostname = pod.spec?.hostname || pod.metadata?.name || '';
  if (hostname.length > 63) hostname = hostname.slice(0, 63).replace(/[-.]+$/, '');
  const subdomain = pod.spec?.subdomain;
  const hostDomain = subdomain ? `${subdomain}.${pod.metadata?.namespace ?? 'default'}.svc.${clusterDomain}` : '';
  return { hostname, hostDomain };
}

function hostAliasLines(aliases: HostAlias[] | undefined): string {
  if (!aliases || aliases.length === 0) return '';
  let out = '\n# Entries added by HostAliases.\n';
  for (const alias of aliases) out += `${alias.ip}\t${(alias.hostnames ?? []).join('\t')}\n`;
  return out;
}

export function managedHostsFileContent(podIPs: string[], hostname: string, hostDomain: string, aliases: HostAlias[] | undefined): string {
  let out = MANAGED_HEADER;
  out += '127.0.0.1\tlocalhost\n';
  out += '::1\tlocalhost ip6-localhost ip6-loopback\n';
  out += 'fe00::0\tip6-localnet\n';
  out += 'fe00::0\tip6-mcastprefix\n';
  out += 'fe00::1\tip6-allnodes\n';
  out += 'fe00::2\tip6-allrouters\n';
  for (const ip of podIPs) {
    out += hostDomain ? `${ip}\t${hostname}.${hostDomain}\t${hostname}\n` : `${ip}\t${hostname}\n`;
  }
  return out + hostAliasLines(aliases);
}

/** The whole file for a pod: a copy of the host's file for hostNetwork pods, else the managed one. */
export function hostsFileContent(pod: Pod, podIPs: string[], clusterDomain: string, hostHostsFile = '/etc/hosts'): string {
  if (pod.spec?.hostNetwork) {
    let host = '';
    try {
      host = fs.readFileSync(hostHostsFile, 'utf8');
    } catch {
      host = '';
    }
    return MANAGED_HEADER_HOST_NETWORK + host + hostAliasLines(pod.spec.hostAliases);
  }
  const { hostname, hostDomain } = podHostnameAndDomain(pod, clusterDomain);
  return managedHostsFileContent(podIPs, hostname, hostDomain, pod.spec?.hostAliases);
}
