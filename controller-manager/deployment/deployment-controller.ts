// The Deployment controller (upstream pkg/controller/deployment, v1.32): claims ReplicaSets by
// selector and drives them through RollingUpdate or Recreate rollouts, scaling, pausing and
// revision history, writing the deployment's status and conditions. It writes ReplicaSets and the
// deployment's status only; pods are the ReplicaSet controller's.
import type { Logger } from 'pino';
import type { Pod } from '../../api/types.js';
import { selectorFromLabelSelector, type Selector } from '../../api/labels.js';
import { type Client, type EventRecorder, type Informer, type KubeObject, type WorkQueue } from '../../client/index.js';
import type { ReconcileResult } from '../controller.js';
import { eventTarget } from '../shared/events.js';
import { errorMessage } from '../shared/errors.js';
import { getControllerOf } from '../shared/owner-refs.js';
import { claimObjects, recheckDeletionTimestamp } from '../shared/ref-manager.js';
import { rolloutRecreate, type PodMap } from './recreate.js';
import { rolloutRolling } from './rolling.js';
import {
  checkPausedConditions, getAllReplicaSetsAndSyncRevision, isScalingEvent, sync, syncDeploymentStatus, updateDeploymentStatus,
  type KDeployment, type KReplicaSet, type SyncContext,
} from './sync.js';
import type { RS, WorkingDeployment } from './util.js';

type KPod = Pod & KubeObject;

export interface DeploymentControllerOptions {
  client: Client;
  deployments: Informer<KDeployment>;
  replicaSets: Informer<KReplicaSet>;
  pods: Informer<KPod>;
  queue: WorkQueue<string>;
  recorder: EventRecorder;
  logger: Logger;
  now?: () => number;
}

const keyFor = (obj: Readonly<KubeObject>) => `${obj.metadata?.namespace ?? ''}/${obj.metadata?.name ?? ''}`;

export class DeploymentController {
  private readonly now: () => number;

  constructor(private readonly o: DeploymentControllerOptions) {
    this.now = o.now ?? Date.now;
  }

  /** Registers the informer handlers; call before the informers start. */
  registerHandlers(): void {
    const { deployments, replicaSets, pods, queue } = this.o;
    deployments.on('add', (d) => queue.add(keyFor(d)));
    deployments.on('update', (_old, cur) => queue.add(keyFor(cur)));
    deployments.on('delete', (d) => queue.add(keyFor(d)));
    replicaSets.on('add', (rs) => this.addReplicaSet(rs));
    replicaSets.on('update', (old, cur) => this.updateReplicaSet(old, cur));
    replicaSets.on('delete', (rs) => this.deleteReplicaSet(rs));
    pods.on('delete', (pod) => this.deletePod(pod));
  }

  private resolveControllerRef(namespace: string | undefined, ref: { kind: string; name: string; uid: string } | undefined): Readonly<KDeployment> | undefined {
    if (!ref || ref.kind !== 'Deployment') return undefined;
    const d = this.o.deployments.store.getByKey(`${namespace}/${ref.name}`);
    return d && d.metadata?.uid === ref.uid ? d : undefined;
  }

  /** getDeploymentsForReplicaSet: deployments whose selector matches an orphan ReplicaSet. */
  private deploymentsFor(rs: Readonly<KReplicaSet>): Readonly<KDeployment>[] {
    return this.o.deployments.store.byIndex('byNamespace', rs.metadata?.namespace ?? '').filter((d) => {
      try {
        const sel = selectorFromLabelSelector(d.spec?.selector);
        return !sel.empty() && sel.matches(rs.metadata?.labels ?? {});
      } catch {
        return false;
      }
    });
  }

  private addReplicaSet(rs: Readonly<KReplicaSet>): void {
    if (rs.metadata?.deletionTimestamp) {
      this.deleteReplicaSet(rs);
      return;
    }
    const ref = getControllerOf(rs);
    if (ref) {
      const d = this.resolveControllerRef(rs.metadata?.namespace, ref);
      if (d) this.o.queue.add(keyFor(d));
      return;
    }
    for (const d of this.deploymentsFor(rs)) this.o.queue.add(keyFor(d));
  }

  private updateReplicaSet(old: Readonly<KReplicaSet>, cur: Readonly<KReplicaSet>): void {
    if (old.metadata?.resourceVersion === cur.metadata?.resourceVersion) return;
    const curRef = getControllerOf(cur);
    const oldRef = getControllerOf(old);
    if (JSON.stringify(curRef) !== JSON.stringify(oldRef) && oldRef) {
      const d = this.resolveControllerRef(old.metadata?.namespace, oldRef);
      if (d) this.o.queue.add(keyFor(d));
    }
    if (curRef) {
      const d = this.resolveControllerRef(cur.metadata?.namespace, curRef);
      if (d) this.o.queue.add(keyFor(d));
      return;
    }
    const labelChanged = JSON.stringify(old.metadata?.labels ?? {}) !== JSON.stringify(cur.metadata?.labels ?? {});
    if (labelChanged || JSON.stringify(curRef) !== JSON.stringify(oldRef)) for (const d of this.deploymentsFor(cur)) this.o.queue.add(keyFor(d));
  }

  private deleteReplicaSet(rs: Readonly<KReplicaSet>): void {
    const d = this.resolveControllerRef(rs.metadata?.namespace, getControllerOf(rs));
    if (d) this.o.queue.add(keyFor(d));
  }

  /** deletePod: a Recreate rollout waits for old pods to be gone. */
  private deletePod(pod: Readonly<KPod>): void {
    const rsRef = getControllerOf(pod);
    if (!rsRef || rsRef.kind !== 'ReplicaSet') return;
    const rs = this.o.replicaSets.store.getByKey(`${pod.metadata?.namespace}/${rsRef.name}`);
    if (!rs || rs.metadata?.uid !== rsRef.uid) return;
    const d = this.resolveControllerRef(rs.metadata?.namespace, getControllerOf(rs));
    if (d && d.spec?.strategy?.type === 'Recreate') this.o.queue.add(keyFor(d));
  }

  private syncContext(): SyncContext {
    return { client: this.o.client, recorder: this.o.recorder, replicaSets: this.o.replicaSets.store, logger: this.o.logger, now: this.now };
  }

  /** getReplicaSetsForDeployment: claim ReplicaSets by the deployment's selector. */
  private async replicaSetsFor(d: WorkingDeployment, selector: Selector): Promise<RS[]> {
    const namespace = d.metadata.namespace ?? '';
    const deployments = this.o.client.resource<KDeployment>('deployments.apps');
    return claimObjects<KReplicaSet>(this.o.replicaSets.store.byIndex('byNamespace', namespace), {
      owner: d as unknown as KubeObject,
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      match: (rs) => selector.matches(rs.metadata?.labels ?? {}),
      client: this.o.client.resource<KReplicaSet>('replicasets.apps'),
      canAdopt: recheckDeletionTimestamp(() => deployments.get(d.metadata.name!, namespace), d as unknown as KubeObject, 'Deployment'),
    }) as Promise<RS[]>;
  }

  /** getPodMapForDeployment: the deployment's pods by the uid of their ReplicaSet. */
  private podMapFor(d: WorkingDeployment, selector: Selector, rsList: readonly RS[]): PodMap {
    const map: PodMap = new Map();
    for (const rs of rsList) map.set(rs.metadata!.uid!, []);
    for (const pod of this.o.pods.store.byIndex('byNamespace', d.metadata.namespace ?? '')) {
      if (!selector.matches(pod.metadata?.labels ?? {})) continue;
      const ref = getControllerOf(pod);
      if (!ref || !map.has(ref.uid)) continue;
      (map.get(ref.uid) as Readonly<Pod>[]).push(pod);
    }
    return map;
  }

  /** syncDeployment. */
  async reconcile(key: string): Promise<ReconcileResult | void> {
    const cached = this.o.deployments.store.getByKey(key);
    if (!cached) return;
    const ctx = this.syncContext();
    const d = structuredClone(cached) as unknown as WorkingDeployment;
    d.status = structuredClone(cached.status ?? {}) as WorkingDeployment['status'];
    const selectorSpec = d.spec.selector;
    if (selectorSpec && Object.keys(selectorSpec.matchLabels ?? {}).length === 0 && (selectorSpec.matchExpressions ?? []).length === 0) {
      this.o.recorder.event(eventTarget(cached, 'apps/v1', 'Deployment'), 'Warning', 'SelectingAll', 'This deployment is selecting all pods. A non-empty selector is required.');
      if ((d.status.observedGeneration ?? 0) < (d.metadata.generation ?? 0)) {
        d.status.observedGeneration = d.metadata.generation;
        await updateDeploymentStatus(ctx, d);
      }
      return;
    }
    let selector: Selector;
    try {
      selector = selectorFromLabelSelector(d.spec.selector);
    } catch (err) {
      this.o.logger.error({ deployment: key, err: errorMessage(err) }, 'invalid selector');
      return;
    }
    const rsList = await this.replicaSetsFor(d, selector);
    const podMap = this.podMapFor(d, selector, rsList);
    if (d.metadata.deletionTimestamp) {
      // syncStatusOnly.
      const { newRS, oldRSs } = await getAllReplicaSetsAndSyncRevision(ctx, d, rsList, false);
      await syncDeploymentStatus(ctx, [...oldRSs, newRS], newRS, d);
      return;
    }
    await checkPausedConditions(ctx, d);
    if (d.spec.paused) {
      await sync(ctx, d, rsList);
      return;
    }
    if (await isScalingEvent(ctx, d, rsList)) {
      await sync(ctx, d, rsList);
      return;
    }
    const requeueAfterMs = (d.spec.strategy?.type ?? 'RollingUpdate') === 'Recreate'
      ? await rolloutRecreate(ctx, d, rsList, podMap)
      : await rolloutRolling(ctx, d, rsList);
    if (requeueAfterMs !== undefined) return { requeueAfterMs };
  }
}

