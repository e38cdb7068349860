// Owns the routing table as a pure function of Ingresses, IngressClasses, Services, EndpointSlices
// and Secrets: which Ingresses are ours, host (exact, then `*.wildcard`, then any) and path matching
// (Exact, Prefix element-wise, ImplementationSpecific as Prefix), backends resolved to ready endpoint
// addresses, the default backend, and the TLS certificates by host. No I/O here.
import type { EndpointSlice, Ingress, IngressClass, Secret, Service } from '../api/types.js';

export const DEFAULT_CLASS_ANNOTATION = 'ingressclass.kubernetes.io/is-default-class';
export const LEGACY_CLASS_ANNOTATION = 'kubernetes.io/ingress.class';
const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';

export interface Backend {
  /** namespace/service:port, the round-robin key. */
  key: string;
  namespace: string;
  service: string;
  /** `host:port` of every ready endpoint (or the external name of an ExternalName Service). */
  endpoints: string[];
}

export interface PathRule {
  path: string;
  pathType: 'Exact' | 'Prefix';
  backend: Backend;
  /** namespace/name of the Ingress the rule came from. */
  ingress: string;
}

export interface TlsCertificate {
  /** namespace/name@resourceVersion: a cache key that changes when the Secret does. */
  id: string;
  cert: string;
  key: string;
}

export interface RoutingTable {
  exact: Map<string, PathRule[]>;
  /** `*.example.com` keyed by `example.com`. */
  wildcard: Map<string, PathRule[]>;
  /** Rules without a host. */
  any: PathRule[];
  defaultBackend?: { backend: Backend; ingress: string };
  /** TLS certificates by host pattern (`foo.com`, `*.foo.com`); `*` for a tls entry without hosts. */
  tls: Map<string, TlsCertificate>;
  /** namespace/name of every Ingress this controller serves. */
  ingresses: string[];
  /** Problems a user should hear about (missing Secret, bad certificate data, ...). */
  warnings: string[];
}

export interface RoutingInput {
  ingresses: readonly Ingress[];
  classes: readonly IngressClass[];
  services: readonly Service[];
  slices: readonly EndpointSlice[];
  secrets: readonly Secret[];
  /** spec.controller of the IngressClasses this controller serves, e.g. k8ts.io/ingress-controller. */
  controller: string;
}

export type Match =
  | { kind: 'backend'; backend: Backend; ingress: string }
  | { kind: 'none' };

const keyOf = (o: { metadata?: { namespace?: string; name?: string } }) => `${o.metadata?.namespace ?? 'default'}/${o.metadata?.name ?? ''}`;

/** Upstream's class resolution: spec.ingressClassName, else the legacy annotation, else the default class. */
export function isOurs(ing: Ingress, classes: readonly IngressClass[], controller: string): boolean {
  const ourClasses = classes.filter((c) => c.spec?.controller === controller);
  const name = ing.spec?.ingressClassName ?? ing.metadata?.annotations?.[LEGACY_CLASS_ANNOTATION];
  if (name) return ourClasses.some((c) => c.metadata?.name === name);
  const defaults = classes.filter((c) => c.metadata?.annotations?.[DEFAULT_CLASS_ANNOTATION] === 'true');
  return defaults.length > 0 && defaults.every((c) => c.spec?.controller === controller);
}

function pathElements(path: string): string[] {
  return path.split('/').filter((e) => e !== '');
}

/** Upstream's Prefix semantics: element-wise, `/foo` matches `/foo`, `/foo/` and `/foo/bar` but not `/foobar`. */
export function prefixMatches(prefix: string, path: string): boolean {
  const want = pathElements(prefix);
  const got = pathElements(path);
  if (want.length > got.length) return false;
  return want.every((e, i) => got[i] === e);
}

/** Hostname of a Host header / SNI name: lower-cased, port and trailing dot removed. */
export function normalizeHost(host: string | undefined): string {
  if (!host) return '';
  let h = host.trim().toLowerCase();
  if (h.startsWith('[')) h = h.slice(0, h.indexOf(']') + 1);
  else if (h.includes(':')) h = h.slice(0, h.lastIndexOf(':'));
  return h.replace(/\.$/, '');
}

function resolveBackend(
  namespace: string,
  service: string,
  port: { number?: number; name?: string },
  services: Map<string, Service>,
  slicesByService: Map<string, EndpointSlice[]>,
): Backend {
  const portText = port.name ?? String(port.number ?? '');
  const backend: Backend = { key: `${namespace}/${service}:${portText}`, namespace, service, endpoints: [] };
  const svc = services.get(`${namespace}/${service}`);
  if (!svc) return backend;
  if (svc.spec?.type === 'ExternalName' && svc.spec.externalName) {
    if (port.number !== undefined) backend.endpoints = [`${svc.spec.externalName}:${port.number}`];
    return backend;
  }
  const sp = svc.spec?.ports?.find((p) => (port.name !== undefined ? p.name === port.name : p.port === port.number));
  if (!sp) return backend;
  const seen = new Set<string>();
  for (const slice of slicesByService.get(`${namespace}/${service}`) ?? []) {
    const slicePort = slice.ports?.find((p) => (p.name ?? '') === (sp.name ?? ''));
    if (slicePort?.port === undefined) continue;
    for (const ep of slice.endpoints ?? []) {
      if (ep.conditions?.ready === false) continue;
      for (const address of ep.addresses ?? []) {
        const hostPort = slice.addressType === 'IPv6' ? `[${address}]:${slicePort.port}` : `${address}:${slicePort.port}`;
        if (!seen.has(hostPort)) {
          seen.add(hostPort);
          backend.endpoints.push(hostPort);
        }
      }
    }
  }
  backend.endpoints.sort();
  return backend;
}

/** Longer prefixes first; an Exact path before a Prefix of the same path. */
function byPrecedence(a: PathRule, b: PathRule): number {
  const la = pathElements(a.path).join('/').length;
  const lb = pathElements(b.path).join('/').length;
  if (la !== lb) return lb - la;
  if (a.pathType !== b.pathType) return a.pathType === 'Exact' ? -1 : 1;
  return 0;
}

export function buildRoutingTable(input: RoutingInput): RoutingTable {
  const table: RoutingTable = { exact: new Map(), wildcard: new Map(), any: [], tls: new Map(), ingresses: [], warnings: [] };
  const services = new Map(input.services.map((s) => [keyOf(s), s]));
  const secrets = new Map(input.secrets.map((s) => [keyOf(s), s]));
  const slicesByService = new Map<string, EndpointSlice[]>();
  for (const slice of input.slices) {
    const svc = slice.metadata?.labels?.[SERVICE_NAME_LABEL];
    if (!svc) continue;
    const key = `${slice.metadata?.namespace ?? 'default'}/${svc}`;
    (slicesByService.get(key) ?? slicesByService.set(key, []).get(key)!).push(slice);
  }
  // The oldest Ingress wins a conflict, as ingress-nginx does.
  const ours = input.ingresses
    .filter((ing) => !ing.metadata?.deletionTimestamp && isOurs(ing, input.classes, input.controller))
    .sort((a, b) => (a.metadata?.creationTimestamp ?? '').localeCompare(b.metadata?.creationTimestamp ?? '') || keyOf(a).localeCompare(keyOf(b)));
  const taken = new Set<string>();
  for (const ing of ours) {
    const ns = ing.metadata?.namespace ?? 'default';
    const name = keyOf(ing);
    table.ingresses.push(name);
    const backendOf = (b: NonNullable<Ingress['spec']>['defaultBackend']): Backend | undefined => {
      if (!b?.service) {
        if (b?.resource) table.warnings.push(`${name}: resource backends are not supported`);
        return undefined;
      }
      return resolveBackend(ns, b.service.name, b.service.port ?? {}, services, slicesByService);
    };
    if (ing.spec?.defaultBackend && !table.defaultBackend) {
      const backend = backendOf(ing.spec.defaultBackend);
      if (backend) table.defaultBackend = { backend, ingress: name };
    }
    for (const rule of ing.spec?.rules ?? []) {
      const host = (rule.host ?? '').toLowerCase();
      for (const p of rule.http?.paths ?? []) {
        const backend = backendOf(p.backend);
        if (!backend) continue;
        const pathType = p.pathType === 'Exact' ? 'Exact' : 'Prefix';
        const path = p.path || '/';
        const conflict = `${host} ${pathType} ${pathType === 'Exact' ? path : pathElements(path).join('/')}`;
        if (taken.has(conflict)) {
          table.warnings.push(`${name}: ${host || '*'} ${path} (${pathType}) is already routed by an older Ingress`);
          continue;
        }
        taken.add(conflict);
        const entry: PathRule = { path, pathType, backend, ingress: name };
        if (!host) table.any.push(entry);
        else if (host.startsWith('*.')) (table.wildcard.get(host.slice(2)) ?? table.wildcard.set(host.slice(2), []).get(host.slice(2))!).push(entry);
        else (table.exact.get(host) ?? table.exact.set(host, []).get(host)!).push(entry);
      }
    }
    for (const tls of ing.spec?.tls ?? []) {
      if (!tls.secretName) continue;
      const secret = secrets.get(`${ns}/${tls.secretName}`);
      const cert = secret?.data?.['tls.crt'];
      const key = secret?.data?.['tls.key'];
      if (!secret || !cert || !key) {
        table.warnings.push(`${name}: TLS Secret ${ns}/${tls.secretName} ${secret ? 'has no tls.crt/tls.key' : 'not found'}`);
        continue;
      }
      const certificate: TlsCertificate = {
        id: `${ns}/${tls.secretName}@${secret.metadata?.resourceVersion ?? ''}`,
        cert: Buffer.from(cert, 'base64').toString('utf8'),
        key: Buffer.from(key, 'base64').toString('utf8'),
      };
      const hosts = tls.hosts?.length ? tls.hosts : ['*'];
      for (const h of hosts) if (!table.tls.has(h.toLowerCase())) table.tls.set(h.toLowerCase(), certificate);
    }
  }
  for (const list of [table.any, ...table.exact.values(), ...table.wildcard.values()]) list.sort(byPrecedence);
  return table;
}

function matchPath(rules: PathRule[], path: string): PathRule | undefined {
  for (const rule of rules) {
    if (rule.pathType === 'Exact' ? rule.path === path : prefixMatches(rule.path, path)) return rule;
  }
  return undefined;
}

/** The rules of the most specific host group: exact host, then a one-label wildcard, then host-less rules. */
export function hostRules(table: RoutingTable, host: string): PathRule[] {
  const h = normalizeHost(host);
  const exact = table.exact.get(h);
  if (exact) return exact;
  const dot = h.indexOf('.');
  const wildcard = dot > 0 ? table.wildcard.get(h.slice(dot + 1)) : undefined;
  if (wildcard) return wildcard;
  return table.any;
}

/** Where a request goes: the matching path rule's backend, else the default backend, else none (404). */
export function route(table: RoutingTable, host: string, rawPath: string): Match {
  const path = rawPath.split('?')[0]! || '/';
  const rule = matchPath(hostRules(table, host), path);
  if (rule) return { kind: 'backend', backend: rule.backend, ingress: rule.ingress };
  if (table.defaultBackend) return { kind: 'backend', ...table.defaultBackend };
  return { kind: 'none' };
}

/** The certificate for an SNI name: exact host, then `*.parent`, then a host-less tls entry. */
export function certificateFor(table: RoutingTable, serverName: string): TlsCertificate | undefined {
  const h = normalizeHost(serverName);
  const dot = h.indexOf('.');
  return table.tls.get(h) ?? (dot > 0 ? table.tls.get(`*.${h.slice(dot + 1)}`) : undefined) ?? table.tls.get('*');
}
