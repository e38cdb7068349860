// Owns turning Services and EndpointSlices into the flat list of service ports kube-proxy programs:
// one entry per (service, port) with its cluster IP, node port, policies and the endpoints that
// serve it (ready ones; serving-and-terminating ones only when none is ready, as upstream). Pure.
import type { KubeObject } from '../client/index.js';
import { servicePortName } from './chain-names.js';

export interface ServiceObject extends KubeObject {
  spec?: {
    type?: string;
    clusterIP?: string;
    clusterIPs?: string[];
    externalIPs?: string[];
    ports?: Array<{ name?: string; protocol?: string; port: number; nodePort?: number }>;
    sessionAffinity?: string;
    sessionAffinityConfig?: { clientIP?: { timeoutSeconds?: number } };
    externalTrafficPolicy?: string;
    internalTrafficPolicy?: string;
  };
}

export interface EndpointSliceObject extends KubeObject {
  addressType?: string;
  endpoints?: Array<{
    addresses: string[];
    conditions?: { ready?: boolean; serving?: boolean; terminating?: boolean };
    nodeName?: string;
  }>;
  ports?: Array<{ name?: string; protocol?: string; port?: number }>;
}

export interface Endpoint {
  ip: string;
  port: number;
  /** `ip:port` */
  address: string;
  local: boolean;
}

export interface ServicePort {
  /** `ns/name:port` */
  name: string;
  namespace: string;
  serviceName: string;
  protocol: 'tcp' | 'udp' | 'sctp';
  clusterIP: string;
  port: number;
  nodePort?: number;
  externalIPs: string[];
  /** ClientIP affinity timeout in seconds, undefined for no affinity. */
  affinitySeconds?: number;
  externalLocal: boolean;
  internalLocal: boolean;
  /** Endpoints that take new connections, sorted by address. */
  endpoints: Endpoint[];
}

const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';

/** The endpoints of one service port, from every IPv4 slice of the service. */
function endpointsFor(slices: EndpointSliceObject[], portName: string | undefined, protocol: string, nodeName: string): Endpoint[] {
  const ready = new Map<string, Endpoint>();
  const fallback = new Map<string, Endpoint>();
  for (const slice of slices) {
    if (slice.addressType !== 'IPv4') continue;
    const port = slice.ports?.find((p) => (p.name ?? '') === (portName ?? '') && (p.protocol ?? 'TCP').toLowerCase() === protocol);
    if (!port?.port) continue;
    for (const ep of slice.endpoints ?? []) {
      const ip = ep.addresses[0];
      if (!ip) continue;
      const endpoint = { ip, port: port.port, address: `${ip}:${port.port}`, local: ep.nodeName === nodeName };
      const c = ep.conditions ?? {};
      if (c.ready !== false) ready.set(endpoint.address, endpoint);
      else if (c.serving === true && c.terminating === true) fallback.set(endpoint.address, endpoint);
    }
  }
  const chosen = ready.size > 0 ? ready : fallback;
  return [...chosen.values()].sort((a, b) => compareAddresses(a.address, b.address));
}

function compareAddresses(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function servicePorts(services: ServiceObject[], slices: EndpointSliceObject[], nodeName: string): ServicePort[] {
  const slicesByService = new Map<string, EndpointSliceObject[]>();
  for (const slice of slices) {
    const svc = slice.metadata?.labels?.[SERVICE_NAME_LABEL];
    if (!svc) continue;
    const key = `${slice.metadata?.namespace}/${svc}`;
    slicesByService.set(key, [...(slicesByService.get(key) ?? []), slice]);
  }
  const out: ServicePort[] = [];
  for (const svc of services) {
    const spec = svc.spec ?? {};
    const clusterIP = spec.clusterIP;
    if (spec.type === 'ExternalName' || !clusterIP || clusterIP === 'None' || clusterIP.includes(':')) continue;
    const namespace = svc.metadata?.namespace ?? 'default';
    const serviceName = svc.metadata?.name ?? '';
    const mySlices = slicesByService.get(`${namespace}/${serviceName}`) ?? [];
    for (const p of spec.ports ?? []) {
      const protocol = (p.protocol ?? 'TCP').toLowerCase() as ServicePort['protocol'];
      const external = spec.type === 'NodePort' || spec.type === 'LoadBalancer';
      out.push({
        name: servicePortName(namespace, serviceName, p.name),
        namespace,
        serviceName,
        protocol,
        clusterIP,
        port: p.port,
        nodePort: external && p.nodePort ? p.nodePort : undefined,
        externalIPs: (spec.externalIPs ?? []).filter((ip) => !ip.includes(':')),
        affinitySeconds: spec.sessionAffinity === 'ClientIP' ? spec.sessionAffinityConfig?.clientIP?.timeoutSeconds ?? 10800 : undefined,
        externalLocal: spec.externalTrafficPolicy === 'Local' && (external || (spec.externalIPs ?? []).length > 0),
        internalLocal: spec.internalTrafficPolicy === 'Local',
        endpoints: endpointsFor(mySlices, p.name, protocol, nodeName),
      });
    }
  }
  return out.sort((a, b) => compareAddresses(`${a.name}/${a.protocol}`, `${b.name}/${b.protocol}`));
}
