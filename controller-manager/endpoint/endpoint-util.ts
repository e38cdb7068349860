// Pure rules shared by the Endpoints and EndpointSlice controllers (upstream
// pkg/controller/util/endpoint and podutil): which pods back a Service, on which port, with which
// hostname, and which services select a pod. No I/O; never mutates its arguments.
import { selectorFromSet } from '../../api/labels.js';
import type { Pod, Service, ServicePort } from './types.js';

/** The label upstream puts on Endpoints/EndpointSlices of a headless Service. */
export const HEADLESS_SERVICE_LABEL = 'service.kubernetes.io/headless';
/** The annotation carrying the time of the last change that caused the object to be written. */
export const LAST_CHANGE_TRIGGER_TIME = 'endpoints.kubernetes.io/last-change-trigger-time';

export function isPodReady(pod: Readonly<Pod>): boolean {
  return (pod.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');
}

export function isPodTerminal(pod: Readonly<Pod>): boolean {
  return pod.status?.phase === 'Failed' || pod.status?.phase === 'Succeeded';
}

/** ShouldPodBeInEndpoints: running or pending with an IP, terminating pods only when asked. */
export function shouldPodBeInEndpoints(pod: Readonly<Pod>, includeTerminating: boolean): boolean {
  if (isPodTerminal(pod)) return false;
  if (!pod.status?.podIP && !(pod.status?.podIPs ?? []).length) return false;
  if (!includeTerminating && pod.metadata?.deletionTimestamp) return false;
  return true;
}

/** ShouldSetHostname: the pod names itself under this service through hostname + subdomain. */
export function shouldSetHostname(pod: Readonly<Pod>, service: Readonly<Service>): boolean {
  return !!pod.spec?.hostname && pod.spec?.subdomain === service.metadata?.name && pod.metadata?.namespace === service.metadata?.namespace;
}

/** podutil.FindPort: a numeric targetPort as is, a named one from the pod's container ports. */
export function findPort(pod: Readonly<Pod>, servicePort: Readonly<ServicePort>): number | undefined {
  const target = servicePort.targetPort ?? servicePort.port;
  const protocol = servicePort.protocol ?? 'TCP';
  if (typeof target === 'number') return target;
  if (/^[0-9]+$/.test(target)) return Number(target);
  const containers = [
    ...(pod.spec?.containers ?? []),
    // Sidecars (init containers that keep running) expose ports too, as upstream since 1.29.
    ...(pod.spec?.initContainers ?? []).filter((c) => c.restartPolicy === 'Always'),
  ];
  for (const container of containers) {
    for (const port of container.ports ?? []) {
      if (port.name === target && (port.protocol ?? 'TCP') === protocol) return port.containerPort;
    }
  }
  return undefined;
}

/** The IPv4 address of a pod, if it has one. */
export function podIPv4(pod: Readonly<Pod>): string | undefined {
  const ips = [pod.status?.podIP, ...(pod.status?.podIPs ?? []).map((p) => p.ip)].filter((ip): ip is string => !!ip);
  return ips.find((ip) => !ip.includes(':'));
}

/** Services managed by these controllers: a selector, and not ExternalName. */
export function isManagedService(service: Readonly<Service>): boolean {
  return service.spec?.selector !== undefined && service.spec?.selector !== null && service.spec?.type !== 'ExternalName';
}

export function serviceSelects(service: Readonly<Service>, pod: Readonly<Pod>): boolean {
  if (!isManagedService(service) || service.metadata?.namespace !== pod.metadata?.namespace) return false;
  return selectorFromSet(service.spec!.selector).matches(pod.metadata?.labels ?? {});
}

/** The latest change among the service and the pods it selects, as upstream's trigger time tracker. */
export function lastChangeTriggerTime(service: Readonly<Service>, pods: readonly Readonly<Pod>[]): string | undefined {
  let latest = Date.parse(service.metadata?.creationTimestamp ?? '') || 0;
  for (const pod of pods) {
    const ready = (pod.status?.conditions ?? []).find((c) => c.type === 'Ready');
    const t = Date.parse(ready?.lastTransitionTime ?? '') || 0;
    if (t > latest) latest = t;
  }
  return latest === 0 ? undefined : formatRFC3339Nano(latest);
}

/** Go's time.RFC3339Nano in UTC: fractional seconds only when non-zero, trailing zeros trimmed. */
export function formatRFC3339Nano(ms: number): string {
  const iso = new Date(ms).toISOString();
  return iso.replace(/\.(\d+)Z$/, (_, frac: string) => (/^0+$/.test(frac) ? 'Z' : `.${frac.replace(/0+$/, '')}Z`));
}

/** The key `namespace/name` of every object. */
export function objectKey(obj: { metadata?: { namespace?: string; name?: string } }): string {
  return obj.metadata?.namespace ? `${obj.metadata.namespace}/${obj.metadata.name}` : obj.metadata?.name ?? '';
}

/** JSON with object keys sorted, so two equal objects compare equal whatever their key order. */
export function canonicalJSON(value: unknown): string {
  return JSON.stringify(value ?? null, (_, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v);
}
