// The node IPAM controller (upstream pkg/controller/nodeipam, RangeAllocator): gives every node a
// spec.podCIDR/podCIDRs from --cluster-cidr when --allocate-node-cidrs is set, rebuilt from the
// nodes' existing CIDRs at start and released when a node is deleted. Never changes a set podCIDR.
import type { KubeObject } from '../../client/index.js';
import type { Node as NodeType } from '../../api/types.js';
import type { ControllerContext, ControllerDescriptor } from '../context.js';
import { informersSynced, newQueue, runWorkers, type ReconcileResult } from '../controller.js';
import { CidrSet } from './cidr-set.js';

type Node = NodeType & KubeObject;
export const CIDR_ALLOCATOR = 'cidrAllocator';

export interface NodeIpamController {
  /** Marks the CIDRs of every known node used (call once the informer has synced). */
  occupyExisting(): void;
  reconcile(key: string): Promise<ReconcileResult | void>;
  run(): Promise<void>;
}

export function createNodeIpamController(ctx: ControllerContext): NodeIpamController {
  const nodes = ctx.informers.informer<Node>('nodes');
  const client = ctx.client.resource('nodes');
  const recorder = ctx.recorder(CIDR_ALLOCATOR);
  const logger = ctx.logger.child({ controller: 'nodeipam' });
  const queue = newQueue('nodeipam');
  const cidrs = new CidrSet(ctx.options.clusterCIDR, ctx.options.nodeCIDRMaskSize);
  /** CIDRs handed out but not yet seen on the node in the informer, by node name. */
  const pending = new Map<string, string>();
  let ready = false;

  nodes.on('add', (n) => queue.add(n.metadata!.name!));
  nodes.on('update', (_, n) => queue.add(n.metadata!.name!));
  nodes.on('delete', (n) => {
    for (const cidr of n.spec?.podCIDRs ?? (n.spec?.podCIDR ? [n.spec.podCIDR] : [])) cidrs.release(cidr);
    const p = pending.get(n.metadata!.name!);
    if (p) { cidrs.release(p); pending.delete(n.metadata!.name!); }
    logger.info({ node: n.metadata?.name }, 'released the CIDR of a deleted node');
  });

  function occupyExisting(): void {
    for (const node of nodes.store.list()) {
      for (const cidr of node.spec?.podCIDRs ?? (node.spec?.podCIDR ? [node.spec.podCIDR] : [])) {
        if (!cidrs.occupy(cidr)) logger.warn({ node: node.metadata?.name, cidr }, 'node podCIDR is outside --cluster-cidr; left alone');
      }
    }
    ready = true;
  }

  async function reconcile(name: string): Promise<ReconcileResult | void> {
    if (!ready) occupyExisting();
    const node = nodes.store.getByKey(name);
    if (!node) return;
    if (node.spec?.podCIDR || (node.spec?.podCIDRs ?? []).length) {
      pending.delete(name);
      return;
    }
    let cidr = pending.get(name);
    if (!cidr) {
      cidr = cidrs.allocateNext();
      if (!cidr) {
        recorder.eventf(node, 'Normal', 'CIDRNotAvailable', 'Node %s status is now: %s', name, 'CIDRNotAvailable');
        throw new Error(`failed to allocate a CIDR for node ${name}: no CIDRs remaining in ${ctx.options.clusterCIDR}`);
      }
      pending.set(name, cidr);
    }
    try {
      await client.patch(name, 'strategic', { spec: { podCIDR: cidr, podCIDRs: [cidr] } });
      logger.info({ node: name, cidr }, 'assigned podCIDR');
    } catch (err) {
      recorder.eventf(node, 'Normal', 'CIDRAssignmentFailed', 'Node %s status is now: %s', name, 'CIDRAssignmentFailed');
      throw err;
    }
  }

  return {
    occupyExisting,
    reconcile,
    async run() {
      if (!(await informersSynced(ctx))) return;
      occupyExisting();
      await runWorkers({ name: 'nodeipam', queue, reconcile, workers: 1, logger, signal: ctx.signal });
    },
  };
}

export const nodeIpamControllerDescriptor: ControllerDescriptor = {
  name: 'nodeipam',
  async start(ctx) {
    if (!ctx.options.allocateNodeCIDRs) {
      ctx.logger.info({ controller: 'nodeipam' }, '--allocate-node-cidrs is false; node IPAM does nothing');
      return;
    }
    await createNodeIpamController(ctx).run();
  },
};
