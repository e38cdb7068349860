// Pure: the EndpointSlices a Service should have (upstream pkg/controller/endpointslice reconciler):
// pod endpoints grouped by their resolved ports, at most 100 per slice, existing slices reused so
// an endpoint does not move between slices needlessly. Returns the creates, updates and deletes.
import type { EndpointSlice, Node, Pod, Service, SliceEndpoint, SliceEndpointPort } from '../endpoint/types.js';
import { canonicalJSON, findPort, isPodReady, podIPv4, shouldPodBeInEndpoints, shouldSetHostname, HEADLESS_SERVICE_LABEL } from '../endpoint/endpoint-util.js';

export const MAX_ENDPOINTS_PER_SLICE = 100;
export const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';
export const MANAGED_BY_LABEL = 'endpointslice.kubernetes.io/managed-by';
export const CONTROLLER_NAME = 'endpointslice-controller.k8s.io';
export const ZONE_LABEL = 'topology.kubernetes.io/zone';

export interface SlicePlan {
  create: EndpointSlice[];
  update: EndpointSlice[];
  delete: EndpointSlice[];
}

export function podToEndpoint(pod: Readonly<Pod>, service: Readonly<Service>, node: Readonly<Node> | undefined, ip: string): SliceEndpoint {
  const serving = isPodReady(pod);
  const terminating = !!pod.metadata?.deletionTimestamp;
  // "ready" is never true for a terminating pod unless the service publishes not-ready addresses.
  const ready = service.spec?.publishNotReadyAddresses === true || (serving && !terminating);
  const endpoint: SliceEndpoint = {
    addresses: [ip],
    conditions: { ready, serving, terminating },
    targetRef: { kind: 'Pod', namespace: pod.metadata!.namespace, name: pod.metadata!.name, uid: pod.metadata!.uid },
  };
  if (pod.spec?.nodeName) endpoint.nodeName = pod.spec.nodeName;
  const zone = node?.metadata?.labels?.[ZONE_LABEL];
  if (zone) endpoint.zone = zone;
  if (shouldSetHostname(pod, service)) endpoint.hostname = pod.spec!.hostname;
  return endpoint;
}

export function podPorts(pod: Readonly<Pod>, service: Readonly<Service>): SliceEndpointPort[] {
  const ports: SliceEndpointPort[] = [];
  for (const sp of service.spec?.ports ?? []) {
    const port = findPort(pod, sp);
    if (port === undefined) continue;
    const p: SliceEndpointPort = { name: sp.name ?? '', port, protocol: sp.protocol ?? 'TCP' };
    if (sp.appProtocol) p.appProtocol = sp.appProtocol;
    ports.push(p);
  }
  return ports;
}

const portsKey = (ports: readonly SliceEndpointPort[] | undefined) =>
  JSON.stringify([...(ports ?? [])].map((p) => [p.name ?? '', p.port ?? 0, p.protocol ?? 'TCP', p.appProtocol ?? '']).sort());
const endpointId = (e: SliceEndpoint) => `${e.addresses[0]}/${e.targetRef?.uid ?? ''}`;
const sameJSON = (a: unknown, b: unknown) => canonicalJSON(a) === canonicalJSON(b);
const byAddress = (a: SliceEndpoint, b: SliceEndpoint) => endpointId(a).localeCompare(endpointId(b));

export function sliceLabels(service: Readonly<Service>): Record<string, string> {
  const labels: Record<string, string> = { ...(service.metadata?.labels ?? {}) };
  delete labels[HEADLESS_SERVICE_LABEL];
  if (service.spec?.clusterIP === 'None') labels[HEADLESS_SERVICE_LABEL] = '';
  labels[SERVICE_NAME_LABEL] = service.metadata!.name!;
  labels[MANAGED_BY_LABEL] = CONTROLLER_NAME;
  return labels;
}

function newSlice(service: Readonly<Service>, ports: SliceEndpointPort[], endpoints: SliceEndpoint[], annotations: Record<string, string>): EndpointSlice {
  return {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: {
      generateName: `${service.metadata!.name}-`,
      namespace: service.metadata!.namespace,
      labels: sliceLabels(service),
      annotations: { ...annotations },
      ownerReferences: [{ apiVersion: 'v1', kind: 'Service', name: service.metadata!.name!, uid: service.metadata!.uid!, controller: true, blockOwnerDeletion: true }],
    },
    addressType: 'IPv4',
    endpoints,
    ports,
  };
}

/**
 * Plans the slices of `service` given the pods it selects and the slices this controller already
 * owns for it. `annotations` (the trigger time) go on every slice that is created or changed.
 */
export function planSlices(
  service: Readonly<Service>,
  pods: readonly Readonly<Pod>[],
  nodeOf: (name: string) => Readonly<Node> | undefined,
  existing: readonly Readonly<EndpointSlice>[],
  annotations: Record<string, string> = {},
): SlicePlan {
  // Desired endpoints grouped by their port list.
  const groups = new Map<string, { ports: SliceEndpointPort[]; endpoints: Map<string, SliceEndpoint> }>();
  for (const pod of pods) {
    if (!shouldPodBeInEndpoints(pod, true)) continue;
    const ip = podIPv4(pod);
    if (!ip) continue;
    const ports = podPorts(pod, service);
    const key = portsKey(ports);
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { ports, endpoints: new Map() }));
    const ep = podToEndpoint(pod, service, pod.spec?.nodeName ? nodeOf(pod.spec.nodeName) : undefined, ip);
    g.endpoints.set(endpointId(ep), ep);
  }
  const labels = sliceLabels(service);
  const plan: SlicePlan = { create: [], update: [], delete: [] };
  const withMeta = (slice: Readonly<EndpointSlice>, endpoints: SliceEndpoint[]): EndpointSlice => {
    const copy = structuredClone(slice) as EndpointSlice;
    copy.endpoints = endpoints;
    copy.metadata!.labels = labels;
    copy.metadata!.annotations = { ...(copy.metadata!.annotations ?? {}), ...annotations };
    return copy;
  };

  if (groups.size === 0) {
    // No endpoints: exactly one empty placeholder slice, so consumers see the service has none.
    const placeholder = existing.find((s) => (s.endpoints ?? []).length === 0 && (s.ports ?? []).length === 0);
    for (const s of existing) if (s !== placeholder) plan.delete.push(s as EndpointSlice);
    if (!placeholder) plan.create.push(newSlice(service, [], [], annotations));
    else if (!sameJSON(placeholder.metadata?.labels, labels)) plan.update.push(withMeta(placeholder, []));
    return plan;
  }

  const slicesByPorts = new Map<string, Readonly<EndpointSlice>[]>();
  for (const s of existing) {
    const key = portsKey(s.ports);
    if (!groups.has(key)) { plan.delete.push(s as EndpointSlice); continue; }
    slicesByPorts.set(key, [...(slicesByPorts.get(key) ?? []), s]);
  }
  for (const [key, group] of groups) {
    const pending = new Map(group.endpoints);
    const kept: { slice: Readonly<EndpointSlice>; endpoints: SliceEndpoint[] }[] = [];
    for (const slice of slicesByPorts.get(key) ?? []) {
      const endpoints: SliceEndpoint[] = [];
      for (const e of slice.endpoints ?? []) {
        const id = endpointId(e);
        const want = pending.get(id);
        if (want && endpoints.length < MAX_ENDPOINTS_PER_SLICE) { endpoints.push(want); pending.delete(id); }
      }
      kept.push({ slice, endpoints });
    }
    // New endpoints fill the slices with room first, then new slices of up to 100.
    const rest = [...pending.values()].sort(byAddress);
    for (const k of kept) {
      while (rest.length && k.endpoints.length < MAX_ENDPOINTS_PER_SLICE) k.endpoints.push(rest.shift()!);
    }
    for (const k of kept) {
      const endpoints = k.endpoints.sort(byAddress);
      if (endpoints.length === 0) { plan.delete.push(k.slice as EndpointSlice); continue; }
      const current = [...(k.slice.endpoints ?? [])].sort(byAddress);
      if (!sameJSON(current, endpoints) || !sameJSON(k.slice.metadata?.labels, labels)) plan.update.push(withMeta(k.slice, endpoints));
    }
    while (rest.length) plan.create.push(newSlice(service, group.ports, rest.splice(0, MAX_ENDPOINTS_PER_SLICE), annotations));
  }
  return plan;
}
