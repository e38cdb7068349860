// The catalogue of every built-in resource k8ts serves: group, version, kind, names, scope and
// subresources. Discovery, routing, storage keys and the CLI all read this one table; nothing may
// hard-code a resource's names elsewhere.

export type Verb = 'create' | 'delete' | 'deletecollection' | 'get' | 'list' | 'patch' | 'update' | 'watch';

export const ALL_VERBS: readonly Verb[] = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

export interface SubresourceInfo {
  /** e.g. `status`, `scale`, `binding`. */
  name: string;
  kind: string;
  /** Group and version of the subresource's kind when it differs (Scale is autoscaling/v1). */
  group?: string;
  version?: string;
  verbs: readonly Verb[];
}

export interface ResourceInfo {
  group: string;
  version: string;
  kind: string;
  /** Lower-case plural used in paths: `deployments`. */
  plural: string;
  singular: string;
  namespaced: boolean;
  shortNames?: readonly string[];
  categories?: readonly string[];
  verbs: readonly Verb[];
  subresources: readonly SubresourceInfo[];
  /** Where the spec changes that bump metadata.generation live; absent: generation is not tracked. */
  hasSpec?: boolean;
  /** The object has a status that only the status subresource may write. */
  hasStatus?: boolean;
}

const status = (kind: string): SubresourceInfo => ({ name: 'status', kind, verbs: ['get', 'patch', 'update'] });
const scale: SubresourceInfo = { name: 'scale', kind: 'Scale', group: 'autoscaling', version: 'v1', verbs: ['get', 'patch', 'update'] };

function r(
  group: string,
  version: string,
  kind: string,
  plural: string,
  namespaced: boolean,
  extra: Partial<Pick<ResourceInfo, 'shortNames' | 'categories' | 'verbs' | 'hasSpec'>> & { sub?: SubresourceInfo[]; statusSub?: boolean } = {},
): ResourceInfo {
  const subresources = [...(extra.statusSub ? [status(kind)] : []), ...(extra.sub ?? [])];
  return {
    group,
    version,
    kind,
    plural,
    singular: kind.toLowerCase(),
    namespaced,
    shortNames: extra.shortNames,
    categories: extra.categories,
    verbs: extra.verbs ?? ALL_VERBS,
    subresources,
    hasSpec: extra.hasSpec ?? false,
    hasStatus: extra.statusSub ?? false,
  };
}

const ALL = ['all'];

export const RESOURCES: readonly ResourceInfo[] = [
  // core/v1
  r('', 'v1', 'Namespace', 'namespaces', false, {
    shortNames: ['ns'],
    verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'],
    statusSub: true,
    sub: [{ name: 'finalize', kind: 'Namespace', verbs: ['update'] }],
    hasSpec: false,
  }),
  r('', 'v1', 'Pod', 'pods', true, {
    shortNames: ['po'],
    categories: ALL,
    statusSub: true,
    sub: [{ name: 'binding', kind: 'Binding', verbs: ['create'] }],
  }),
  r('', 'v1', 'Node', 'nodes', false, { shortNames: ['no'], statusSub: true }),
  r('', 'v1', 'Service', 'services', true, {
    shortNames: ['svc'],
    categories: ALL,
    statusSub: true,
    verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
  }),
  r('', 'v1', 'Endpoints', 'endpoints', true, { shortNames: ['ep'] }),
  r('', 'v1', 'ConfigMap', 'configmaps', true, { shortNames: ['cm'] }),
  r('', 'v1', 'Secret', 'secrets', true),
  r('', 'v1', 'ServiceAccount', 'serviceaccounts', true, { shortNames: ['sa'] }),
  r('', 'v1', 'Event', 'events', true, { shortNames: ['ev'] }),
  r('', 'v1', 'PersistentVolume', 'persistentvolumes', false, { shortNames: ['pv'], statusSub: true }),
  r('', 'v1', 'PersistentVolumeClaim', 'persistentvolumeclaims', true, { shortNames: ['pvc'], statusSub: true }),
  r('', 'v1', 'LimitRange', 'limitranges', true, { shortNames: ['limits'] }),
  r('', 'v1', 'ResourceQuota', 'resourcequotas', true, { shortNames: ['quota'], statusSub: true }),
  // apps/v1
  r('apps', 'v1', 'Deployment', 'deployments', true, { shortNames: ['deploy'], categories: ALL, statusSub: true, sub: [scale], hasSpec: true }),
  r('apps', 'v1', 'ReplicaSet', 'replicasets', true, { shortNames: ['rs'], categories: ALL, statusSub: true, sub: [scale], hasSpec: true }),
  r('apps', 'v1', 'DaemonSet', 'daemonsets', true, { shortNames: ['ds'], categories: ALL, statusSub: true, hasSpec: true }),
  r('apps', 'v1', 'StatefulSet', 'statefulsets', true, { shortNames: ['sts'], categories: ALL, statusSub: true, sub: [scale], hasSpec: true }),
  r('apps', 'v1', 'ControllerRevision', 'controllerrevisions', true),
  // autoscaling/v2
  r('autoscaling', 'v2', 'HorizontalPodAutoscaler', 'horizontalpodautoscalers', true, { shortNames: ['hpa'], categories: ALL, statusSub: true, hasSpec: true }),
  // batch/v1
  r('batch', 'v1', 'Job', 'jobs', true, { categories: ALL, statusSub: true, hasSpec: true }),
  r('batch', 'v1', 'CronJob', 'cronjobs', true, { shortNames: ['cj'], categories: ALL, statusSub: true, hasSpec: true }),
  // coordination.k8s.io/v1
  r('coordination.k8s.io', 'v1', 'Lease', 'leases', true),
  // discovery.k8s.io/v1
  r('discovery.k8s.io', 'v1', 'EndpointSlice', 'endpointslices', true),
  // networking.k8s.io/v1
  r('networking.k8s.io', 'v1', 'Ingress', 'ingresses', true, { shortNames: ['ing'], statusSub: true, hasSpec: true }),
  r('networking.k8s.io', 'v1', 'IngressClass', 'ingressclasses', false),
  // rbac.authorization.k8s.io/v1
  r('rbac.authorization.k8s.io', 'v1', 'Role', 'roles', true),
  r('rbac.authorization.k8s.io', 'v1', 'ClusterRole', 'clusterroles', false),
  r('rbac.authorization.k8s.io', 'v1', 'RoleBinding', 'rolebindings', true),
  r('rbac.authorization.k8s.io', 'v1', 'ClusterRoleBinding', 'clusterrolebindings', false),
  // storage.k8s.io/v1
  r('storage.k8s.io', 'v1', 'StorageClass', 'storageclasses', false, { shortNames: ['sc'] }),
  // scheduling.k8s.io/v1
  r('scheduling.k8s.io', 'v1', 'PriorityClass', 'priorityclasses', false, { shortNames: ['pc'] }),
];

/** Every group-version served, core first, in the order discovery lists them. */
export function groupVersions(): { group: string; version: string }[] {
  const seen = new Map<string, { group: string; version: string }>();
  for (const res of RESOURCES) seen.set(`${res.group}/${res.version}`, { group: res.group, version: res.version });
  return [...seen.values()];
}

export function apiVersionOf(res: Pick<ResourceInfo, 'group' | 'version'>): string {
  return res.group ? `${res.group}/${res.version}` : res.version;
}

export function parseApiVersion(apiVersion: string): { group: string; version: string } {
  const i = apiVersion.indexOf('/');
  return i < 0 ? { group: '', version: apiVersion } : { group: apiVersion.slice(0, i), version: apiVersion.slice(i + 1) };
}

export function findByPlural(group: string, version: string, plural: string): ResourceInfo | undefined {
  return RESOURCES.find((res) => res.group === group && res.version === version && res.plural === plural);
}

export function findByKind(group: string, version: string, kind: string): ResourceInfo | undefined {
  return RESOURCES.find((res) => res.group === group && res.version === version && res.kind === kind);
}

/** Resolves what a user types (`po`, `pod`, `pods`, `deployments.apps`, `Deployment`) to a resource. */
export function resolveResourceName(name: string): ResourceInfo | undefined {
  const lower = name.toLowerCase();
  const dot = lower.indexOf('.');
  const base = dot < 0 ? lower : lower.slice(0, dot);
  const group = dot < 0 ? undefined : lower.slice(dot + 1);
  return RESOURCES.find(
    (res) =>
      (group === undefined || res.group === group) &&
      (res.plural === base || res.singular === base || res.kind.toLowerCase() === base || (res.shortNames ?? []).includes(base)),
  );
}
