// The node lifecycle controller (upstream pkg/controller/nodelifecycle): every
// --node-monitor-period it checks each node's heartbeat (Ready condition and kube-node-lease Lease);
// a node silent for --node-monitor-grace-period gets its conditions Unknown, its pods marked not
// ready, and the unreachable/not-ready taints. Must never delete pods (taint eviction does that).
import { setTimeout as sleep } from 'node:timers/promises';
import { ConflictError, NotFoundError } from '../../client/index.js';
import type { ControllerContext, ControllerDescriptor } from '../context.js';
import { informersSynced } from '../controller.js';
import { gracePeriodMs, observeHeartbeat, unknownConditions, type HealthRecord } from './node-health.js';
import { desiredTaints } from './taints.js';
import type { Lease, Node, NodeCondition, Pod } from './types.js';

export const NODE_CONTROLLER = 'node-controller';
export const NODE_LEASE_NAMESPACE = 'kube-node-lease';

export interface NodeLifecycleController {
  /** One pass of monitorNodeHealth over every node. */
  monitorOnce(): Promise<void>;
  run(): Promise<void>;
}

/** metav1.Time: seconds precision, UTC. */
export function metaTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');
}

const readyStatus = (conditions: readonly NodeCondition[] | undefined) => (conditions ?? []).find((c) => c.type === 'Ready')?.status;
const sameJSON = (a: unknown, b: unknown) => JSON.stringify(a ?? []) === JSON.stringify(b ?? []);

export function createNodeLifecycleController(ctx: ControllerContext, clock: () => number = Date.now): NodeLifecycleController {
  const nodes = ctx.informers.informer<Node>('nodes');
  const pods = ctx.informers.informer<Pod>('pods');
  const leases = ctx.informers.informer<Lease>('leases.coordination.k8s.io');
  const nodeClient = ctx.client.resource('nodes');
  const podClient = ctx.client.resource('pods');
  const recorder = ctx.recorder(NODE_CONTROLLER);
  const logger = ctx.logger.child({ controller: 'nodelifecycle' });
  const health = new Map<string, HealthRecord>();
  const lastReady = new Map<string, string | undefined>();
  nodes.on('delete', (node) => { health.delete(node.metadata!.name!); lastReady.delete(node.metadata!.name!); });

  async function markPodsNotReady(node: Readonly<Node>): Promise<void> {
    for (const pod of pods.store.byIndex('byNodeName', node.metadata!.name!)) {
      const ready = (pod.status?.conditions ?? []).find((c) => c.type === 'Ready');
      if (!ready || ready.status === 'False') continue;
      const copy = structuredClone(pod) as Pod;
      const cond = copy.status!.conditions!.find((c) => c.type === 'Ready')!;
      cond.status = 'False';
      cond.lastTransitionTime = metaTime(clock());
      try {
        await podClient.updateStatus(copy);
        recorder.event(pod, 'Warning', 'NodeNotReady', 'Node is not ready');
      } catch (err) {
        if (!(err instanceof NotFoundError)) logger.warn({ pod: `${pod.metadata?.namespace}/${pod.metadata?.name}`, err: String(err) }, 'could not mark pod not ready');
      }
    }
  }

  async function syncNode(node: Readonly<Node>, conditions: NodeCondition[] | undefined, evict: boolean, nowMs: number): Promise<void> {
    const name = node.metadata!.name!;
    let current: Node = node as Node;
    if (conditions) {
      const copy = { ...structuredClone(node), status: { ...structuredClone(node.status), conditions } } as Node;
      current = await nodeClient.updateStatus(copy) as Node;
      logger.info({ node: name }, 'node stopped posting status; conditions set Unknown');
    }
    const ready = readyStatus(current.status?.conditions);
    const before = lastReady.has(name) ? lastReady.get(name) : readyStatus(node.status?.conditions);
    lastReady.set(name, ready);
    if (before === 'True' && ready !== 'True') {
      recorder.eventf(current, 'Normal', 'NodeNotReady', 'Node %s status is now: %s', name, 'NodeNotReady');
      await markPodsNotReady(current);
    }
    const taints = desiredTaints(current, current.status?.conditions, evict, metaTime(nowMs));
    if (!sameJSON(taints, current.spec?.taints)) {
      const copy = structuredClone(current) as Node;
      copy.spec = { ...copy.spec, taints };
      if (taints.length === 0) delete copy.spec.taints;
      await nodeClient.update(copy);
      logger.info({ node: name, taints: taints.map((t) => `${t.key}:${t.effect}`) }, 'node taints updated');
    }
  }

  async function monitorOnce(): Promise<void> {
    const nowMs = clock();
    const now = metaTime(nowMs);
    const plans: { node: Readonly<Node>; conditions?: NodeCondition[]; ready?: string }[] = [];
    for (const node of nodes.store.list()) {
      const name = node.metadata!.name!;
      const record = observeHeartbeat(health.get(name), node, leases.store.getByKey(`${NODE_LEASE_NAMESPACE}/${name}`), nowMs);
      health.set(name, record);
      const stale = nowMs > record.probeMs + gracePeriodMs(node, ctx.options.nodeMonitorGracePeriodMs);
      const conditions = stale ? unknownConditions(node, now) : undefined;
      plans.push({ node, conditions, ready: readyStatus(conditions ?? node.status?.conditions) });
    }
    // When no node at all is Ready the fault is likely ours or the network's, not the nodes':
    // upstream's master disruption mode evicts nothing then (and lifts NoExecute taints).
    const evict = plans.some((p) => p.ready === 'True');
    for (const plan of plans) {
      try {
        await syncNode(plan.node, plan.conditions, evict, nowMs);
      } catch (err) {
        // The next pass retries with the fresh object from the informer.
        if (!(err instanceof ConflictError) && !(err instanceof NotFoundError)) logger.warn({ node: plan.node.metadata?.name, err: String(err) }, 'node health update failed');
      }
    }
  }

  return {
    monitorOnce,
    async run() {
      if (!(await informersSynced(ctx))) return;
      while (!ctx.signal.aborted) {
        await monitorOnce().catch((err: unknown) => logger.warn({ err: String(err) }, 'monitor pass failed'));
        await sleep(ctx.options.nodeMonitorPeriodMs, undefined, { signal: ctx.signal }).catch(() => undefined);
      }
    },
  };
}

export const nodeLifecycleControllerDescriptor: ControllerDescriptor = {
  name: 'nodelifecycle',
  start: (ctx) => createNodeLifecycleController(ctx).run(),
};
