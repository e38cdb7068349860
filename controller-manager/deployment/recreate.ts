// The Recreate strategy (upstream deployment/recreate.go): scale every old ReplicaSet to 0, wait
// until none of their pods is running, then create/scale the new ReplicaSet.
import type { Pod } from '../../api/types.js';
import { cleanupDeployment, getAllReplicaSetsAndSyncRevision, scaleReplicaSetAndRecordEvent, type SyncContext } from './sync.js';
import { syncRolloutStatus } from './progress.js';
import { actualReplicaCount, deploymentComplete, filterActiveReplicaSets, type RS, type WorkingDeployment } from './util.js';

/** Pods of the deployment grouped by the uid of the ReplicaSet that controls them. */
export type PodMap = Map<string, readonly Readonly<Pod>[]>;

export async function rolloutRecreate(ctx: SyncContext, d: WorkingDeployment, rsList: readonly RS[], podMap: PodMap): Promise<number | undefined> {
  let { newRS, oldRSs } = await getAllReplicaSetsAndSyncRevision(ctx, d, rsList, false);
  let allRSs: (RS | undefined)[] = [...oldRSs, newRS];
  let scaledDown = false;
  for (const rs of filterActiveReplicaSets(oldRSs)) {
    const result = await scaleReplicaSetAndRecordEvent(ctx, rs, 0, d);
    if (result.scaled) scaledDown = true;
  }
  if (scaledDown) return syncRolloutStatus(ctx, allRSs, newRS, d);
  if (oldPodsRunning(newRS, oldRSs, podMap)) return syncRolloutStatus(ctx, allRSs, newRS, d);
  if (!newRS) {
    ({ newRS, oldRSs } = await getAllReplicaSetsAndSyncRevision(ctx, d, rsList, true));
    allRSs = [...oldRSs, newRS];
  }
  const up = await scaleReplicaSetAndRecordEvent(ctx, newRS!, d.spec.replicas ?? 1, d);
  allRSs = [...oldRSs, up.rs];
  if (deploymentComplete(d, d.status)) await cleanupDeployment(ctx, oldRSs, d);
  return syncRolloutStatus(ctx, allRSs, up.rs, d);
}

/** oldPodsRunning: any old ReplicaSet still reports pods, or a pod of one is not finished. */
export function oldPodsRunning(newRS: RS | undefined, oldRSs: readonly RS[], podMap: PodMap): boolean {
  if (actualReplicaCount(oldRSs) > 0) return true;
  for (const [uid, pods] of podMap) {
    if (newRS && newRS.metadata?.uid === uid) continue;
    for (const pod of pods) {
      const phase = pod.status?.phase;
      if (phase === 'Failed' || phase === 'Succeeded') continue;
      return true;
    }
  }
  return false;
}
