// The ReplicaSet controller (upstream pkg/controller/replicaset, v1.32): keeps spec.replicas active
// pods per ReplicaSet — claiming pods by selector, creating in slow-start batches, deleting in
// ActivePods order — guarded by expectations, and writes the ReplicaSet's status. It writes pods and
// ReplicaSet status only; it never changes a ReplicaSet's spec.
import type { Logger } from 'pino';
import type { Pod, ReplicaSet } from '../../api/types.js';
import { selectorFromLabelSelector, type Selector } from '../../api/labels.js';
import { splitKey, type Client, type EventRecorder, type Informer, type KubeObject, type WorkQueue } from '../../client/index.js';
import type { ReconcileResult } from '../controller.js';
import { sortPodsForDeletion } from '../shared/active-pods.js';
import { errorMessage, hasStatusCause, isNotFound, NAMESPACE_TERMINATING_CAUSE } from '../shared/errors.js';
import { UIDTrackingControllerExpectations } from '../shared/expectations.js';
import { getControllerOf, newControllerRef } from '../shared/owner-refs.js';
import { PodControl } from '../shared/pod-control.js';
import { filterActivePods, isPodReady, podKey } from '../shared/pods.js';
import { claimObjects, recheckDeletionTimestamp } from '../shared/ref-manager.js';
import { SLOW_START_INITIAL_BATCH_SIZE, slowStartBatch } from '../shared/slow-start.js';
import { calculateStatus, updateReplicaSetStatus } from './status.js';

/** upstream BurstReplicas: at most this many creations or deletions per sync. */
export const BURST_REPLICAS = 500;

type KPod = Pod & KubeObject;
type KReplicaSet = ReplicaSet & KubeObject;

export interface ReplicaSetControllerOptions {
  client: Client;
  replicaSets: Informer<KReplicaSet>;
  pods: Informer<KPod>;
  queue: WorkQueue<string>;
  recorder: EventRecorder;
  logger: Logger;
  now?: () => number;
  burstReplicas?: number;
}

const keyFor = (obj: Readonly<KubeObject>) => `${obj.metadata?.namespace ?? ''}/${obj.metadata?.name ?? ''}`;

export class ReplicaSetController {
  readonly expectations: UIDTrackingControllerExpectations;
  private readonly now: () => number;
  private readonly burst: number;
  private readonly podControl: PodControl;

  constructor(private readonly o: ReplicaSetControllerOptions) {
    this.now = o.now ?? Date.now;
    this.burst = o.burstReplicas ?? BURST_REPLICAS;
    this.expectations = new UIDTrackingControllerExpectations(this.now);
    this.podControl = new PodControl(o.client.resource<KPod>('pods'), o.recorder);
  }

  /** Registers the informer handlers; call before the informers start. */
  registerHandlers(): void {
    const { replicaSets, pods, queue } = this.o;
    replicaSets.on('add', (rs) => queue.add(keyFor(rs)));
    replicaSets.on('update', (_old, cur) => queue.add(keyFor(cur)));
    replicaSets.on('delete', (rs) => {
      const key = keyFor(rs);
      this.expectations.deleteExpectations(key);
      queue.add(key);
    });
    pods.on('add', (pod) => this.addPod(pod));
    pods.on('update', (old, cur) => this.updatePod(old, cur));
    pods.on('delete', (pod) => this.deletePod(pod));
  }

  /** resolveControllerRef: the ReplicaSet a controllerRef names, if it is still that one (uid). */
  private resolveControllerRef(namespace: string | undefined, ref: { kind: string; name: string; uid: string } | undefined): Readonly<KReplicaSet> | undefined {
    if (!ref || ref.kind !== 'ReplicaSet') return undefined;
    const rs = this.o.replicaSets.store.getByKey(`${namespace}/${ref.name}`);
    return rs && rs.metadata?.uid === ref.uid ? rs : undefined;
  }

  /** getPodReplicaSets: ReplicaSets whose selector matches an orphan pod. */
  private podReplicaSets(pod: Readonly<KPod>): Readonly<KReplicaSet>[] {
    const ns = pod.metadata?.namespace ?? '';
    return this.o.replicaSets.store.byIndex('byNamespace', ns).filter((rs) => {
      try {
        const sel = selectorFromLabelSelector(rs.spec?.selector);
        return !sel.empty() && sel.matches(pod.metadata?.labels ?? {});
      } catch {
        return false;
      }
    });
  }

  private addPod(pod: Readonly<KPod>): void {
    if (pod.metadata?.deletionTimestamp) {
      this.deletePod(pod);
      return;
    }
    const ref = getControllerOf(pod);
    if (ref) {
      const rs = this.resolveControllerRef(pod.metadata?.namespace, ref);
      if (!rs) return;
      const key = keyFor(rs);
      this.expectations.creationObserved(key);
      this.o.queue.add(key);
      return;
    }
    for (const rs of this.podReplicaSets(pod)) this.o.queue.add(keyFor(rs));
  }

  private updatePod(old: Readonly<KPod>, cur: Readonly<KPod>): void {
    if (old.metadata?.resourceVersion === cur.metadata?.resourceVersion) return;
    const labelChanged = JSON.stringify(old.metadata?.labels ?? {}) !== JSON.stringify(cur.metadata?.labels ?? {});
    if (cur.metadata?.deletionTimestamp) {
      this.deletePod(cur);
      if (labelChanged) this.deletePod(old);
      return;
    }
    const curRef = getControllerOf(cur);
    const oldRef = getControllerOf(old);
    const refChanged = JSON.stringify(curRef) !== JSON.stringify(oldRef);
    if (refChanged && oldRef) {
      const rs = this.resolveControllerRef(old.metadata?.namespace, oldRef);
      if (rs) this.o.queue.add(keyFor(rs));
    }
    if (curRef) {
      const rs = this.resolveControllerRef(cur.metadata?.namespace, curRef);
      if (!rs) return;
      this.o.queue.add(keyFor(rs));
      const minReady = rs.spec?.minReadySeconds ?? 0;
      if (!isPodReady(old) && isPodReady(cur) && minReady > 0) this.o.queue.addAfter(keyFor(rs), minReady * 1000 + 1000);
      return;
    }
    if (labelChanged || refChanged) for (const rs of this.podReplicaSets(cur)) this.o.queue.add(keyFor(rs));
  }

  private deletePod(pod: Readonly<KPod>): void {
    const rs = this.resolveControllerRef(pod.metadata?.namespace, getControllerOf(pod));
    if (!rs) return;
    const key = keyFor(rs);
    this.expectations.deletionObservedOf(key, podKey(pod));
    this.o.queue.add(key);
  }

  /** syncReplicaSet. */
  async reconcile(key: string): Promise<ReconcileResult | void> {
    const { namespace = '' } = splitKey(key);
    const rs = this.o.replicaSets.store.getByKey(key);
    if (!rs) {
      this.expectations.deleteExpectations(key);
      return;
    }
    const log = this.o.logger.child({ replicaSet: key });
    let selector: Selector;
    try {
      selector = selectorFromLabelSelector(rs.spec?.selector);
    } catch (err) {
      log.error({ err: errorMessage(err) }, 'error converting pod selector to selector');
      return;
    }
    const needsSync = this.expectations.satisfiedExpectations(key);
    const active = filterActivePods(this.o.pods.store.byIndex('byNamespace', namespace));
    const rsClient = this.o.client.resource<KReplicaSet>('replicasets.apps');
    const owned = await claimObjects<KPod>(active, {
      owner: rs,
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      match: (pod) => selector.matches(pod.metadata?.labels ?? {}),
      client: this.o.client.resource<KPod>('pods'),
      canAdopt: recheckDeletionTimestamp(() => rsClient.get(rs.metadata!.name!, namespace), rs, 'ReplicaSet'),
    });
    let manageErr: unknown;
    if (needsSync && !rs.metadata?.deletionTimestamp) {
      try {
        await this.manageReplicas(owned, rs, key);
      } catch (err) {
        manageErr = err;
      }
    }
    const now = this.now();
    const newStatus = calculateStatus(rs, owned, manageErr, now);
    const updated = await updateReplicaSetStatus(rsClient, rs, newStatus);
    if (manageErr !== undefined) throw manageErr;
    const replicas = updated.spec?.replicas ?? 1;
    const minReady = updated.spec?.minReadySeconds ?? 0;
    if (minReady > 0 && (updated.status?.readyReplicas ?? 0) === replicas && (updated.status?.availableReplicas ?? 0) !== replicas) {
      return { requeueAfterMs: minReady * 1000 };
    }
  }

  /** manageReplicas: create or delete the difference, at most burstReplicas per sync. */
  private async manageReplicas(filteredPods: readonly Readonly<KPod>[], rs: Readonly<KReplicaSet>, key: string): Promise<void> {
    const namespace = rs.metadata?.namespace ?? '';
    let diff = filteredPods.length - (rs.spec?.replicas ?? 1);
    if (diff < 0) {
      diff = Math.min(-diff, this.burst);
      // Expect before creating: a watch event may arrive before create() returns.
      this.expectations.expectCreations(key, diff);
      const ref = newControllerRef(rs, 'apps/v1', 'ReplicaSet');
      this.o.logger.debug({ replicaSet: key, need: rs.spec?.replicas, creating: diff }, 'too few replicas');
      const { successes, error } = await slowStartBatch(diff, SLOW_START_INITIAL_BATCH_SIZE, async () => {
        try {
          await this.podControl.createPod(namespace, rs.spec!.template!, rs, ref);
        } catch (err) {
          if (hasStatusCause(err, NAMESPACE_TERMINATING_CAUSE)) return;
          throw err;
        }
      });
      // Creations never attempted will never be observed.
      for (let i = 0; i < diff - successes; i++) this.expectations.creationObserved(key);
      if (error !== undefined) throw error;
    } else if (diff > 0) {
      diff = Math.min(diff, this.burst);
      this.o.logger.debug({ replicaSet: key, need: rs.spec?.replicas, deleting: diff }, 'too many replicas');
      const toDelete = sortPodsForDeletion(filteredPods, this.indirectlyRelatedPods(rs), this.now()).slice(0, diff);
      this.expectations.expectDeletionsOf(key, toDelete.map(podKey));
      const errors: unknown[] = [];
      await Promise.all(toDelete.map(async (pod) => {
        try {
          await this.podControl.deletePod(namespace, pod.metadata!.name!, rs, 'apps/v1', 'ReplicaSet');
        } catch (err) {
          // The deletion will never be observed: lower the expectation now.
          this.expectations.deletionObservedOf(key, podKey(pod));
          if (!isNotFound(err)) errors.push(err);
        }
      }));
      if (errors.length) throw errors[0];
    }
  }

  /** getIndirectlyRelatedPods: pods of every ReplicaSet with the same controller (e.g. one Deployment's). */
  private indirectlyRelatedPods(rs: Readonly<KReplicaSet>): Readonly<KPod>[] {
    const ref = getControllerOf(rs);
    if (!ref) return [];
    const ns = rs.metadata?.namespace ?? '';
    const seen = new Set<string>();
    const out: Readonly<KPod>[] = [];
    const pods = this.o.pods.store.byIndex('byNamespace', ns);
    for (const related of this.o.replicaSets.store.byIndex('byNamespace', ns)) {
      if (getControllerOf(related)?.uid !== ref.uid) continue;
      let sel: Selector;
      try {
        sel = selectorFromLabelSelector(related.spec?.selector);
      } catch {
        continue;
      }
      for (const pod of pods) {
        const uid = pod.metadata?.uid ?? '';
        if (seen.has(uid) || !sel.matches(pod.metadata?.labels ?? {})) continue;
        seen.add(uid);
        out.push(pod);
      }
    }
    return out;
  }
}
