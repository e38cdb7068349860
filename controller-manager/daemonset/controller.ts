// The DaemonSet controller (upstream pkg/controller/daemon): one pod per eligible node, placed by
// the scheduler through a `metadata.name In [node]` affinity term, RollingUpdate/OnDelete, history
// as ControllerRevisions, status. Reads only informer caches; writes pods, revisions, DS status.
// Must never bind pods itself (spec.nodeName is the scheduler's) nor create a pod its expectations do not cover.
import type { Logger } from 'pino';
import type { ControllerRevision, DaemonSet, Node, Pod } from '../history/types.js';
import { ConflictError, keyOf, NotFoundError, splitKey, type Client, type EventRecorder, type KubeObject, type WorkQueue } from '../../client/index.js';
import type { ControllerDescriptor } from '../context.js';
import { newQueue, runWhenSynced, type ReconcileResult } from '../controller.js';
import type { InformerFactory } from '../informer-factory.js';
import { selectorFromLabelSelector } from '../../api/labels.js';
import { claimPods } from '../history/ownership.js';
import { controllerOf, type OwnerReference } from '../history/revisions.js';
import { Expectations } from './expectations.js';
import { FailedPodBackoff } from './failed-pod-backoff.js';
import { cleanupHistory, constructHistory } from './history.js';
import { planManage } from './manage.js';
import { groupByNode } from './node-pods.js';
import { newDaemonPod } from './pod-template.js';
import { planRollingUpdate } from './rolling-update.js';
import { computeStatus, type DaemonSetCounts } from './status.js';

export const COMPONENT = 'daemonset-controller';
/** upstream BurstReplicas: at most this many creations or deletions per sync. */
const BURST_REPLICAS = 250;

export interface DaemonSetControllerOptions {
  client: Client;
  informers: Pick<InformerFactory, 'informer'>;
  recorder: EventRecorder;
  logger: Logger;
  now?: () => number;
}

export interface DaemonSetController {
  queue: WorkQueue<string>;
  reconcile(key: string): Promise<ReconcileResult | void>;
}

function dsRef(ds: Readonly<DaemonSet>): KubeObject {
  return { apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { ...ds.metadata } } as KubeObject;
}

export function createDaemonSetController(options: DaemonSetControllerOptions): DaemonSetController {
  const { client, recorder, logger } = options;
  const now = options.now ?? Date.now;
  const dsInformer = options.informers.informer<DaemonSet>('daemonsets.apps');
  const podInformer = options.informers.informer<Pod>('pods');
  const nodeInformer = options.informers.informer<Node>('nodes');
  const revisionInformer = options.informers.informer<ControllerRevision>('controllerrevisions.apps');
  const queue = newQueue('daemonset');
  const expectations = new Expectations(now);
  const failedPodBackoff = new FailedPodBackoff(now);

  const enqueue = (ds: Readonly<DaemonSet>) => queue.add(keyOf(ds));
  const enqueueAll = () => { for (const ds of dsInformer.store.list()) enqueue(ds); };
  const ownerKey = (obj: Readonly<KubeObject>): string | undefined => {
    const ref = controllerOf(obj as { metadata?: { ownerReferences?: OwnerReference[] } });
    if (!ref || ref.kind !== 'DaemonSet') return undefined;
    const key = `${obj.metadata?.namespace}/${ref.name}`;
    const ds = dsInformer.store.getByKey(key);
    return ds && ds.metadata?.uid === ref.uid ? key : undefined;
  };
  const enqueueMatchingOrphanOwners = (pod: Readonly<Pod>) => {
    for (const ds of dsInformer.store.byIndex('byNamespace', pod.metadata?.namespace ?? '')) {
      if (selectorFromLabelSelector(ds.spec?.selector).matches(pod.metadata?.labels)) enqueue(ds);
    }
  };

  dsInformer.on('add', enqueue);
  dsInformer.on('update', (_old, ds) => enqueue(ds));
  dsInformer.on('delete', (ds) => { expectations.forget(keyOf(ds)); });
  podInformer.on('add', (pod) => {
    const key = ownerKey(pod);
    if (key) { expectations.creationObserved(key); queue.add(key); return; }
    if (!controllerOf(pod as { metadata?: { ownerReferences?: OwnerReference[] } })) enqueueMatchingOrphanOwners(pod);
  });
  podInformer.on('update', (oldPod, pod) => {
    const oldKey = ownerKey(oldPod);
    const key = ownerKey(pod);
    if (oldKey && oldKey !== key) queue.add(oldKey);
    if (key) queue.add(key);
    else if (!controllerOf(pod as { metadata?: { ownerReferences?: OwnerReference[] } })) enqueueMatchingOrphanOwners(pod);
  });
  podInformer.on('delete', (pod) => {
    const key = ownerKey(pod);
    if (key) { expectations.deletionObserved(key); queue.add(key); }
  });
  nodeInformer.on('add', enqueueAll);
  nodeInformer.on('update', (oldNode, node) => {
    // Heartbeats change only status; placement depends on labels, taints and the node's name.
    if (JSON.stringify(oldNode.metadata?.labels ?? {}) !== JSON.stringify(node.metadata?.labels ?? {})
      || JSON.stringify(oldNode.spec ?? {}) !== JSON.stringify(node.spec ?? {})) enqueueAll();
  });
  nodeInformer.on('delete', enqueueAll);
  const revisionOwner = (r: Readonly<ControllerRevision>) => { const key = ownerKey(r); if (key) queue.add(key); };
  revisionInformer.on('add', revisionOwner);
  revisionInformer.on('update', (_o, r) => revisionOwner(r));
  revisionInformer.on('delete', revisionOwner);

  /** Creates pods on nodes in slow-start batches (1, 2, 4, ...) and deletes pods; events as upstream. */
  async function syncNodes(ds: Readonly<DaemonSet>, podsToDelete: string[], nodesNeedingPods: string[], hash: string): Promise<void> {
    const key = keyOf(ds);
    const creates = nodesNeedingPods.slice(0, BURST_REPLICAS);
    const deletes = podsToDelete.slice(0, BURST_REPLICAS);
    expectations.expect(key, creates.length, deletes.length);
    const pods = client.resource('pods', ds.metadata?.namespace);
    let firstError: unknown;
    let next = 0;
    for (let batch = 1; next < creates.length; batch *= 2) {
      const chunk = creates.slice(next, next + batch);
      next += chunk.length;
      const results = await Promise.allSettled(chunk.map((node) => pods.create(newDaemonPod(ds, node, hash))));
      let failed = 0;
      for (const r of results) {
        if (r.status === 'fulfilled') {
          recorder.eventf(dsRef(ds), 'Normal', 'SuccessfulCreate', 'Created pod: %s', r.value.metadata?.name);
        } else {
          failed++;
          expectations.creationObserved(key);
          recorder.eventf(dsRef(ds), 'Warning', 'FailedCreate', 'Error creating: %s', r.reason instanceof Error ? r.reason.message : String(r.reason));
          firstError ??= r.reason;
        }
      }
      if (failed > 0) {
        // Skip the rest, as upstream's slowStartBatch: they will be retried on the next sync.
        for (let i = next; i < creates.length; i++) expectations.creationObserved(key);
        break;
      }
    }
    await Promise.all(deletes.map(async (name) => {
      try {
        await pods.delete(name);
        recorder.eventf(dsRef(ds), 'Normal', 'SuccessfulDelete', 'Deleted pod: %s', name);
      } catch (err) {
        expectations.deletionObserved(key);
        if (err instanceof NotFoundError) return;
        recorder.eventf(dsRef(ds), 'Warning', 'FailedDelete', 'Error deleting: %s', err instanceof Error ? err.message : String(err));
        firstError ??= err;
      }
    }));
    if (firstError) throw firstError;
  }

  async function storeStatus(ds: Readonly<DaemonSet>, counts: DaemonSetCounts, updateObservedGeneration: boolean): Promise<void> {
    const status: NonNullable<DaemonSet['status']> = ds.status ?? { currentNumberScheduled: 0, desiredNumberScheduled: 0, numberMisscheduled: 0, numberReady: 0 };
    const observedGeneration = updateObservedGeneration ? ds.metadata?.generation : status.observedGeneration;
    const same = (Object.keys(counts) as (keyof DaemonSetCounts)[]).every((k) => (status[k] ?? 0) === counts[k])
      && status.observedGeneration === observedGeneration;
    if (same) return;
    const daemonsets = client.resource('daemonsets.apps', ds.metadata?.namespace);
    const write = (base: Readonly<DaemonSet>) => daemonsets.updateStatus({
      ...structuredClone(base), status: { ...(base.status ?? status), ...counts, ...(observedGeneration !== undefined ? { observedGeneration } : {}) },
    } as DaemonSet);
    try {
      await write(ds);
    } catch (err) {
      // As upstream storeDaemonSetStatus: on a conflict, read the latest object and try once more.
      if (!(err instanceof ConflictError)) throw err;
      await write((await daemonsets.get(ds.metadata!.name!)) as DaemonSet);
    }
  }

  async function reconcile(key: string): Promise<ReconcileResult | void> {
    const ds = dsInformer.store.getByKey(key);
    if (!ds) { expectations.forget(key); return; }
    if (ds.metadata?.deletionTimestamp) return;
    const log = logger.child({ daemonset: key });
    if (selectorFromLabelSelector(ds.spec?.selector).empty()) {
      recorder.event(dsRef(ds), 'Warning', 'SelectingAll', 'This daemon set is selecting all pods. A non-empty selector is required.');
      return;
    }
    const { namespace } = splitKey(key);
    const nodes = nodeInformer.store.list();
    const candidates = podInformer.store.byIndex('byNamespace', namespace ?? '');
    const pods = await claimPods(candidates, { client, parent: ds, kind: 'DaemonSet', selector: ds.spec?.selector });
    const { old, hash } = await constructHistory(client, revisionInformer.store, ds, pods);
    const t = now();
    let grouped = groupByNode(pods);
    if (!expectations.satisfied(key)) {
      const { counts } = computeStatus(ds, nodes, grouped, hash, t);
      await storeStatus(ds, counts, false);
      return;
    }
    failedPodBackoff.gc();
    const plan = planManage(ds, nodes, grouped, hash, t, (node) => failedPodBackoff.remaining(`${key}/${node}`));
    for (const { pod, node } of plan.failedPods) {
      failedPodBackoff.next(`${key}/${node}`);
      recorder.eventf(dsRef(ds), 'Warning', 'FailedDaemonPod', 'Found failed daemon pod %s/%s on node %s, will try to kill it', pod.metadata?.namespace, pod.metadata?.name, node);
    }
    if (plan.podsToDelete.length > 0 || plan.nodesNeedingPods.length > 0) {
      log.debug({ create: plan.nodesNeedingPods.length, delete: plan.podsToDelete.length }, 'syncing daemon pods');
      await syncNodes(ds, plan.podsToDelete, plan.nodesNeedingPods, hash);
    } else if ((ds.spec?.updateStrategy?.type ?? 'RollingUpdate') === 'RollingUpdate') {
      const update = planRollingUpdate(ds, nodes, grouped, hash, t);
      if (update.podsToDelete.length > 0 || update.nodesToCreate.length > 0) {
        log.debug({ delete: update.podsToDelete, create: update.nodesToCreate }, 'rolling update');
        await syncNodes(ds, update.podsToDelete, update.nodesToCreate, hash);
      }
    }
    await cleanupHistory(client, ds, old, pods);
    // Status from the freshest cache, over the pods this DaemonSet controls.
    const owned = new Set(pods.map((p) => p.metadata?.uid));
    grouped = groupByNode(podInformer.store.byIndex('byNamespace', namespace ?? '').filter((p) => owned.has(p.metadata?.uid)));
    const { counts, recheckAfterMs } = computeStatus(ds, nodes, grouped, hash, now());
    await storeStatus(ds, counts, true);
    const after = [recheckAfterMs, plan.retryAfterMs].filter((ms): ms is number => ms !== undefined);
    if (after.length > 0) return { requeueAfterMs: Math.min(...after) };
  }

  return { queue, reconcile };
}

/** The descriptor registry.ts lists: `--controllers daemonset`, `--concurrent-daemonset-syncs` workers. */
export const daemonSetControllerDescriptor: ControllerDescriptor = {
  name: 'daemonset',
  async start(ctx) {
    const controller = createDaemonSetController({
      client: ctx.client,
      informers: ctx.informers,
      recorder: ctx.recorder(COMPONENT),
      logger: ctx.logger.child({ controller: 'daemonset' }),
    });
    await runWhenSynced(ctx, {
      name: 'daemonset',
      queue: controller.queue,
      reconcile: controller.reconcile,
      workers: ctx.options.concurrentSyncs.daemonset ?? 2,
      logger: ctx.logger,
    });
  },
};
