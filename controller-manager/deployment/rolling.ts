// The RollingUpdate strategy (upstream deployment/rolling.go): grow the new ReplicaSet within
// maxSurge, shrink old ones while at least replicas - maxUnavailable pods stay available (first
// unhealthy old pods, then the oldest ReplicaSets), clean up once complete.
import { cleanupDeployment, getAllReplicaSetsAndSyncRevision, scaleReplicaSetAndRecordEvent, type SyncContext } from './sync.js';
import { syncRolloutStatus } from './progress.js';
import {
  availableReplicaCount, byCreationTimestamp, deploymentComplete, filterActiveReplicaSets, maxUnavailable, newRSNewReplicas, replicaCount,
  replicasOf, type RS, type WorkingDeployment,
} from './util.js';

/** rolloutRolling; returns a requeue delay from syncRolloutStatus. */
export async function rolloutRolling(ctx: SyncContext, d: WorkingDeployment, rsList: readonly RS[]): Promise<number | undefined> {
  const { newRS, oldRSs } = await getAllReplicaSetsAndSyncRevision(ctx, d, rsList, true);
  let allRSs: RS[] = [...oldRSs, newRS!];
  const up = await reconcileNewReplicaSet(ctx, allRSs, newRS!, d);
  if (up.scaled) return syncRolloutStatus(ctx, [...oldRSs, up.rs], up.rs, d);
  allRSs = [...oldRSs, up.rs];
  const scaledDown = await reconcileOldReplicaSets(ctx, allRSs, filterActiveReplicaSets(oldRSs), up.rs, d);
  if (scaledDown) return syncRolloutStatus(ctx, allRSs, up.rs, d);
  if (deploymentComplete(d, d.status)) await cleanupDeployment(ctx, oldRSs, d);
  return syncRolloutStatus(ctx, allRSs, up.rs, d);
}

/** reconcileNewReplicaSet: scale the new ReplicaSet toward spec.replicas within maxSurge. */
async function reconcileNewReplicaSet(ctx: SyncContext, allRSs: readonly RS[], newRS: RS, d: WorkingDeployment): Promise<{ scaled: boolean; rs: RS }> {
  const replicas = d.spec.replicas ?? 1;
  if (replicasOf(newRS) === replicas) return { scaled: false, rs: newRS };
  if (replicasOf(newRS) > replicas) return scaleReplicaSetAndRecordEvent(ctx, newRS, replicas, d);
  return scaleReplicaSetAndRecordEvent(ctx, newRS, newRSNewReplicas(d, allRSs, newRS), d);
}

/** reconcileOldReplicaSets: how far old ReplicaSets may shrink without breaking availability. */
async function reconcileOldReplicaSets(ctx: SyncContext, allRSs: readonly RS[], oldRSs: RS[], newRS: RS, d: WorkingDeployment): Promise<boolean> {
  if (replicaCount(oldRSs) === 0) return false;
  const allPods = replicaCount(allRSs);
  const minAvailable = (d.spec.replicas ?? 1) - maxUnavailable(d);
  const newRSUnavailable = replicasOf(newRS) - (newRS.status?.availableReplicas ?? 0);
  const maxScaledDown = allPods - minAvailable - newRSUnavailable;
  if (maxScaledDown <= 0) return false;
  const cleaned = await cleanupUnhealthyReplicas(ctx, oldRSs, d, maxScaledDown);
  const scaledDown = await scaleDownOldReplicaSetsForRollingUpdate(ctx, [...cleaned.oldRSs, newRS], cleaned.oldRSs, d);
  return cleaned.count + scaledDown > 0;
}

/** cleanupUnhealthyReplicas: first remove old replicas that are not available anyway. */
async function cleanupUnhealthyReplicas(ctx: SyncContext, oldRSs: RS[], d: WorkingDeployment, maxCleanupCount: number): Promise<{ oldRSs: RS[]; count: number }> {
  const sorted = [...oldRSs].sort(byCreationTimestamp);
  let total = 0;
  for (let i = 0; i < sorted.length; i++) {
    if (total >= maxCleanupCount) break;
    const rs = sorted[i];
    const replicas = replicasOf(rs);
    const available = rs.status?.availableReplicas ?? 0;
    if (replicas === 0 || replicas === available) continue;
    const count = Math.min(maxCleanupCount - total, replicas - available);
    const newCount = replicas - count;
    if (newCount > replicas) throw new Error(`when cleaning up unhealthy replicas, got invalid request to scale down ${rs.metadata?.namespace}/${rs.metadata?.name} ${replicas} -> ${newCount}`);
    const result = await scaleReplicaSetAndRecordEvent(ctx, rs, newCount, d);
    total += count;
    sorted[i] = result.rs;
  }
  return { oldRSs: sorted, count: total };
}

/** scaleDownOldReplicaSetsForRollingUpdate: oldest first, as far as available pods above minAvailable allow. */
async function scaleDownOldReplicaSetsForRollingUpdate(ctx: SyncContext, allRSs: readonly RS[], oldRSs: RS[], d: WorkingDeployment): Promise<number> {
  const minAvailable = (d.spec.replicas ?? 1) - maxUnavailable(d);
  const available = availableReplicaCount(allRSs);
  if (available <= minAvailable) return 0;
  const sorted = [...oldRSs].sort(byCreationTimestamp);
  const totalToScaleDown = available - minAvailable;
  let total = 0;
  for (const rs of sorted) {
    if (total >= totalToScaleDown) break;
    if (replicasOf(rs) === 0) continue;
    const count = Math.min(replicasOf(rs), totalToScaleDown - total);
    await scaleReplicaSetAndRecordEvent(ctx, rs, replicasOf(rs) - count, d);
    total += count;
  }
  return total;
}
