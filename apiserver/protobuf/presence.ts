// Which scalar fields keep a zero value ("", 0, false) when decoded. Go's generated marshallers write
// every non-pointer scalar, even when empty, so the wire cannot tell "unset" from "zero"; a JSON client
// would have left those out (omitempty). Go pointer fields (*int32, *bool, *string) carry intent in
// their zero and are listed here; fields JSON requires are marked `required` in the generated table.

const CORE = 'k8s.io.api.core.v1';
const META = 'k8s.io.apimachinery.pkg.apis.meta.v1';

const KEEP: Record<string, readonly string[]> = {
  [`${META}.ObjectMeta`]: ['deletionGracePeriodSeconds'],
  [`${META}.OwnerReference`]: ['controller', 'blockOwnerDeletion'],
  [`${META}.ListMeta`]: ['remainingItemCount'],
  [`${META}.DeleteOptions`]: ['gracePeriodSeconds', 'orphanDependents', 'propagationPolicy', 'ignoreStoreReadErrorWithClusterBreakingPotential'],
  [`${META}.Preconditions`]: ['uid', 'resourceVersion'],
  [`${META}.ListOptions`]: ['timeoutSeconds', 'allowWatchBookmarks', 'sendInitialEvents'],

  [`${CORE}.PodSpec`]: [
    'terminationGracePeriodSeconds', 'activeDeadlineSeconds', 'automountServiceAccountToken', 'shareProcessNamespace',
    'priority', 'enableServiceLinks', 'preemptionPolicy', 'runtimeClassName', 'setHostnameAsFQDN', 'hostUsers',
  ],
  [`${CORE}.Container`]: ['restartPolicy'],
  [`${CORE}.EphemeralContainerCommon`]: ['restartPolicy'],
  [`${CORE}.SecurityContext`]: [
    'privileged', 'runAsUser', 'runAsGroup', 'runAsNonRoot', 'readOnlyRootFilesystem', 'allowPrivilegeEscalation', 'procMount',
  ],
  [`${CORE}.PodSecurityContext`]: ['runAsUser', 'runAsGroup', 'runAsNonRoot', 'fsGroup', 'fsGroupChangePolicy', 'supplementalGroupsPolicy'],
  [`${CORE}.Probe`]: ['terminationGracePeriodSeconds'],
  [`${CORE}.Toleration`]: ['tolerationSeconds'],
  [`${CORE}.TopologySpreadConstraint`]: ['minDomains', 'nodeAffinityPolicy', 'nodeTaintsPolicy'],
  [`${CORE}.ServiceSpec`]: ['allocateLoadBalancerNodePorts', 'loadBalancerClass', 'internalTrafficPolicy', 'ipFamilyPolicy', 'trafficDistribution'],
  [`${CORE}.ServicePort`]: ['appProtocol'],
  [`${CORE}.ClientIPConfig`]: ['timeoutSeconds'],
  [`${CORE}.EndpointPort`]: ['appProtocol'],
  [`${CORE}.EndpointAddress`]: ['nodeName'],
  [`${CORE}.ConfigMap`]: ['immutable'],
  [`${CORE}.Secret`]: ['immutable'],
  [`${CORE}.ServiceAccount`]: ['automountServiceAccountToken'],
  [`${CORE}.PersistentVolumeClaimSpec`]: ['storageClassName', 'volumeMode', 'volumeAttributesClassName'],
  [`${CORE}.PersistentVolumeSpec`]: ['volumeMode', 'volumeAttributesClassName'],
  [`${CORE}.KeyToPath`]: ['mode'],
  [`${CORE}.ConfigMapVolumeSource`]: ['defaultMode', 'optional'],
  [`${CORE}.SecretVolumeSource`]: ['defaultMode', 'optional'],
  [`${CORE}.ProjectedVolumeSource`]: ['defaultMode'],
  [`${CORE}.DownwardAPIVolumeSource`]: ['defaultMode'],
  [`${CORE}.DownwardAPIVolumeFile`]: ['mode'],
  [`${CORE}.ConfigMapProjection`]: ['optional'],
  [`${CORE}.SecretProjection`]: ['optional'],
  [`${CORE}.ServiceAccountTokenProjection`]: ['expirationSeconds'],
  [`${CORE}.ConfigMapKeySelector`]: ['optional'],
  [`${CORE}.SecretKeySelector`]: ['optional'],
  [`${CORE}.ConfigMapEnvSource`]: ['optional'],
  [`${CORE}.SecretEnvSource`]: ['optional'],
  [`${CORE}.HostPathVolumeSource`]: ['type'],

  'k8s.io.api.apps.v1.DeploymentSpec': ['replicas', 'revisionHistoryLimit', 'progressDeadlineSeconds'],
  'k8s.io.api.apps.v1.ReplicaSetSpec': ['replicas'],
  'k8s.io.api.apps.v1.StatefulSetSpec': ['replicas', 'revisionHistoryLimit'],
  'k8s.io.api.apps.v1.RollingUpdateStatefulSetStrategy': ['partition'],
  'k8s.io.api.apps.v1.DaemonSetSpec': ['revisionHistoryLimit'],
  'k8s.io.api.apps.v1.DeploymentStatus': ['collisionCount'],
  'k8s.io.api.apps.v1.DaemonSetStatus': ['collisionCount'],
  'k8s.io.api.apps.v1.StatefulSetStatus': ['collisionCount'],

  'k8s.io.api.batch.v1.JobSpec': [
    'parallelism', 'completions', 'activeDeadlineSeconds', 'backoffLimit', 'backoffLimitPerIndex', 'maxFailedIndexes',
    'ttlSecondsAfterFinished', 'completionMode', 'suspend', 'podReplacementPolicy', 'manualSelector', 'managedBy',
  ],
  'k8s.io.api.batch.v1.JobStatus': ['ready', 'terminating'],
  'k8s.io.api.batch.v1.CronJobSpec': ['startingDeadlineSeconds', 'suspend', 'successfulJobsHistoryLimit', 'failedJobsHistoryLimit', 'timeZone'],

  'k8s.io.api.coordination.v1.LeaseSpec': ['holderIdentity', 'leaseDurationSeconds', 'leaseTransitions', 'strategy', 'preferredHolder'],
  'k8s.io.api.discovery.v1.Endpoint': ['hostname', 'nodeName', 'zone'],
  'k8s.io.api.discovery.v1.EndpointConditions': ['ready', 'serving', 'terminating'],
  'k8s.io.api.discovery.v1.EndpointPort': ['name', 'protocol', 'port', 'appProtocol'],
  'k8s.io.api.networking.v1.IngressSpec': ['ingressClassName'],
  'k8s.io.api.networking.v1.HTTPIngressPath': ['pathType'],
  'k8s.io.api.networking.v1.IngressClassParametersReference': ['apiGroup', 'scope', 'namespace'],
  'k8s.io.api.storage.v1.StorageClass': ['reclaimPolicy', 'allowVolumeExpansion', 'volumeBindingMode'],
  'k8s.io.api.scheduling.v1.PriorityClass': ['preemptionPolicy'],
  'k8s.io.api.authentication.v1.TokenRequestSpec': ['expirationSeconds'],
  'k8s.io.api.policy.v1.PodDisruptionBudgetSpec': ['unhealthyPodEvictionPolicy'],
};

const KEEP_SET: ReadonlySet<string> = new Set(
  Object.entries(KEEP).flatMap(([message, fields]) => fields.map((f) => `${message}.${f}`)),
);

/** True when a zero scalar in this field was set on purpose and must be decoded, not dropped. */
export function keepsZero(message: string, field: string): boolean {
  return KEEP_SET.has(`${message}.${field}`);
}

/** Every listed (message, field), for checking the list against the generated table. */
export function keptFields(): Array<[string, string]> {
  return Object.entries(KEEP).flatMap(([message, fields]) => fields.map((f): [string, string] => [message, f]));
}
