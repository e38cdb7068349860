// The taint eviction controller (upstream pkg/controller/tainteviction, "taint-eviction-controller"):
// deletes pods that do not tolerate a NoExecute taint of their node, at once or after the
// smallest tolerationSeconds, marking them DisruptionTarget first. Must never add or remove taints.
import { NotFoundError } from '../../client/index.js';
import type { ControllerContext, ControllerDescriptor } from '../context.js';
import { newQueue, runWhenSynced, type ReconcileResult } from '../controller.js';
import { metaTime } from './node-lifecycle-controller.js';
import { noExecuteTaints, noExecuteToleration } from './taints.js';
import type { Node, Pod } from './types.js';

export const TAINT_EVICTION_CONTROLLER = 'taint-eviction-controller';

export interface TaintEvictionController {
  reconcile(key: string): Promise<ReconcileResult | void>;
  run(): Promise<void>;
}

const podKey = (pod: Readonly<Pod>) => `${pod.metadata!.namespace}/${pod.metadata!.name}`;
const noExecuteKey = (node: Readonly<Node> | undefined) => JSON.stringify(noExecuteTaints(node).map((t) => [t.key, t.value ?? '']));

export function createTaintEvictionController(ctx: ControllerContext, clock: () => number = Date.now): TaintEvictionController {
  const nodes = ctx.informers.informer<Node>('nodes');
  const pods = ctx.informers.informer<Pod>('pods');
  const podClient = ctx.client.resource('pods');
  const recorder = ctx.recorder(TAINT_EVICTION_CONTROLLER);
  const logger = ctx.logger.child({ controller: 'taint-eviction-controller' });
  const queue = newQueue('taint-eviction');
  /** When each pod's eviction was first scheduled (upstream keeps the work item's CreatedAt). */
  const scheduledAt = new Map<string, number>();

  const enqueuePodsOf = (node: Readonly<Node>) => { for (const pod of pods.store.byIndex('byNodeName', node.metadata!.name!)) queue.add(podKey(pod)); };
  nodes.on('add', enqueuePodsOf);
  nodes.on('update', (old, node) => { if (noExecuteKey(old) !== noExecuteKey(node)) enqueuePodsOf(node); });
  pods.on('add', (pod) => { if (pod.spec?.nodeName) queue.add(podKey(pod)); });
  pods.on('update', (old, pod) => {
    if (pod.spec?.nodeName && (old.spec?.nodeName !== pod.spec.nodeName || JSON.stringify(old.spec?.tolerations) !== JSON.stringify(pod.spec?.tolerations))) queue.add(podKey(pod));
  });
  pods.on('delete', (pod) => { scheduledAt.delete(podKey(pod)); });

  async function evict(pod: Readonly<Pod>): Promise<void> {
    const key = podKey(pod);
    recorder.eventf(pod, 'Normal', 'TaintManagerEviction', 'Marking for deletion Pod %s', key);
    const conditions = structuredClone(pod.status?.conditions ?? []).filter((c) => c.type !== 'DisruptionTarget');
    conditions.push({
      type: 'DisruptionTarget', status: 'True', reason: 'DeletionByTaintManager',
      message: 'Taint manager: deleting due to NoExecute taint', lastTransitionTime: metaTime(clock()),
    });
    const copy = { ...structuredClone(pod), status: { ...structuredClone(pod.status), conditions } } as Pod;
    try {
      await podClient.updateStatus(copy);
      await podClient.delete(pod.metadata!.name!, {}, pod.metadata!.namespace);
      logger.info({ pod: key, node: pod.spec?.nodeName }, 'evicted pod not tolerating a NoExecute taint');
    } catch (err) {
      if (!(err instanceof NotFoundError)) throw err;
    }
    scheduledAt.delete(key);
  }

  async function reconcile(key: string): Promise<ReconcileResult | void> {
    const pod = pods.store.getByKey(key);
    if (!pod || !pod.spec?.nodeName || pod.metadata?.deletionTimestamp) { scheduledAt.delete(key); return; }
    const taints = noExecuteTaints(nodes.store.getByKey(pod.spec.nodeName));
    const wasScheduled = scheduledAt.has(key);
    if (taints.length === 0) {
      if (wasScheduled) recorder.eventf(pod, 'Normal', 'TaintManagerEviction', 'Cancelling deletion of Pod %s', key);
      scheduledAt.delete(key);
      return;
    }
    const { tolerated, seconds } = noExecuteToleration(taints, pod.spec.tolerations);
    if (!tolerated) return evict(pod);
    if (seconds === Infinity) {
      if (wasScheduled) recorder.eventf(pod, 'Normal', 'TaintManagerEviction', 'Cancelling deletion of Pod %s', key);
      scheduledAt.delete(key);
      return;
    }
    const now = clock();
    const start = scheduledAt.get(key) ?? now;
    scheduledAt.set(key, start);
    const due = start + seconds * 1000;
    if (now >= due) return evict(pod);
    return { requeueAfterMs: due - now };
  }

  return {
    reconcile,
    async run() {
      await runWhenSynced(ctx, { name: 'taint-eviction', queue, reconcile, workers: 8, logger });
    },
  };
}

export const taintEvictionControllerDescriptor: ControllerDescriptor = {
  name: 'taint-eviction-controller',
  start: (ctx) => createTaintEvictionController(ctx).run(),
};

