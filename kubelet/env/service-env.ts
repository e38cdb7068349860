// Service environment variables (`<SVC>_SERVICE_HOST`, `_SERVICE_PORT`, docker-link `_PORT_*`) as
// upstream's kubelet builds them: the `kubernetes` service of the master namespace always, the pod's
// namespace's services when enableServiceLinks. Pure: the caller passes the services it listed.
import type { Service } from '../../api/types.js';

const MASTER_SERVICES = new Set(['kubernetes']);

function isServiceIPSet(service: Service): boolean {
  const ip = service.spec?.clusterIP;
  return ip !== undefined && ip !== '' && ip !== 'None';
}

function envName(s: string): string {
  return s.replaceAll('-', '_').toUpperCase();
}

function joinHostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

/** envvars.FromServices: the variables of each service, in upstream's order. */
export function fromServices(services: Service[]): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (const service of services) {
    if (!isServiceIPSet(service)) continue;
    const ports = service.spec?.ports ?? [];
    if (ports.length === 0) continue;
    const prefix = envName(service.metadata?.name ?? '');
    const clusterIP = service.spec!.clusterIP!;
    out.push([`${prefix}_SERVICE_HOST`, clusterIP]);
    const portName = `${prefix}_SERVICE_PORT`;
    out.push([portName, String(ports[0]!.port)]);
    for (const sp of ports) {
      if (sp.name) out.push([`${portName}_${envName(sp.name)}`, String(sp.port)]);
    }
    ports.forEach((sp, i) => {
      const protocol = sp.protocol || 'TCP';
      const url = `${protocol.toLowerCase()}://${joinHostPort(clusterIP, sp.port)}`;
      if (i === 0) out.push([`${prefix}_PORT`, url]);
      const portPrefix = `${prefix}_PORT_${sp.port}_${protocol.toUpperCase()}`;
      out.push([portPrefix, url]);
      out.push([`${portPrefix}_PROTO`, protocol.toLowerCase()]);
      out.push([`${portPrefix}_PORT`, String(sp.port)]);
      out.push([`${portPrefix}_ADDR`, clusterIP]);
    });
  }
  return out;
}

/**
 * getServiceEnvVarMap: `services` is every Service the kubelet knows (all namespaces). The master
 * service(s) of masterServiceNamespace are always included; same-namespace services only when
 * enableServiceLinks (a same-namespace service named like a master service then wins).
 */
export function serviceEnvironment(
  services: Service[],
  namespace: string,
  enableServiceLinks: boolean,
  masterServiceNamespace = 'default',
): Record<string, string> {
  const byName = new Map<string, Service>();
  for (const service of services) {
    if (!isServiceIPSet(service)) continue;
    const name = service.metadata?.name ?? '';
    const ns = service.metadata?.namespace ?? '';
    if (ns === masterServiceNamespace && MASTER_SERVICES.has(name)) {
      if (!byName.has(name)) byName.set(name, service);
    } else if (ns === namespace && enableServiceLinks) {
      byName.set(name, service);
    }
  }
  const sorted = [...byName.keys()].sort().map((k) => byName.get(k)!);
  const env: Record<string, string> = {};
  for (const [k, v] of fromServices(sorted)) env[k] = v;
  return env;
}
