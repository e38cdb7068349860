// The shared steps of a Deployment sync (upstream deployment/sync.go): find or create the new
// ReplicaSet and keep revisions in step, scale ReplicaSets (proportionally while a rollout is in
// flight), clean up old revisions, and compute and write the Deployment's status. Writes only
// ReplicaSets of the deployment and the deployment's status (with its revision annotation).
import { isDeepStrictEqual } from 'node:util';
import type { Logger } from 'pino';
import type { Deployment, ReplicaSet } from '../../api/types.js';
import type { Client, EventRecorder, KubeObject, ReadonlyStore } from '../../client/index.js';
import { eventTarget } from '../shared/events.js';
import { errorMessage, hasStatusCause, isAlreadyExists, isNotFound, NAMESPACE_TERMINATING_CAUSE } from '../shared/errors.js';
import { getControllerOf, newControllerRef } from '../shared/owner-refs.js';
import { computeHash } from './hash.js';
import {
  actualReplicaCount, availableReplicaCount, byRevision, bySizeNewer, bySizeOlder, DEFAULT_DEPLOYMENT_UNIQUE_LABEL_KEY, desiredReplicasAnnotation,
  equalIgnoreHash, FAILED_RS_CREATE_REASON, filterActiveReplicaSets, findActiveOrLatest, findNewReplicaSet, findOldReplicaSets,
  FOUND_NEW_RS_REASON, getDeploymentCondition, getProportion, hasProgressDeadline, hasRevisionHistoryLimit, isRollingUpdate, isSaturated,
  maxRevision, maxSurge, maxUnavailable, MINIMUM_REPLICAS_AVAILABLE, MINIMUM_REPLICAS_UNAVAILABLE, newDeploymentCondition, newRSNewReplicas,
  NEW_RS_REASON, PAUSED_DEPLOY_REASON, REVISION_ANNOTATION, readyReplicaCount, replicaCount, replicasAnnotationsNeedUpdate, replicasOf, RESUMED_DEPLOY_REASON,
  setDeploymentCondition, setDeploymentRevision, setNewReplicaSetAnnotations, setReplicasAnnotations, TIMED_OUT_REASON,
  type DeploymentStatus, type RS, type WorkingDeployment,
} from './util.js';

export type KReplicaSet = ReplicaSet & KubeObject;
export type KDeployment = Deployment & KubeObject;

export interface SyncContext {
  client: Client;
  recorder: EventRecorder;
  /** The ReplicaSet lister (for the AlreadyExists path of creation). */
  replicaSets: ReadonlyStore<KReplicaSet>;
  logger: Logger;
  now: () => number;
}

const rsClient = (ctx: SyncContext) => ctx.client.resource<KReplicaSet>('replicasets.apps');

/** Writes d.status (and its annotations, which /status keeps for deployments); d follows the new resourceVersion. */
export async function updateDeploymentStatus(ctx: SyncContext, d: WorkingDeployment): Promise<void> {
  const updated = await ctx.client.resource<KDeployment>('deployments.apps').updateStatus(d as unknown as KDeployment);
  (d.metadata as { resourceVersion?: string }).resourceVersion = updated.metadata?.resourceVersion;
}

/** The status fields with wire defaults filled, so cached and computed statuses compare equal. */
export function normalizeDeploymentStatus(s: Readonly<DeploymentStatus> | undefined): DeploymentStatus {
  const out: DeploymentStatus = {
    observedGeneration: s?.observedGeneration ?? 0,
    replicas: s?.replicas ?? 0,
    updatedReplicas: s?.updatedReplicas ?? 0,
    readyReplicas: s?.readyReplicas ?? 0,
    availableReplicas: s?.availableReplicas ?? 0,
    unavailableReplicas: s?.unavailableReplicas ?? 0,
    conditions: structuredClone(s?.conditions ?? []) as DeploymentStatus['conditions'],
  };
  if (s?.collisionCount !== undefined && s.collisionCount !== null) out.collisionCount = s.collisionCount;
  return out;
}

/** The wire form of a status: zero counts and empty lists left out, as upstream's omitempty. */
export function wireStatus(s: DeploymentStatus): DeploymentStatus {
  const out: DeploymentStatus = {};
  for (const [k, v] of Object.entries(s) as [keyof DeploymentStatus, unknown][]) {
    if (v === 0 && k !== 'collisionCount') continue;
    if (Array.isArray(v) && v.length === 0) continue;
    if (v === undefined) continue;
    (out as Record<string, unknown>)[k] = v;
  }
  return out;
}

export function statusEqual(a: Readonly<DeploymentStatus> | undefined, b: Readonly<DeploymentStatus> | undefined): boolean {
  return isDeepStrictEqual(normalizeDeploymentStatus(a), normalizeDeploymentStatus(b));
}

/** getAllReplicaSetsAndSyncRevision. */
export async function getAllReplicaSetsAndSyncRevision(ctx: SyncContext, d: WorkingDeployment, rsList: readonly RS[], createIfNotExisted: boolean): Promise<{ newRS?: RS; oldRSs: RS[] }> {
  const oldRSs = findOldReplicaSets(d, rsList);
  const newRS = await getNewReplicaSet(ctx, d, rsList, oldRSs, createIfNotExisted);
  return { newRS, oldRSs };
}

/**
 * getNewReplicaSet: the existing new ReplicaSet with its revision brought up to date, or (when
 * asked) a new one named `<deployment>-<pod-template-hash>`; a name taken by another template bumps
 * status.collisionCount and fails the sync so the next one hashes differently.
 */
export async function getNewReplicaSet(ctx: SyncContext, d: WorkingDeployment, rsList: readonly RS[], oldRSs: readonly RS[], createIfNotExisted: boolean): Promise<RS | undefined> {
  const existing = findNewReplicaSet(d, rsList);
  const newRevision = String(maxRevision(oldRSs) + 1);
  if (existing) {
    const copy = structuredClone(existing) as KReplicaSet;
    const annotations = { ...(copy.metadata?.annotations ?? {}) };
    const annotationsUpdated = setNewReplicaSetAnnotations(d, annotations, newRevision, true);
    const minReadyNeedsUpdate = (copy.spec?.minReadySeconds ?? 0) !== (d.spec.minReadySeconds ?? 0);
    if (annotationsUpdated || minReadyNeedsUpdate) {
      copy.metadata = { ...copy.metadata, annotations };
      copy.spec = { ...copy.spec!, minReadySeconds: d.spec.minReadySeconds ?? 0 };
      return rsClient(ctx).update(copy);
    }
    let needsUpdate = setDeploymentRevision(d, annotations[REVISION_ANNOTATION] ?? '');
    if (hasProgressDeadline(d) && !getDeploymentCondition(d.status, 'Progressing')) {
      setDeploymentCondition(d.status, newDeploymentCondition('Progressing', 'True', FOUND_NEW_RS_REASON, `Found new replica set "${copy.metadata?.name}"`, ctx.now()));
      needsUpdate = true;
    }
    if (needsUpdate) await updateDeploymentStatus(ctx, d);
    return copy;
  }
  if (!createIfNotExisted) return undefined;

  const template = structuredClone(d.spec.template);
  const hash = computeHash(template, d.status.collisionCount ?? undefined);
  const labels = { ...(template.metadata?.labels ?? {}), [DEFAULT_DEPLOYMENT_UNIQUE_LABEL_KEY]: hash };
  const selector = structuredClone(d.spec.selector);
  selector.matchLabels = { ...(selector.matchLabels ?? {}), [DEFAULT_DEPLOYMENT_UNIQUE_LABEL_KEY]: hash };
  const name = `${d.metadata.name}-${hash}`;
  const newRS: KReplicaSet = {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: {
      name,
      namespace: d.metadata.namespace,
      ownerReferences: [newControllerRef(d, 'apps/v1', 'Deployment')],
      labels,
      annotations: {},
    },
    spec: {
      replicas: 0,
      minReadySeconds: d.spec.minReadySeconds ?? 0,
      selector,
      template: { ...template, metadata: { ...template.metadata, labels } },
    },
  };
  const newReplicas = newRSNewReplicas(d, [...oldRSs, newRS], newRS);
  newRS.spec!.replicas = newReplicas;
  setNewReplicaSetAnnotations(d, newRS.metadata!.annotations!, newRevision, false);

  let created: RS;
  let alreadyExists = false;
  try {
    created = await rsClient(ctx).create(newRS);
  } catch (err) {
    if (isAlreadyExists(err)) {
      alreadyExists = true;
      const rs = ctx.replicaSets.getByKey(`${d.metadata.namespace}/${name}`) ?? await rsClient(ctx).get(name, d.metadata.namespace);
      const ref = getControllerOf(rs);
      if (ref && ref.uid === d.metadata.uid && equalIgnoreHash(d.spec.template, rs.spec?.template)) {
        created = rs;
      } else {
        // A hash collision: bump collisionCount so the next sync computes another name.
        d.status.collisionCount = (d.status.collisionCount ?? 0) + 1;
        try {
          await updateDeploymentStatus(ctx, d);
          ctx.logger.info({ deployment: `${d.metadata.namespace}/${d.metadata.name}`, collisionCount: d.status.collisionCount }, 'found a hash collision for deployment - bumping collisionCount to resolve it');
        } catch {
          // The next sync retries.
        }
        throw err;
      }
    } else if (hasStatusCause(err, NAMESPACE_TERMINATING_CAUSE)) {
      throw err;
    } else {
      const msg = `Failed to create new replica set "${name}": ${errorMessage(err)}`;
      if (hasProgressDeadline(d)) {
        setDeploymentCondition(d.status, newDeploymentCondition('Progressing', 'False', FAILED_RS_CREATE_REASON, msg, ctx.now()));
        await updateDeploymentStatus(ctx, d).catch(() => undefined);
      }
      ctx.recorder.event(eventTarget(d as unknown as KubeObject, 'apps/v1', 'Deployment'), 'Warning', FAILED_RS_CREATE_REASON, msg);
      throw err;
    }
  }
  if (!alreadyExists && newReplicas > 0) {
    ctx.recorder.eventf(eventTarget(d as unknown as KubeObject, 'apps/v1', 'Deployment'), 'Normal', 'ScalingReplicaSet', 'Scaled up replica set %s from 0 to %d', created.metadata?.name, newReplicas);
  }
  let needsUpdate = setDeploymentRevision(d, newRevision);
  if (!alreadyExists && hasProgressDeadline(d)) {
    setDeploymentCondition(d.status, newDeploymentCondition('Progressing', 'True', NEW_RS_REASON, `Created new replica set "${created.metadata?.name}"`, ctx.now()));
    needsUpdate = true;
  }
  if (needsUpdate) await updateDeploymentStatus(ctx, d);
  return created;
}

/** scaleReplicaSet: sets replicas and the replicas annotations; ScalingReplicaSet event when the size changed. */
export async function scaleReplicaSet(ctx: SyncContext, rs: RS, newScale: number, d: WorkingDeployment, operation: string): Promise<{ scaled: boolean; rs: RS }> {
  const sizeNeedsUpdate = replicasOf(rs) !== newScale;
  const desired = d.spec.replicas ?? 1;
  const max = desired + maxSurge(d);
  const annotationsNeedUpdate = replicasAnnotationsNeedUpdate(rs, desired, max);
  if (!sizeNeedsUpdate && !annotationsNeedUpdate) return { scaled: false, rs };
  const oldScale = replicasOf(rs);
  const copy = structuredClone(rs) as KReplicaSet;
  const annotations = { ...(copy.metadata?.annotations ?? {}) };
  setReplicasAnnotations(annotations, desired, max);
  copy.metadata = { ...copy.metadata, annotations };
  copy.spec = { ...copy.spec!, replicas: newScale };
  const updated = await rsClient(ctx).update(copy);
  if (sizeNeedsUpdate) {
    ctx.recorder.eventf(eventTarget(d as unknown as KubeObject, 'apps/v1', 'Deployment'), 'Normal', 'ScalingReplicaSet', 'Scaled %s replica set %s from %d to %d', operation, updated.metadata?.name, oldScale, newScale);
  }
  return { scaled: sizeNeedsUpdate, rs: updated };
}

/** scaleReplicaSetAndRecordEvent. */
export async function scaleReplicaSetAndRecordEvent(ctx: SyncContext, rs: RS, newScale: number, d: WorkingDeployment): Promise<{ scaled: boolean; rs: RS }> {
  if (replicasOf(rs) === newScale) return { scaled: false, rs };
  return scaleReplicaSet(ctx, rs, newScale, d, replicasOf(rs) < newScale ? 'up' : 'down');
}

/**
 * scale: a replicas change of the deployment. One active ReplicaSet takes it all; a saturated new
 * ReplicaSet lets old ones go to 0; otherwise the change is spread proportionally across active
 * ReplicaSets (largest first) with the leftover on the first.
 */
export async function scale(ctx: SyncContext, d: WorkingDeployment, newRS: RS | undefined, oldRSs: readonly RS[]): Promise<void> {
  const replicas = d.spec.replicas ?? 1;
  const activeOrLatest = findActiveOrLatest(newRS, oldRSs);
  if (activeOrLatest) {
    if (replicasOf(activeOrLatest) === replicas) return;
    await scaleReplicaSetAndRecordEvent(ctx, activeOrLatest, replicas, d);
    return;
  }
  if (isSaturated(d, newRS)) {
    for (const old of filterActiveReplicaSets(oldRSs)) await scaleReplicaSetAndRecordEvent(ctx, old, 0, d);
    return;
  }
  if (!isRollingUpdate(d)) return;
  const allRSs = filterActiveReplicaSets([...oldRSs, newRS]);
  const allowed = replicas > 0 ? replicas + maxSurge(d) : 0;
  const toAdd = allowed - replicaCount(allRSs);
  let operation = '';
  if (toAdd > 0) {
    allRSs.sort(bySizeNewer);
    operation = 'up';
  } else if (toAdd < 0) {
    allRSs.sort(bySizeOlder);
    operation = 'down';
  }
  let added = 0;
  const sizes = new Map<string, number>();
  for (const rs of allRSs) {
    if (toAdd !== 0) {
      const proportion = getProportion(rs, d, toAdd, added);
      sizes.set(rs.metadata!.name!, replicasOf(rs) + proportion);
      added += proportion;
    } else {
      sizes.set(rs.metadata!.name!, replicasOf(rs));
    }
  }
  for (let i = 0; i < allRSs.length; i++) {
    const rs = allRSs[i];
    if (i === 0 && toAdd !== 0) sizes.set(rs.metadata!.name!, Math.max(0, sizes.get(rs.metadata!.name!)! + toAdd - added));
    await scaleReplicaSet(ctx, rs, sizes.get(rs.metadata!.name!)!, d, operation);
  }
}

/** isScalingEvent: an active ReplicaSet's desired-replicas annotation differs from spec.replicas. */
export async function isScalingEvent(ctx: SyncContext, d: WorkingDeployment, rsList: readonly RS[]): Promise<boolean> {
  const { newRS, oldRSs } = await getAllReplicaSetsAndSyncRevision(ctx, d, rsList, false);
  for (const rs of filterActiveReplicaSets([...oldRSs, newRS])) {
    const desired = desiredReplicasAnnotation(rs);
    if (desired === undefined) continue;
    if (desired !== (d.spec.replicas ?? 1)) return true;
  }
  return false;
}

/** cleanupDeployment: deletes the oldest fully scaled-down ReplicaSets beyond revisionHistoryLimit. */
export async function cleanupDeployment(ctx: SyncContext, oldRSs: readonly RS[], d: WorkingDeployment): Promise<void> {
  if (!hasRevisionHistoryLimit(d)) return;
  const cleanable = oldRSs.filter((rs) => !rs.metadata?.deletionTimestamp).sort(byRevision);
  const diff = cleanable.length - d.spec.revisionHistoryLimit!;
  for (let i = 0; i < diff; i++) {
    const rs = cleanable[i];
    if ((rs.status?.replicas ?? 0) !== 0 || replicasOf(rs) !== 0 || (rs.metadata?.generation ?? 0) > (rs.status?.observedGeneration ?? 0) || rs.metadata?.deletionTimestamp) continue;
    ctx.logger.debug({ replicaSet: rs.metadata?.name }, 'trying to clean up replica set for deployment');
    try {
      await rsClient(ctx).delete(rs.metadata!.name!, {}, rs.metadata?.namespace);
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }
}

/** calculateStatus: counts summed over the ReplicaSets and the Available condition. */
export function calculateStatus(allRSs: readonly (RS | undefined)[], newRS: RS | undefined, d: WorkingDeployment, nowMs: number): DeploymentStatus {
  const available = availableReplicaCount(allRSs);
  const total = replicaCount(allRSs);
  const status: DeploymentStatus = {
    observedGeneration: d.metadata.generation ?? 0,
    replicas: actualReplicaCount(allRSs),
    updatedReplicas: actualReplicaCount([newRS]),
    readyReplicas: readyReplicaCount(allRSs),
    availableReplicas: available,
    unavailableReplicas: Math.max(0, total - available),
    conditions: structuredClone(d.status.conditions ?? []) as DeploymentStatus['conditions'],
  };
  if (d.status.collisionCount !== undefined && d.status.collisionCount !== null) status.collisionCount = d.status.collisionCount;
  if (available >= (d.spec.replicas ?? 1) - maxUnavailable(d)) {
    setDeploymentCondition(status, newDeploymentCondition('Available', 'True', MINIMUM_REPLICAS_AVAILABLE, 'Deployment has minimum availability.', nowMs));
  } else {
    setDeploymentCondition(status, newDeploymentCondition('Available', 'False', MINIMUM_REPLICAS_UNAVAILABLE, 'Deployment does not have minimum availability.', nowMs));
  }
  return status;
}

/** syncDeploymentStatus: writes calculateStatus when it differs. */
export async function syncDeploymentStatus(ctx: SyncContext, allRSs: readonly (RS | undefined)[], newRS: RS | undefined, d: WorkingDeployment): Promise<void> {
  const newStatus = calculateStatus(allRSs, newRS, d, ctx.now());
  if (statusEqual(d.status, newStatus)) return;
  d.status = wireStatus(newStatus);
  await updateDeploymentStatus(ctx, d);
}

/** checkPausedConditions: Progressing Unknown DeploymentPaused / DeploymentResumed. */
export async function checkPausedConditions(ctx: SyncContext, d: WorkingDeployment): Promise<void> {
  if (!hasProgressDeadline(d)) return;
  const cond = getDeploymentCondition(d.status, 'Progressing');
  if (cond?.reason === TIMED_OUT_REASON) return;
  const pausedCondExists = cond?.reason === PAUSED_DEPLOY_REASON;
  if (d.spec.paused && !pausedCondExists) {
    setDeploymentCondition(d.status, newDeploymentCondition('Progressing', 'Unknown', PAUSED_DEPLOY_REASON, 'Deployment is paused', ctx.now()));
  } else if (!d.spec.paused && pausedCondExists) {
    setDeploymentCondition(d.status, newDeploymentCondition('Progressing', 'Unknown', RESUMED_DEPLOY_REASON, 'Deployment is resumed', ctx.now()));
  } else {
    return;
  }
  await updateDeploymentStatus(ctx, d);
}

/** sync: scaling and paused deployments — scale, clean up while paused, write status. */
export async function sync(ctx: SyncContext, d: WorkingDeployment, rsList: readonly RS[]): Promise<void> {
  const { newRS, oldRSs } = await getAllReplicaSetsAndSyncRevision(ctx, d, rsList, false);
  await scale(ctx, d, newRS, oldRSs);
  if (d.spec.paused) await cleanupDeployment(ctx, oldRSs, d);
  await syncDeploymentStatus(ctx, [...oldRSs, newRS], newRS, d);
}
