// The `deployment` entry of the controller-manager: wires the Deployment controller to the shared
// informers, its event recorder and the worker loop. No logic of its own.
import type { Pod } from '../../api/types.js';
import type { KubeObject } from '../../client/index.js';
import type { ControllerDescriptor } from '../context.js';
import { newQueue, runWhenSynced } from '../controller.js';
import { DeploymentController } from './deployment-controller.js';
import type { KDeployment, KReplicaSet } from './sync.js';

export { DeploymentController } from './deployment-controller.js';
export { computeHash } from './hash.js';

export const deploymentController: ControllerDescriptor = {
  name: 'deployment',
  async start(ctx) {
    const logger = ctx.logger.child({ controller: 'deployment' });
    const queue = newQueue('deployment');
    const controller = new DeploymentController({
      client: ctx.client,
      deployments: ctx.informers.informer<KDeployment>('deployments.apps'),
      replicaSets: ctx.informers.informer<KReplicaSet>('replicasets.apps'),
      pods: ctx.informers.informer<Pod & KubeObject>('pods'),
      queue,
      recorder: ctx.recorder('deployment-controller'),
      logger,
    });
    controller.registerHandlers();
    await runWhenSynced(ctx, {
      name: 'deployment',
      queue,
      reconcile: (key) => controller.reconcile(key),
      workers: ctx.options.concurrentSyncs.deployment ?? 5,
      logger,
    });
  },
};
