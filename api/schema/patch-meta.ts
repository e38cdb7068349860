// How upstream merges list fields (types.go `patchStrategy`/`patchMergeKey` tags and `+listType`
// markers) for the definitions k8ts serves. Data only: it must never decide how to merge itself;
// strategic merge patch and the OpenAPI documents read it.

export interface PatchMeta {
  /** `x-kubernetes-patch-merge-key`: the field that identifies a list element. */
  mergeKey?: string;
  /** `x-kubernetes-patch-strategy`: `merge`, `merge,retainKeys`, `retainKeys` or `replace`. */
  strategy?: string;
  /** `x-kubernetes-list-type`: `atomic`, `set` or `map`. */
  listType?: 'atomic' | 'set' | 'map';
  /** `x-kubernetes-list-map-keys` when listType is `map`. */
  listMapKeys?: string[];
}

const C = 'io.k8s.api.core.v1';
const APPS = 'io.k8s.api.apps.v1';
const BATCH = 'io.k8s.api.batch.v1';
const META = 'io.k8s.apimachinery.pkg.apis.meta.v1';

const mapBy = (key: string, strategy = 'merge', extraKeys: string[] = []): PatchMeta => ({
  mergeKey: key,
  strategy,
  listType: 'map',
  listMapKeys: [key, ...extraKeys],
});
const atomic: PatchMeta = { listType: 'atomic' };
const conditions = mapBy('type');

const containerLists: Record<string, PatchMeta> = {
  args: atomic,
  command: atomic,
  env: mapBy('name'),
  envFrom: atomic,
  ports: mapBy('containerPort', 'merge', ['protocol']),
  resizePolicy: atomic,
  volumeDevices: mapBy('devicePath'),
  volumeMounts: mapBy('mountPath'),
};

/** definition name -> field -> patch metadata. */
export const PATCH_META: Readonly<Record<string, Readonly<Record<string, PatchMeta>>>> = {
  [`${META}.ObjectMeta`]: {
    finalizers: { strategy: 'merge', listType: 'set' },
    managedFields: atomic,
    ownerReferences: mapBy('uid'),
  },
  [`${META}.LabelSelector`]: { matchExpressions: atomic },
  [`${META}.LabelSelectorRequirement`]: { values: atomic },
  [`${META}.StatusDetails`]: { causes: atomic },
  [`${C}.PodSpec`]: {
    containers: mapBy('name'),
    ephemeralContainers: mapBy('name'),
    hostAliases: mapBy('ip'),
    imagePullSecrets: mapBy('name'),
    initContainers: mapBy('name'),
    readinessGates: atomic,
    resourceClaims: mapBy('name', 'merge,retainKeys'),
    schedulingGates: mapBy('name'),
    tolerations: atomic,
    topologySpreadConstraints: mapBy('topologyKey', 'merge', ['whenUnsatisfiable']),
    volumes: mapBy('name', 'merge,retainKeys'),
  },
  [`${C}.Container`]: containerLists,
  [`${C}.EphemeralContainer`]: containerLists,
  [`${C}.PodStatus`]: {
    conditions,
    containerStatuses: atomic,
    ephemeralContainerStatuses: atomic,
    hostIPs: { mergeKey: 'ip', strategy: 'merge', listType: 'atomic' },
    initContainerStatuses: atomic,
    podIPs: mapBy('ip'),
    resourceClaimStatuses: mapBy('name', 'merge,retainKeys'),
  },
  [`${C}.ResourceRequirements`]: { claims: { listType: 'map', listMapKeys: ['name'] } },
  [`${C}.NodeSpec`]: { podCIDRs: { strategy: 'merge', listType: 'set' }, taints: atomic },
  [`${C}.NodeStatus`]: {
    addresses: mapBy('type'),
    conditions,
    images: atomic,
    volumesAttached: atomic,
    volumesInUse: atomic,
  },
  [`${C}.ServiceSpec`]: {
    clusterIPs: atomic,
    externalIPs: atomic,
    ipFamilies: atomic,
    loadBalancerSourceRanges: atomic,
    ports: mapBy('port', 'merge', ['protocol']),
  },
  [`${C}.ServiceStatus`]: { conditions },
  [`${C}.NamespaceStatus`]: { conditions },
  [`${C}.PersistentVolumeClaimStatus`]: { conditions },
  [`${C}.ServiceAccount`]: { secrets: { mergeKey: 'name', strategy: 'merge' }, imagePullSecrets: atomic },
  [`${C}.Endpoints`]: { subsets: atomic },
  [`${APPS}.DeploymentStatus`]: { conditions },
  [`${APPS}.ReplicaSetStatus`]: { conditions },
  [`${APPS}.DaemonSetStatus`]: { conditions },
  [`${APPS}.StatefulSetStatus`]: { conditions },
  [`${APPS}.StatefulSetSpec`]: { volumeClaimTemplates: atomic },
  [`${BATCH}.JobStatus`]: { conditions: { mergeKey: 'type', strategy: 'merge', listType: 'atomic' } },
  [`${BATCH}.CronJobStatus`]: { active: atomic },
};

/** Patch metadata of one field of a definition, or undefined (plain replace for lists). */
export function patchMetaFor(definitionName: string, fieldName: string): PatchMeta | undefined {
  return PATCH_META[definitionName]?.[fieldName];
}
