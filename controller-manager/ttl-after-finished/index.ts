// The `ttl-after-finished` controller's descriptor: the shared Job informer, a work queue and
// TTLAfterFinishedController's workers. No logic of its own.
import type { ControllerDescriptor } from '../context.js';
import { newQueue, runWhenSynced } from '../controller.js';
import { TTLAfterFinishedController } from './ttl-controller.js';
import type { Job } from './types.js';

export { TTLAfterFinishedController } from './ttl-controller.js';

export const ttlAfterFinishedController: ControllerDescriptor = {
  name: 'ttl-after-finished',
  async start(ctx) {
    const queue = newQueue('ttl-after-finished');
    const logger = ctx.logger.child({ controller: 'ttl-after-finished' });
    const controller = new TTLAfterFinishedController({ client: ctx.client, jobs: ctx.informers.informer<Job>('jobs.batch'), queue, logger });
    controller.register();
    await runWhenSynced(ctx, { name: 'ttl-after-finished', queue, reconcile: (key) => controller.reconcile(key), workers: ctx.options.concurrentSyncs['ttl-after-finished'] ?? 5, logger });
  },
};
