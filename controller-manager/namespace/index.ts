// The `namespace` controller's descriptor: the shared Namespace informer, a work queue and
// NamespaceController's workers. No logic of its own.
import type { KubeObject } from '../../client/index.js';
import type { ControllerDescriptor } from '../context.js';
import { newQueue, runWhenSynced } from '../controller.js';
import { NamespaceController } from './namespace-controller.js';

export { NamespaceController } from './namespace-controller.js';

export const namespaceController: ControllerDescriptor = {
  name: 'namespace',
  async start(ctx) {
    const queue = newQueue('namespace');
    const logger = ctx.logger.child({ controller: 'namespace' });
    const controller = new NamespaceController({ client: ctx.client, namespaces: ctx.informers.informer<KubeObject>('namespaces'), queue, logger });
    controller.register();
    await runWhenSynced(ctx, { name: 'namespace', queue, reconcile: (key) => controller.reconcile(key), workers: ctx.options.concurrentSyncs.namespace ?? 10, logger });
  },
};
