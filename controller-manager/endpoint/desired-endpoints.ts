// Pure: the v1 Endpoints subsets a Service should have given the pods it selects (upstream
// endpoints_controller.go syncService + endpoints.RepackSubsets). No I/O, no clock.
import type { EndpointAddress, EndpointPort, EndpointSubset, Pod, Service } from './types.js';
import { findPort, isPodReady, podIPv4, shouldPodBeInEndpoints, shouldSetHostname } from './endpoint-util.js';

/** Upstream maxCapacity: beyond this many addresses an Endpoints object is truncated. */
export const MAX_ENDPOINTS_CAPACITY = 1000;
export const OVER_CAPACITY_ANNOTATION = 'endpoints.kubernetes.io/over-capacity';

export interface DesiredEndpoints {
  subsets: EndpointSubset[];
  /** Total addresses (ready + not ready) before truncation. */
  total: number;
  truncated: boolean;
}

interface Entry { address: EndpointAddress; ready: boolean; port?: EndpointPort }

function addressFor(pod: Readonly<Pod>, service: Readonly<Service>, ip: string): EndpointAddress {
  const address: EndpointAddress = {
    ip,
    targetRef: { kind: 'Pod', namespace: pod.metadata!.namespace, name: pod.metadata!.name, uid: pod.metadata!.uid },
  };
  if (pod.spec?.nodeName) address.nodeName = pod.spec.nodeName;
  if (shouldSetHostname(pod, service)) address.hostname = pod.spec!.hostname;
  return address;
}

export function desiredEndpoints(service: Readonly<Service>, pods: readonly Readonly<Pod>[]): DesiredEndpoints {
  const tolerateUnready = service.spec?.publishNotReadyAddresses === true;
  const entries: Entry[] = [];
  for (const pod of pods) {
    if (!shouldPodBeInEndpoints(pod, tolerateUnready)) continue;
    const ip = podIPv4(pod);
    if (!ip) continue;
    const address = addressFor(pod, service, ip);
    const ready = tolerateUnready || isPodReady(pod);
    const ports = service.spec?.ports ?? [];
    if (ports.length === 0) {
      // A headless service without ports still publishes its addresses.
      if (service.spec?.clusterIP === 'None') entries.push({ address, ready });
      continue;
    }
    for (const servicePort of ports) {
      const port = findPort(pod, servicePort);
      if (port === undefined) continue;
      const endpointPort: EndpointPort = { name: servicePort.name ?? '', port, protocol: servicePort.protocol ?? 'TCP' };
      if (!servicePort.name) delete endpointPort.name;
      if (servicePort.appProtocol) endpointPort.appProtocol = servicePort.appProtocol;
      entries.push({ address, ready, port: endpointPort });
    }
  }
  return repack(entries);
}

function portKey(p: EndpointPort): string {
  return `${p.name ?? ''}/${p.port}/${p.protocol ?? 'TCP'}/${p.appProtocol ?? ''}`;
}

function compareIP(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < 4; i++) if (pa[i] !== pb[i]) return (pa[i] ?? 0) - (pb[i] ?? 0);
  return 0;
}

/**
 * RepackSubsets: one subset per distinct set of ports, each address once (ready wins over not
 * ready), addresses sorted by IP and subsets in a stable order, so equal inputs give equal output.
 */
function repack(entries: Entry[]): DesiredEndpoints {
  // address identity (ip + pod) -> ports and readiness
  const byAddress = new Map<string, { address: EndpointAddress; ready: boolean; ports: Map<string, EndpointPort> }>();
  for (const e of entries) {
    const id = `${e.address.ip}/${e.address.targetRef?.uid ?? ''}`;
    let a = byAddress.get(id);
    if (!a) byAddress.set(id, (a = { address: e.address, ready: e.ready, ports: new Map() }));
    a.ready ||= e.ready;
    if (e.port) a.ports.set(portKey(e.port), e.port);
  }
  const subsets = new Map<string, { ports: EndpointPort[]; ready: EndpointAddress[]; notReady: EndpointAddress[] }>();
  for (const a of byAddress.values()) {
    const ports = [...a.ports.values()].sort((x, y) => portKey(x).localeCompare(portKey(y)));
    const key = ports.map(portKey).join(',');
    let s = subsets.get(key);
    if (!s) subsets.set(key, (s = { ports, ready: [], notReady: [] }));
    (a.ready ? s.ready : s.notReady).push(a.address);
  }
  const total = byAddress.size;
  let budget = MAX_ENDPOINTS_CAPACITY;
  const result: EndpointSubset[] = [];
  for (const key of [...subsets.keys()].sort()) {
    const s = subsets.get(key)!;
    const byIP = (x: EndpointAddress, y: EndpointAddress) => compareIP(x.ip, y.ip) || (x.targetRef?.name ?? '').localeCompare(y.targetRef?.name ?? '');
    // Truncation keeps ready addresses first, as upstream's truncateEndpoints spreads the budget.
    const ready = s.ready.sort(byIP).slice(0, budget);
    budget -= ready.length;
    const notReady = s.notReady.sort(byIP).slice(0, budget);
    budget -= notReady.length;
    if (ready.length + notReady.length === 0) continue;
    const subset: EndpointSubset = {};
    if (ready.length) subset.addresses = ready;
    if (notReady.length) subset.notReadyAddresses = notReady;
    if (s.ports.length) subset.ports = s.ports;
    result.push(subset);
  }
  return { subsets: result, total, truncated: total > MAX_ENDPOINTS_CAPACITY };
}
