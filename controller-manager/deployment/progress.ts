// The Progressing condition of a rollout (upstream deployment/progress.go): NewReplicaSetAvailable
// when complete, ReplicaSetUpdated while pods move, ProgressDeadlineExceeded after
// progressDeadlineSeconds without progress, and ReplicaFailure copied from the ReplicaSets.
import type { Deployment } from '../../api/types.js';
import { calculateStatus, statusEqual, updateDeploymentStatus, wireStatus, type SyncContext } from './sync.js';
import {
  deploymentComplete, deploymentProgressing, deploymentTimedOut, getDeploymentCondition, hasProgressDeadline, newDeploymentCondition,
  NEW_RS_AVAILABLE_REASON, removeDeploymentCondition, REPLICA_FAILURE, RS_UPDATED_REASON, setDeploymentCondition, TIMED_OUT_REASON,
  type DeploymentCondition, type DeploymentStatus, type RS, type WorkingDeployment,
} from './util.js';

/** getReplicaFailures: ReplicaFailure conditions of the new ReplicaSet first, then the old ones. */
function replicaFailures(allRSs: readonly (RS | undefined)[], newRS: RS | undefined): DeploymentCondition[] {
  const out: DeploymentCondition[] = [];
  const collect = (rs: RS | undefined) => {
    for (const c of rs?.status?.conditions ?? []) {
      if (c.type !== REPLICA_FAILURE) continue;
      out.push({ type: REPLICA_FAILURE, status: c.status, reason: c.reason, message: c.message, lastUpdateTime: c.lastTransitionTime, lastTransitionTime: c.lastTransitionTime });
    }
  };
  collect(newRS);
  if (out.length) return out;
  for (const rs of allRSs) if (rs && rs.metadata?.uid !== newRS?.metadata?.uid) collect(rs);
  return out;
}

/**
 * syncRolloutStatus: writes the status with the Progressing condition as of now; returns after how
 * many ms the deployment must be looked at again to notice a missed deadline (undefined: no need).
 */
export async function syncRolloutStatus(ctx: SyncContext, allRSs: readonly (RS | undefined)[], newRS: RS | undefined, d: WorkingDeployment): Promise<number | undefined> {
  const now = ctx.now();
  const newStatus = calculateStatus(allRSs, newRS, d, now);
  if (!hasProgressDeadline(d)) removeDeploymentCondition(newStatus, 'Progressing');
  const currentCond = getDeploymentCondition(d.status, 'Progressing');
  const isComplete = newStatus.replicas === newStatus.updatedReplicas && currentCond?.reason === NEW_RS_AVAILABLE_REASON;
  if (hasProgressDeadline(d) && !isComplete) {
    if (deploymentComplete(d, newStatus)) {
      const msg = newRS ? `ReplicaSet "${newRS.metadata?.name}" has successfully progressed.` : `Deployment "${d.metadata.name}" has successfully progressed.`;
      setDeploymentCondition(newStatus, newDeploymentCondition('Progressing', 'True', NEW_RS_AVAILABLE_REASON, msg, now));
    } else if (deploymentProgressing(d, newStatus)) {
      const msg = newRS ? `ReplicaSet "${newRS.metadata?.name}" is progressing.` : `Deployment "${d.metadata.name}" is progressing.`;
      const condition = newDeploymentCondition('Progressing', 'True', RS_UPDATED_REASON, msg, now);
      if (currentCond) {
        if (currentCond.status === 'True') condition.lastTransitionTime = currentCond.lastTransitionTime;
        removeDeploymentCondition(newStatus, 'Progressing');
      }
      setDeploymentCondition(newStatus, condition);
    } else if (deploymentTimedOut(d, newStatus, now)) {
      const msg = newRS ? `ReplicaSet "${newRS.metadata?.name}" has timed out progressing.` : `Deployment "${d.metadata.name}" has timed out progressing.`;
      setDeploymentCondition(newStatus, newDeploymentCondition('Progressing', 'False', TIMED_OUT_REASON, msg, now));
    }
  }
  const failures = replicaFailures(allRSs, newRS);
  if (failures.length) setDeploymentCondition(newStatus, failures[0]);
  else removeDeploymentCondition(newStatus, REPLICA_FAILURE);

  if (statusEqual(d.status, newStatus)) return requeueStuckDeployment(d, newStatus, now);
  d.status = wireStatus(newStatus);
  await updateDeploymentStatus(ctx, d);
  return undefined;
}

/**
 * requeueStuckDeployment: when a rollout is in progress with a deadline, the time until that
 * deadline (+1 s) so the controller can mark ProgressDeadlineExceeded even if nothing else happens.
 */
export function requeueStuckDeployment(d: Readonly<Deployment>, newStatus: Readonly<DeploymentStatus>, nowMs: number): number | undefined {
  const cond = getDeploymentCondition(d.status, 'Progressing');
  if (!hasProgressDeadline(d) || !cond) return undefined;
  if (deploymentComplete(d, newStatus) || cond.reason === TIMED_OUT_REASON) return undefined;
  const last = Date.parse(cond.lastUpdateTime ?? '');
  if (Number.isNaN(last)) return undefined;
  const after = last + d.spec!.progressDeadlineSeconds! * 1000 - nowMs;
  // Upstream re-queues rate-limited when under a second is left; a 1 s delay does the same job.
  if (after < 1000) return 1000;
  return after + 1000;
}
