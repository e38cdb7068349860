// One StatefulSet sync (upstream stateful_set_control.go updateStatefulSet): create missing ordinals,
// repair identity/storage, delete condemned ordinals highest first, then roll pods to the update
// revision from the highest ordinal down to the partition. OrderedReady stops at the first pod that
// is not Running+Ready (and available); Parallel does not wait. Returns the status to publish.
// Must never create a pod while an earlier ordinal is unhealthy under OrderedReady.
import type { ControllerRevision, Pod, StatefulSet, StatefulSetStatusT } from './types.js';
import { isPodAvailable, isPodReady, isPodTerminating } from '../history/pods.js';
import { inOrdinalRange, newStatefulSetPod, ordinalOf, podRevision, replicaCount, startOrdinal, identityMatches, storageMatches } from './identity.js';
import type { PodControl } from './pod-control.js';
import { applyRevision } from './revisions.js';

export interface SyncInput {
  set: Readonly<StatefulSet>;
  pods: readonly Readonly<Pod>[];
  current: Readonly<ControllerRevision>;
  update: Readonly<ControllerRevision>;
  collisionCount: number;
  control: PodControl;
  /** Warning events for pods recreated after they finished. */
  onFinishedPod?: (pod: Readonly<Pod>) => void;
  now: number;
}

const isCreated = (pod: Readonly<Pod>) => !!pod.status?.phase;
const isRunningAndReady = (pod: Readonly<Pod>) => pod.status?.phase === 'Running' && isPodReady(pod);
const isRunningAndAvailable = (pod: Readonly<Pod>, minReadySeconds: number, now: number) => pod.status?.phase === 'Running' && isPodAvailable(pod, minReadySeconds, now);
const isHealthy = (pod: Readonly<Pod>) => isRunningAndReady(pod) && !isPodTerminating(pod);
const isFinished = (pod: Readonly<Pod>) => pod.status?.phase === 'Failed' || pod.status?.phase === 'Succeeded';

/** upstream newVersionedStatefulSetPod: ordinals below the partition keep the current revision. */
function newVersionedPod(currentSet: StatefulSet, updateSet: StatefulSet, current: string, update: string, ordinal: number): Pod {
  const strategy = currentSet.spec?.updateStrategy;
  const isRolling = (strategy?.type ?? 'RollingUpdate') === 'RollingUpdate';
  const partition = strategy?.rollingUpdate?.partition;
  const useCurrent = (isRolling && partition === undefined && ordinal < startOrdinal(currentSet) + (currentSet.status?.currentReplicas ?? 0))
    || (partition !== undefined && ordinal < startOrdinal(currentSet) + partition);
  return useCurrent ? newStatefulSetPod(currentSet, ordinal, current) : newStatefulSetPod(updateSet, ordinal, update);
}

/** upstream computeReplicaStatus over the pods a sync ended with. */
export function replicaStatus(pods: readonly Readonly<Pod>[], minReadySeconds: number, current: string, update: string, now: number) {
  const s = { replicas: 0, readyReplicas: 0, availableReplicas: 0, currentReplicas: 0, updatedReplicas: 0 };
  for (const pod of pods) {
    if (isCreated(pod)) s.replicas++;
    if (isRunningAndReady(pod)) {
      s.readyReplicas++;
      if (isRunningAndAvailable(pod, minReadySeconds, now)) s.availableReplicas++;
    }
    if (isCreated(pod) && !isPodTerminating(pod)) {
      const revision = podRevision(pod);
      if (revision === current) s.currentReplicas++;
      if (revision === update) s.updatedReplicas++;
    }
  }
  return s;
}

export async function syncStatefulSet(input: SyncInput): Promise<StatefulSetStatusT> {
  const { set, current, update, control, now } = input;
  const currentSet = applyRevision(set, current);
  const updateSet = applyRevision(set, update);
  const currentName = current.metadata?.name ?? '';
  const updateName = update.metadata?.name ?? '';
  const minReadySeconds = set.spec?.minReadySeconds ?? 0;
  const start = startOrdinal(set);
  const replicas: Readonly<Pod>[] = new Array(replicaCount(set));
  const condemned: Readonly<Pod>[] = [];
  for (const pod of input.pods) {
    const ordinal = ordinalOf(pod);
    if (ordinal >= 0 && inOrdinalRange(set, ordinal)) replicas[ordinal - start] = pod;
    else if (ordinal >= 0) condemned.push(pod);
  }
  for (let i = 0; i < replicas.length; i++) {
    if (!replicas[i]) replicas[i] = newVersionedPod(currentSet, updateSet, currentName, updateName, start + i);
  }
  condemned.sort((a, b) => ordinalOf(b) - ordinalOf(a));
  const firstUnhealthy = replicas.find((p) => !isHealthy(p)) ?? [...condemned].reverse().find((p) => !isHealthy(p));

  const status = (): StatefulSetStatusT => ({
    observedGeneration: set.metadata?.generation,
    currentRevision: currentName,
    updateRevision: updateName,
    collisionCount: input.collisionCount,
    ...replicaStatus([...replicas, ...condemned], minReadySeconds, currentName, updateName, now),
  });
  if (set.metadata?.deletionTimestamp) return status();
  const monotonic = (set.spec?.podManagementPolicy ?? 'OrderedReady') !== 'Parallel';

  /** upstream processReplica: true means "stop here this round" (monotonic mode). */
  const processReplica = async (i: number): Promise<boolean> => {
    const pod = replicas[i]!;
    if (isFinished(pod)) {
      if (!pod.metadata?.deletionTimestamp) {
        input.onFinishedPod?.(pod);
        await control.deletePod(set, pod);
      }
      return true;
    }
    if (!isCreated(pod)) {
      // A claim still owned by the previous pod of this ordinal is about to be deleted: wait.
      if (control.claimIsStale(set, pod)) return true;
      await control.createPod(set, pod as Pod);
      return monotonic;
    }
    if (pod.status?.phase === 'Pending') await control.createMissingClaims(set, pod);
    if (isPodTerminating(pod) && monotonic) return true;
    if (!isRunningAndReady(pod) && monotonic) return true;
    if (!isRunningAndAvailable(pod, minReadySeconds, now) && monotonic) return true;
    if (!control.claimsMatchRetention(updateSet, pod)) await control.updateClaimsForRetention(updateSet, pod);
    if (identityMatches(set, pod) && storageMatches(set, pod)) return false;
    await control.updatePod(updateSet, pod);
    return false;
  };

  /** upstream processCondemned. */
  const processCondemned = async (i: number): Promise<boolean> => {
    const pod = condemned[i]!;
    if (isPodTerminating(pod)) return monotonic;
    if (monotonic && pod !== firstUnhealthy && (!isRunningAndReady(pod) || !isRunningAndAvailable(pod, minReadySeconds, now))) return true;
    await control.deletePod(set, pod);
    return monotonic;
  };

  /** upstream runForAll: in order and stopping under OrderedReady, all (errors aside) under Parallel. */
  const runForAll = async (count: number, fn: (i: number) => Promise<boolean>): Promise<boolean> => {
    if (monotonic) {
      for (let i = 0; i < count; i++) if (await fn(i)) return true;
      return false;
    }
    const results = await Promise.allSettled(Array.from({ length: count }, (_, i) => fn(i)));
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
    return false;
  };

  if (await runForAll(replicas.length, processReplica)) return status();
  // Before scale-down deletes them, condemned pods' claims get the owners the retention policy wants.
  const fixClaims = async (i: number): Promise<boolean> => {
    if (!control.claimsMatchRetention(updateSet, condemned[i]!)) await control.updateClaimsForRetention(updateSet, condemned[i]!);
    return false;
  };
  if (await runForAll(condemned.length, fixClaims)) return status();
  if (await runForAll(condemned.length, processCondemned)) return status();
  const result = status();
  if (set.spec?.updateStrategy?.type === 'OnDelete') return result;

  // RollingUpdate: replace the highest ordinal not at the update revision, down to the partition.
  const partition = set.spec?.updateStrategy?.rollingUpdate?.partition ?? 0;
  for (let target = replicas.length - 1; target >= partition; target--) {
    const pod = replicas[target]!;
    if (podRevision(pod) !== updateName && !isPodTerminating(pod)) {
      await control.deletePod(set, pod);
      result.currentReplicas = (result.currentReplicas ?? 0) - 1;
      return result;
    }
    if (!isHealthy(pod)) return result;
  }
  return result;
}
