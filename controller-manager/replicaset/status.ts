// The status the ReplicaSet controller writes (upstream replica_set_utils.go): counts of the pods it
// owns, observedGeneration, and the ReplicaFailure condition. Pure, except the write in
// updateReplicaSetStatus; never touches spec or metadata.
import { isDeepStrictEqual } from 'node:util';
import type { Pod, ReplicaSet } from '../../api/types.js';
import { selectorFromSet } from '../../api/labels.js';
import type { KubeObject, ResourceClient } from '../../client/index.js';
import { errorMessage } from '../shared/errors.js';
import { isPodAvailable, isPodReady } from '../shared/pods.js';

export type ReplicaSetStatus = NonNullable<ReplicaSet['status']>;
export type ReplicaSetCondition = NonNullable<ReplicaSetStatus['conditions']>[number];

export const REPLICA_FAILURE = 'ReplicaFailure';

/** metav1.Time's wire format: RFC 3339, whole seconds. */
export function timestamp(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** The status fields as numbers (absent = 0), so wire objects and computed ones compare equal. */
export function normalizeStatus(s: Readonly<ReplicaSetStatus> | undefined): ReplicaSetStatus {
  const out: ReplicaSetStatus = { replicas: s?.replicas ?? 0 };
  if (s?.fullyLabeledReplicas) out.fullyLabeledReplicas = s.fullyLabeledReplicas;
  if (s?.readyReplicas) out.readyReplicas = s.readyReplicas;
  if (s?.availableReplicas) out.availableReplicas = s.availableReplicas;
  if (s?.observedGeneration) out.observedGeneration = s.observedGeneration;
  if (s?.conditions?.length) out.conditions = structuredClone(s.conditions) as ReplicaSetCondition[];
  return out;
}

/** calculateStatus: counts over the active pods the ReplicaSet owns, and ReplicaFailure after a failed manage. */
export function calculateStatus(rs: Readonly<ReplicaSet>, filteredPods: readonly Readonly<Pod>[], manageReplicasErr: unknown, nowMs: number): ReplicaSetStatus {
  const status = normalizeStatus(rs.status);
  const templateLabels = selectorFromSet(rs.spec?.template?.metadata?.labels ?? {});
  const minReadySeconds = rs.spec?.minReadySeconds ?? 0;
  let fullyLabeled = 0, ready = 0, available = 0;
  for (const pod of filteredPods) {
    if (templateLabels.matches(pod.metadata?.labels ?? {})) fullyLabeled++;
    if (isPodReady(pod)) {
      ready++;
      if (isPodAvailable(pod, minReadySeconds, nowMs)) available++;
    }
  }
  const failure = status.conditions?.find((c) => c.type === REPLICA_FAILURE);
  if (manageReplicasErr !== undefined && !failure) {
    const diff = filteredPods.length - (rs.spec?.replicas ?? 1);
    const reason = diff < 0 ? 'FailedCreate' : diff > 0 ? 'FailedDelete' : '';
    const cond: ReplicaSetCondition = { type: REPLICA_FAILURE, status: 'True', lastTransitionTime: timestamp(nowMs), reason, message: errorMessage(manageReplicasErr) };
    status.conditions = [...(status.conditions ?? []), cond];
  } else if (manageReplicasErr === undefined && failure) {
    status.conditions = status.conditions!.filter((c) => c.type !== REPLICA_FAILURE);
    if (status.conditions.length === 0) delete status.conditions;
  }
  status.replicas = filteredPods.length;
  for (const [field, n] of [['fullyLabeledReplicas', fullyLabeled], ['readyReplicas', ready], ['availableReplicas', available]] as const) {
    if (n) status[field] = n;
    else delete status[field];
  }
  return status;
}

/**
 * updateReplicaSetStatus: writes the status (with observedGeneration = generation) unless nothing
 * changed; on a failed write re-reads the ReplicaSet once and tries again (statusUpdateRetries = 1).
 */
export async function updateReplicaSetStatus(
  client: Pick<ResourceClient<ReplicaSet & KubeObject>, 'get' | 'updateStatus'>,
  rs: Readonly<ReplicaSet>,
  newStatus: ReplicaSetStatus,
): Promise<Readonly<ReplicaSet>> {
  const generation = rs.metadata?.generation ?? 0;
  const current = normalizeStatus(rs.status);
  const { observedGeneration: _o, ...currentRest } = current;
  const { observedGeneration: _n, ...newRest } = normalizeStatus(newStatus);
  if ((rs.status?.observedGeneration ?? 0) === generation && isDeepStrictEqual(currentRest, newRest)) return rs;
  let target: ReplicaSet = structuredClone(rs) as ReplicaSet;
  for (let i = 0; ; i++) {
    const status = { ...normalizeStatus(newStatus) };
    const gen = target.metadata?.generation ?? 0;
    if (gen) status.observedGeneration = gen;
    try {
      return await client.updateStatus({ ...target, status } as ReplicaSet & KubeObject);
    } catch (err) {
      if (i >= 1) throw err;
      target = structuredClone(await client.get(rs.metadata!.name!, rs.metadata!.namespace)) as ReplicaSet;
    }
  }
}
