// The `replicaset` entry of the controller-manager: wires the ReplicaSet controller to the shared
// informers, its event recorder and the worker loop. No logic of its own.
import type { Pod, ReplicaSet } from '../../api/types.js';
import type { KubeObject } from '../../client/index.js';
import type { ControllerDescriptor } from '../context.js';
import { newQueue, runWhenSynced } from '../controller.js';
import { ReplicaSetController } from './replicaset-controller.js';

export { ReplicaSetController, BURST_REPLICAS } from './replicaset-controller.js';

export const replicaSetController: ControllerDescriptor = {
  name: 'replicaset',
  async start(ctx) {
    const logger = ctx.logger.child({ controller: 'replicaset' });
    const queue = newQueue('replicaset');
    const controller = new ReplicaSetController({
      client: ctx.client,
      replicaSets: ctx.informers.informer<ReplicaSet & KubeObject>('replicasets.apps'),
      pods: ctx.informers.informer<Pod & KubeObject>('pods'),
      queue,
      recorder: ctx.recorder('replicaset-controller'),
      logger,
    });
    controller.registerHandlers();
    await runWhenSynced(ctx, {
      name: 'replicaset',
      queue,
      reconcile: (key) => controller.reconcile(key),
      workers: ctx.options.concurrentSyncs.replicaset ?? 5,
      logger,
    });
  },
};
