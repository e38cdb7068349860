// The StatefulSet controller (upstream pkg/controller/statefulset): claims the set's pods, keeps its
// ControllerRevisions, runs one sync (sync.ts) and publishes status. Reads informer caches; writes
// pods, PVCs (and their owner references), ControllerRevisions and StatefulSet status. Never deletes a PVC.
import type { Logger } from 'pino';
import { selectorFromLabelSelector } from '../../api/labels.js';
import { ConflictError, keyOf, splitKey, type Client, type EventRecorder, type KubeObject, type WorkQueue } from '../../client/index.js';
import type { ControllerDescriptor } from '../context.js';
import { newQueue, runWhenSynced, type ReconcileResult } from '../controller.js';
import type { InformerFactory } from '../informer-factory.js';
import { claimPods } from '../history/ownership.js';
import { controllerOf, listRevisions, type OwnerReference } from '../history/revisions.js';
import { msUntilAvailable } from '../history/pods.js';
import { isMemberOf } from './identity.js';
import { createPodControl } from './pod-control.js';
import { setRevisions, truncateHistory } from './revisions.js';
import { syncStatefulSet } from './sync.js';
import type { ControllerRevision, PersistentVolumeClaim, Pod, StatefulSet, StatefulSetStatusT } from './types.js';

export const COMPONENT = 'statefulset-controller';

export interface StatefulSetControllerOptions {
  client: Client;
  informers: Pick<InformerFactory, 'informer'>;
  recorder: EventRecorder;
  logger: Logger;
  now?: () => number;
}

export interface StatefulSetController {
  queue: WorkQueue<string>;
  reconcile(key: string): Promise<ReconcileResult | void>;
}

const STATUS_FIELDS = ['observedGeneration', 'replicas', 'readyReplicas', 'currentReplicas', 'updatedReplicas', 'availableReplicas', 'currentRevision', 'updateRevision', 'collisionCount'] as const;

/** upstream completeRollingUpdate: once every pod is updated and ready, the update revision is current. */
export function completeRollingUpdate(set: Readonly<StatefulSet>, status: StatefulSetStatusT): void {
  if ((set.spec?.updateStrategy?.type ?? 'RollingUpdate') === 'RollingUpdate'
    && status.updatedReplicas === status.replicas && status.readyReplicas === status.replicas) {
    status.currentReplicas = status.updatedReplicas;
    status.currentRevision = status.updateRevision;
  }
}

export function createStatefulSetController(options: StatefulSetControllerOptions): StatefulSetController {
  const { client, recorder, logger } = options;
  const now = options.now ?? Date.now;
  const sets = options.informers.informer<StatefulSet>('statefulsets.apps');
  const pods = options.informers.informer<Pod>('pods');
  const revisions = options.informers.informer<ControllerRevision>('controllerrevisions.apps');
  const claims = options.informers.informer<PersistentVolumeClaim>('persistentvolumeclaims');
  const queue = newQueue('statefulset');
  const control = createPodControl(client, claims.store, recorder);

  const ownerKey = (obj: Readonly<KubeObject>): string | undefined => {
    const ref = controllerOf(obj as { metadata?: { ownerReferences?: OwnerReference[] } });
    if (!ref || ref.kind !== 'StatefulSet') return undefined;
    const key = `${obj.metadata?.namespace}/${ref.name}`;
    return sets.store.getByKey(key)?.metadata?.uid === ref.uid ? key : undefined;
  };
  const enqueueOwnerOrCandidates = (pod: Readonly<Pod>) => {
    const key = ownerKey(pod);
    if (key) { queue.add(key); return; }
    if (controllerOf(pod as { metadata?: { ownerReferences?: OwnerReference[] } })) return;
    for (const set of sets.store.byIndex('byNamespace', pod.metadata?.namespace ?? '')) {
      if (isMemberOf(set, pod) && selectorFromLabelSelector(set.spec?.selector).matches(pod.metadata?.labels)) queue.add(keyOf(set));
    }
  };
  sets.on('add', (s) => queue.add(keyOf(s)));
  sets.on('update', (_o, s) => queue.add(keyOf(s)));
  pods.on('add', enqueueOwnerOrCandidates);
  pods.on('update', (oldPod, pod) => {
    const oldKey = ownerKey(oldPod);
    if (oldKey && oldKey !== ownerKey(pod)) queue.add(oldKey);
    enqueueOwnerOrCandidates(pod);
  });
  pods.on('delete', (pod) => { const key = ownerKey(pod); if (key) queue.add(key); });
  const revisionOwner = (r: Readonly<ControllerRevision>) => { const key = ownerKey(r); if (key) queue.add(key); };
  revisions.on('add', revisionOwner);
  revisions.on('update', (_o, r) => revisionOwner(r));
  revisions.on('delete', revisionOwner);

  async function storeStatus(set: Readonly<StatefulSet>, status: StatefulSetStatusT): Promise<void> {
    const old = (set.status ?? {}) as Record<string, unknown>;
    if (STATUS_FIELDS.every((f) => (old[f] ?? 0) === ((status as Record<string, unknown>)[f] ?? 0))) return;
    const api = client.resource('statefulsets.apps', set.metadata?.namespace);
    const write = (base: Readonly<StatefulSet>) => api.updateStatus({ ...structuredClone(base), status: { ...(base.status ?? {}), ...status } } as StatefulSet);
    try {
      await write(set);
    } catch (err) {
      if (!(err instanceof ConflictError)) throw err;
      await write((await api.get(set.metadata!.name!)) as StatefulSet);
    }
  }

  async function reconcile(key: string): Promise<ReconcileResult | void> {
    const set = sets.store.getByKey(key);
    if (!set) return;
    const { namespace } = splitKey(key);
    const owned = await claimPods(pods.store.byIndex('byNamespace', namespace ?? ''), {
      client, parent: set, kind: 'StatefulSet', selector: set.spec?.selector, adoptable: (pod) => isMemberOf(set, pod),
    });
    const setPods = owned.filter((p) => isMemberOf(set, p));
    const history = listRevisions(revisions.store, set, set.spec?.selector);
    const { current, update, collisionCount } = await setRevisions(client, set, history);
    const t = now();
    const status = await syncStatefulSet({
      set, pods: setPods, current, update, collisionCount, control, now: t,
      onFinishedPod: (pod) => recorder.eventf({ apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { ...set.metadata } } as KubeObject, 'Warning',
        pod.status?.phase === 'Failed' ? 'RecreatingFailedPod' : 'RecreatingTerminatedPod',
        'StatefulSet %s/%s is recreating %s Pod %s', set.metadata?.namespace, set.metadata?.name, pod.status?.phase === 'Failed' ? 'failed' : 'terminated', pod.metadata?.name),
    });
    completeRollingUpdate(set, status);
    await storeStatus(set, status);
    await truncateHistory(client, set, setPods, history.filter((r) => r.metadata?.name !== update.metadata?.name).concat([update]), current, update);
    logger.debug({ statefulset: key, status }, 'synced');
    const minReady = set.spec?.minReadySeconds ?? 0;
    if (minReady > 0 && status.availableReplicas !== (set.spec?.replicas ?? 1)) {
      const waits = setPods.map((p) => msUntilAvailable(p, minReady, t)).filter((ms): ms is number => ms !== undefined);
      return { requeueAfterMs: waits.length ? Math.min(...waits) : minReady * 1000 };
    }
  }

  return { queue, reconcile };
}

/** The descriptor registry.ts lists: `--controllers statefulset`, `--concurrent-statefulset-syncs` workers. */
export const statefulSetControllerDescriptor: ControllerDescriptor = {
  name: 'statefulset',
  async start(ctx) {
    const controller = createStatefulSetController({
      client: ctx.client,
      informers: ctx.informers,
      recorder: ctx.recorder(COMPONENT),
      logger: ctx.logger.child({ controller: 'statefulset' }),
    });
    await runWhenSynced(ctx, {
      name: 'statefulset',
      queue: controller.queue,
      reconcile: controller.reconcile,
      workers: ctx.options.concurrentSyncs.statefulset ?? 5,
      logger: ctx.logger,
    });
  },
};
