// Patch metadata of the built-in kinds (upstream's patchStrategy / patchMergeKey struct tags and
// +listType / +listMapKey / +mapType markers) as a small hand-written type graph, plus an adapter
// from OpenAPI definitions. Only describes shapes; never applies a patch.

/** How one field of a type is patched; `schema` describes the value (or, for a list, each item). */
export interface PatchFieldMeta {
  mergeKey?: string;
  /** `merge`, `replace`, `retainKeys` or `merge,retainKeys` (x-kubernetes-patch-strategy). */
  strategy?: string;
  /** `atomic`, `set` or `map` (x-kubernetes-list-type). */
  listType?: string;
  /** Keys of an associative list (x-kubernetes-list-map-keys); defaults to [mergeKey]. */
  listMapKeys?: readonly string[];
  /** Values a list-map key takes when an item leaves it out (upstream's schema defaults, e.g. protocol TCP). */
  keyDefaults?: Readonly<Record<string, unknown>>;
  /** `atomic` for structs and maps that are owned and replaced as a whole. */
  mapType?: string;
  schema?: PatchSchema;
}

export interface PatchSchema {
  field(name: string): PatchFieldMeta | undefined;
}

export const EMPTY_SCHEMA: PatchSchema = { field: () => undefined };

// ---- the built-in type graph ----------------------------------------------------------------

interface F {
  /** Type of the value or list item (definition name without the `io.k8s.api.` prefix). */
  t?: string;
  mk?: string;
  s?: string;
  lt?: string;
  lk?: string[];
  kd?: Record<string, unknown>;
  mt?: string;
}

const A: F = { lt: 'atomic' };
const SET_MERGE: F = { s: 'merge', lt: 'set' };
const byType = (t?: string): F => ({ s: 'merge', mk: 'type', lt: 'map', lk: ['type'], t });
const byName = (t?: string, s = 'merge'): F => ({ s, mk: 'name', lt: 'map', lk: ['name'], t });
const sel: F = { t: 'meta.v1.LabelSelector', mt: 'atomic' };
const meta: F = { t: 'meta.v1.ObjectMeta' };

const CONTAINER: Record<string, F> = {
  command: A,
  args: A,
  ports: { s: 'merge', mk: 'containerPort', lt: 'map', lk: ['containerPort', 'protocol'], kd: { protocol: 'TCP' } },
  envFrom: A,
  env: { s: 'merge', mk: 'name', lt: 'map', lk: ['name'], t: 'core.v1.EnvVar' },
  resources: { t: 'core.v1.ResourceRequirements' },
  resizePolicy: A,
  volumeMounts: { s: 'merge', mk: 'mountPath', lt: 'map', lk: ['mountPath'] },
  volumeDevices: { s: 'merge', mk: 'devicePath', lt: 'map', lk: ['devicePath'] },
  livenessProbe: { t: 'core.v1.Probe' },
  readinessProbe: { t: 'core.v1.Probe' },
  startupProbe: { t: 'core.v1.Probe' },
  lifecycle: { t: 'core.v1.Lifecycle' },
  securityContext: { t: 'core.v1.SecurityContext' },
};

const HANDLER: Record<string, F> = { exec: { t: 'core.v1.ExecAction' }, httpGet: { t: 'core.v1.HTTPGetAction' } };

const TYPES: Record<string, Record<string, F>> = {
  'meta.v1.ObjectMeta': {
    finalizers: SET_MERGE,
    ownerReferences: { s: 'merge', mk: 'uid', lt: 'map', lk: ['uid'], t: 'meta.v1.OwnerReference' },
    managedFields: A,
  },
  'meta.v1.OwnerReference': {},
  'meta.v1.LabelSelector': { matchExpressions: A },

  'core.v1.Pod': { metadata: meta, spec: { t: 'core.v1.PodSpec' }, status: { t: 'core.v1.PodStatus' } },
  'core.v1.PodTemplate': { metadata: meta, template: { t: 'core.v1.PodTemplateSpec' } },
  'core.v1.PodTemplateSpec': { metadata: meta, spec: { t: 'core.v1.PodSpec' } },
  'core.v1.PodSpec': {
    volumes: { s: 'merge,retainKeys', mk: 'name', lt: 'map', lk: ['name'], t: 'core.v1.Volume' },
    initContainers: byName('core.v1.Container'),
    containers: byName('core.v1.Container'),
    ephemeralContainers: byName('core.v1.Container'),
    imagePullSecrets: byName(),
    hostAliases: { s: 'merge', mk: 'ip', lt: 'map', lk: ['ip'], t: 'core.v1.HostAlias' },
    tolerations: A,
    readinessGates: A,
    topologySpreadConstraints: {
      s: 'merge',
      mk: 'topologyKey',
      lt: 'map',
      lk: ['topologyKey', 'whenUnsatisfiable'],
      t: 'core.v1.TopologySpreadConstraint',
    },
    resourceClaims: byName(undefined, 'merge,retainKeys'),
    schedulingGates: byName(),
    nodeSelector: { mt: 'atomic' },
    securityContext: { t: 'core.v1.PodSecurityContext' },
    dnsConfig: { t: 'core.v1.PodDNSConfig' },
    affinity: { t: 'core.v1.Affinity' },
  },
  'core.v1.Container': CONTAINER,
  'core.v1.EnvVar': {},
  'core.v1.ResourceRequirements': { claims: { lt: 'map', lk: ['name'] } },
  'core.v1.Probe': HANDLER,
  'core.v1.Lifecycle': { postStart: { t: 'core.v1.LifecycleHandler' }, preStop: { t: 'core.v1.LifecycleHandler' } },
  'core.v1.LifecycleHandler': HANDLER,
  'core.v1.ExecAction': { command: A },
  'core.v1.HTTPGetAction': { httpHeaders: A },
  'core.v1.SecurityContext': { capabilities: { t: 'core.v1.Capabilities' } },
  'core.v1.Capabilities': { add: A, drop: A },
  'core.v1.PodSecurityContext': { supplementalGroups: A, sysctls: A },
  'core.v1.PodDNSConfig': { nameservers: A, searches: A, options: A },
  'core.v1.HostAlias': { hostnames: A },
  'core.v1.TopologySpreadConstraint': { labelSelector: sel, matchLabelKeys: A },
  'core.v1.Affinity': {},
  'core.v1.Volume': {
    configMap: { t: 'core.v1.KeyToPathSource' },
    secret: { t: 'core.v1.KeyToPathSource' },
    projected: { t: 'core.v1.ProjectedVolumeSource' },
  },
  'core.v1.KeyToPathSource': { items: A },
  'core.v1.ProjectedVolumeSource': { sources: A },
  'core.v1.PodStatus': {
    conditions: byType(),
    podIPs: { s: 'merge', mk: 'ip', lt: 'map', lk: ['ip'] },
    hostIPs: { s: 'merge', mk: 'ip', lt: 'map', lk: ['ip'] },
    initContainerStatuses: A,
    containerStatuses: A,
    ephemeralContainerStatuses: A,
    resourceClaimStatuses: byName(undefined, 'merge,retainKeys'),
  },

  'core.v1.Service': { metadata: meta, spec: { t: 'core.v1.ServiceSpec' }, status: { t: 'core.v1.ServiceStatus' } },
  'core.v1.ServiceSpec': {
    ports: { s: 'merge', mk: 'port', lt: 'map', lk: ['port', 'protocol'], kd: { protocol: 'TCP' } },
    selector: { mt: 'atomic' },
    clusterIPs: A,
    externalIPs: A,
    loadBalancerSourceRanges: A,
    ipFamilies: A,
  },
  'core.v1.ServiceStatus': { conditions: byType(), loadBalancer: { t: 'core.v1.LoadBalancerStatus' } },
  'core.v1.LoadBalancerStatus': { ingress: A },

  'core.v1.Node': { metadata: meta, spec: { t: 'core.v1.NodeSpec' }, status: { t: 'core.v1.NodeStatus' } },
  'core.v1.NodeSpec': { podCIDRs: SET_MERGE, taints: A },
  'core.v1.NodeStatus': {
    conditions: byType(),
    addresses: { s: 'merge', mk: 'type', lt: 'map', lk: ['type'] },
    images: A,
    volumesInUse: A,
    volumesAttached: A,
  },
  'core.v1.Namespace': { metadata: meta, spec: { t: 'core.v1.NamespaceSpec' }, status: { t: 'core.v1.NamespaceStatus' } },
  'core.v1.NamespaceSpec': { finalizers: A },
  'core.v1.NamespaceStatus': { conditions: byType() },
  'core.v1.PersistentVolumeClaim': {
    metadata: meta,
    spec: { t: 'core.v1.PersistentVolumeClaimSpec' },
    status: { t: 'core.v1.PersistentVolumeClaimStatus' },
  },
  'core.v1.PersistentVolumeClaimSpec': { accessModes: A, selector: sel },
  'core.v1.PersistentVolumeClaimStatus': { accessModes: A, conditions: byType() },
  'core.v1.PersistentVolume': { metadata: meta, spec: { t: 'core.v1.PersistentVolumeSpec' } },
  'core.v1.PersistentVolumeSpec': { accessModes: A, mountOptions: A },
  'core.v1.ServiceAccount': { metadata: meta, secrets: byName(), imagePullSecrets: A },
  'core.v1.Endpoints': { metadata: meta, subsets: A },

  'apps.v1.Deployment': { metadata: meta, spec: { t: 'apps.v1.DeploymentSpec' }, status: { t: 'apps.v1.WorkloadStatus' } },
  'apps.v1.DeploymentSpec': {
    selector: sel,
    template: { t: 'core.v1.PodTemplateSpec' },
    strategy: { s: 'retainKeys' },
  },
  'apps.v1.ReplicaSet': { metadata: meta, spec: { t: 'apps.v1.WorkloadSpec' }, status: { t: 'apps.v1.WorkloadStatus' } },
  'apps.v1.DaemonSet': { metadata: meta, spec: { t: 'apps.v1.WorkloadSpec' }, status: { t: 'apps.v1.WorkloadStatus' } },
  'apps.v1.StatefulSet': { metadata: meta, spec: { t: 'apps.v1.StatefulSetSpec' }, status: { t: 'apps.v1.WorkloadStatus' } },
  'apps.v1.WorkloadSpec': { selector: sel, template: { t: 'core.v1.PodTemplateSpec' } },
  'apps.v1.StatefulSetSpec': { selector: sel, template: { t: 'core.v1.PodTemplateSpec' }, volumeClaimTemplates: A },
  'apps.v1.WorkloadStatus': { conditions: byType() },

  'batch.v1.Job': { metadata: meta, spec: { t: 'batch.v1.JobSpec' }, status: { t: 'batch.v1.JobStatus' } },
  'batch.v1.JobSpec': { selector: sel, template: { t: 'core.v1.PodTemplateSpec' } },
  'batch.v1.JobStatus': { conditions: { s: 'merge', mk: 'type', lt: 'atomic' } },
  'batch.v1.CronJob': { metadata: meta, spec: { t: 'batch.v1.CronJobSpec' }, status: { t: 'batch.v1.CronJobStatus' } },
  'batch.v1.CronJobSpec': { jobTemplate: { t: 'batch.v1.JobTemplateSpec' } },
  'batch.v1.JobTemplateSpec': { metadata: meta, spec: { t: 'batch.v1.JobSpec' } },
  'batch.v1.CronJobStatus': { active: A },

  'networking.v1.NetworkPolicy': { metadata: meta, spec: { t: 'networking.v1.NetworkPolicySpec' } },
  'networking.v1.NetworkPolicySpec': { podSelector: sel, ingress: A, egress: A, policyTypes: A },
  'networking.v1.Ingress': { metadata: meta, spec: { t: 'networking.v1.IngressSpec' }, status: { t: 'networking.v1.IngressStatus' } },
  'networking.v1.IngressSpec': { rules: A, tls: A },
  'networking.v1.IngressStatus': { loadBalancer: { t: 'core.v1.LoadBalancerStatus' } },

  'discovery.v1.EndpointSlice': { metadata: meta, endpoints: A, ports: A },

  'rbac.v1.Role': { metadata: meta, rules: A },
  'rbac.v1.ClusterRole': { metadata: meta, rules: A, aggregationRule: { t: 'rbac.v1.AggregationRule' } },
  'rbac.v1.AggregationRule': { clusterRoleSelectors: A },
  'rbac.v1.RoleBinding': { metadata: meta, subjects: A, roleRef: { mt: 'atomic' } },
  'rbac.v1.ClusterRoleBinding': { metadata: meta, subjects: A, roleRef: { mt: 'atomic' } },

  /** Any other kind: only its metadata has patch metadata. */
  'generic.Object': { metadata: meta },
};

const schemaCache = new Map<string, PatchSchema>();

function builtinSchema(typeName: string): PatchSchema {
  const cached = schemaCache.get(typeName);
  if (cached) return cached;
  const fields = TYPES[typeName] ?? {};
  const schema: PatchSchema = {
    field(name: string): PatchFieldMeta | undefined {
      if (!Object.prototype.hasOwnProperty.call(fields, name)) return undefined;
      const f = fields[name];
      const out: PatchFieldMeta = {};
      if (f.mk) out.mergeKey = f.mk;
      if (f.s) out.strategy = f.s;
      if (f.lt) out.listType = f.lt;
      if (f.lk) out.listMapKeys = f.lk;
      if (f.kd) out.keyDefaults = f.kd;
      if (f.mt) out.mapType = f.mt;
      if (f.t) out.schema = builtinSchema(f.t);
      return out;
    },
  };
  schemaCache.set(typeName, schema);
  return schema;
}

export interface GroupVersionKind {
  group: string;
  version: string;
  kind: string;
}

/** The patch schema of a built-in kind; kinds not in the table get one that knows ObjectMeta. */
export function builtinSchemaFor(gvk: GroupVersionKind): PatchSchema {
  const group = gvk.group === '' ? 'core' : gvk.group.replace(/\.k8s\.io$/, '').replace(/\.authorization$/, '');
  const name = `${group}.${gvk.version}.${gvk.kind}`;
  return builtinSchema(TYPES[name] ? name : 'generic.Object');
}

/** The patch schema for an object of a built-in kind, read from its apiVersion and kind. */
export function builtinSchemaForObject(obj: { apiVersion?: unknown; kind?: unknown }): PatchSchema {
  const apiVersion = typeof obj.apiVersion === 'string' ? obj.apiVersion : 'v1';
  const slash = apiVersion.lastIndexOf('/');
  return builtinSchemaFor({
    group: slash < 0 ? '' : apiVersion.slice(0, slash),
    version: slash < 0 ? apiVersion : apiVersion.slice(slash + 1),
    kind: typeof obj.kind === 'string' ? obj.kind : '',
  });
}

// ---- OpenAPI adapter ------------------------------------------------------------------------

/** The parts of an OpenAPI v3 schema node (components.schemas entry or property) read here. */
export interface OpenAPINode {
  $ref?: string;
  allOf?: OpenAPINode[];
  items?: OpenAPINode;
  additionalProperties?: OpenAPINode | boolean;
  properties?: Record<string, OpenAPINode>;
  default?: unknown;
  'x-kubernetes-patch-merge-key'?: string;
  'x-kubernetes-patch-strategy'?: string;
  'x-kubernetes-list-type'?: string;
  'x-kubernetes-list-map-keys'?: string[];
  'x-kubernetes-map-type'?: string;
}

function refName(node: OpenAPINode | undefined): string | undefined {
  if (!node) return undefined;
  const ref = node.$ref ?? node.allOf?.find((n) => n.$ref)?.$ref;
  return ref ? ref.replace(/^#\/(components\/schemas|definitions)\//, '') : undefined;
}

/**
 * A PatchSchema reading OpenAPI definitions (name -> node, `$ref: '#/components/schemas/<name>'`),
 * e.g. api/schema/definitions.json, starting at definition `root`.
 */
export function openAPIPatchSchema(defs: Record<string, OpenAPINode>, root: string): PatchSchema {
  const cache = new Map<string, PatchSchema>();
  const forNode = (node: OpenAPINode | undefined): PatchSchema | undefined => {
    const name = refName(node);
    if (name) return forDef(name);
    if (node?.properties) return forProps(node);
    if (node && typeof node.additionalProperties === 'object') {
      const value = node.additionalProperties;
      return { field: () => metaOf(value) };
    }
    return undefined;
  };
  const metaOf = (prop: OpenAPINode): PatchFieldMeta => {
    const out: PatchFieldMeta = {};
    const target = prop.items ?? prop;
    const targetDef = refName(target);
    const resolved = targetDef ? defs[targetDef] : target;
    if (prop['x-kubernetes-patch-merge-key']) out.mergeKey = prop['x-kubernetes-patch-merge-key'];
    if (prop['x-kubernetes-patch-strategy']) out.strategy = prop['x-kubernetes-patch-strategy'];
    if (prop['x-kubernetes-list-type']) out.listType = prop['x-kubernetes-list-type'];
    if (prop['x-kubernetes-list-map-keys']) {
      out.listMapKeys = prop['x-kubernetes-list-map-keys'];
      const defaults: Record<string, unknown> = {};
      for (const k of out.listMapKeys) {
        const d = resolved?.properties?.[k]?.default;
        if (d !== undefined) defaults[k] = d;
      }
      if (Object.keys(defaults).length) out.keyDefaults = defaults;
    }
    const mapType = prop['x-kubernetes-map-type'] ?? resolved?.['x-kubernetes-map-type'];
    if (mapType && !prop.items) out.mapType = mapType;
    const schema = forNode(target);
    if (schema) out.schema = schema;
    return out;
  };
  const forProps = (node: OpenAPINode): PatchSchema => ({
    field(name) {
      const props = node.properties ?? {};
      if (!Object.prototype.hasOwnProperty.call(props, name)) return undefined;
      return metaOf(props[name]);
    },
  });
  const forDef = (name: string): PatchSchema => {
    let s = cache.get(name);
    if (!s) {
      const node = defs[name] ?? {};
      s = { field: (f) => forProps(node).field(f) };
      cache.set(name, s);
    }
    return s;
  };
  return forDef(root);
}
