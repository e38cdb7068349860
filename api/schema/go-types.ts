// Go facts the .d.ts files lose: which `number` fields are int64 (or float64) upstream rather than
// int32. Consulted only by the generator; it must never guess from names at runtime.

const INT64_FIELDS = new Set<string>([
  'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta.generation',
  'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta.deletionGracePeriodSeconds',
  'io.k8s.apimachinery.pkg.apis.meta.v1.ListMeta.remainingItemCount',
  'io.k8s.apimachinery.pkg.apis.meta.v1.DeleteOptions.gracePeriodSeconds',
  'io.k8s.apimachinery.pkg.apis.meta.v1.Condition.observedGeneration',
  'io.k8s.api.core.v1.PodSpec.terminationGracePeriodSeconds',
  'io.k8s.api.core.v1.PodSpec.activeDeadlineSeconds',
  'io.k8s.api.core.v1.Probe.terminationGracePeriodSeconds',
  'io.k8s.api.core.v1.PodSecurityContext.runAsUser',
  'io.k8s.api.core.v1.PodSecurityContext.runAsGroup',
  'io.k8s.api.core.v1.PodSecurityContext.fsGroup',
  'io.k8s.api.core.v1.PodSecurityContext.supplementalGroups',
  'io.k8s.api.core.v1.SecurityContext.runAsUser',
  'io.k8s.api.core.v1.SecurityContext.runAsGroup',
  'io.k8s.api.core.v1.Toleration.tolerationSeconds',
  'io.k8s.api.core.v1.SleepAction.seconds',
  'io.k8s.api.core.v1.ServiceAccountTokenProjection.expirationSeconds',
  'io.k8s.api.apps.v1.DeploymentStatus.observedGeneration',
  'io.k8s.api.apps.v1.ReplicaSetStatus.observedGeneration',
  'io.k8s.api.apps.v1.DaemonSetStatus.observedGeneration',
  'io.k8s.api.apps.v1.StatefulSetStatus.observedGeneration',
  'io.k8s.api.apps.v1.ControllerRevision.revision',
  'io.k8s.api.batch.v1.JobSpec.activeDeadlineSeconds',
  'io.k8s.api.batch.v1.CronJobSpec.startingDeadlineSeconds',
]);

const FLOAT64_FIELDS = new Set<string>([]);

/** OpenAPI format of a `number` property of a definition: upstream's int32, int64 or double. */
export function goNumberFormat(definition: string, field: string): 'int32' | 'int64' | 'double' {
  const key = `${definition}.${field}`;
  if (INT64_FIELDS.has(key)) return 'int64';
  if (FLOAT64_FIELDS.has(key)) return 'double';
  return 'int32';
}
