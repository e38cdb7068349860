// The `job` controller's descriptor: wires the shared Job and Pod informers, the work queue and the
// event recorder into JobController and runs its workers. No logic of its own.
import type { Job, Pod } from './types.js';
import type { ControllerDescriptor } from '../context.js';
import { newQueue, runWhenSynced } from '../controller.js';
import { JobController } from './job-controller.js';

export { JobController } from './job-controller.js';
export type { JobControllerOptions } from './job-controller.js';

export const jobController: ControllerDescriptor = {
  name: 'job',
  async start(ctx) {
    const queue = newQueue('job');
    const logger = ctx.logger.child({ controller: 'job' });
    const controller = new JobController({
      client: ctx.client,
      jobs: ctx.informers.informer<Job>('jobs.batch'),
      pods: ctx.informers.informer<Pod>('pods'),
      queue,
      recorder: ctx.recorder('job-controller'),
      logger,
    });
    controller.register();
    await runWhenSynced(ctx, { name: 'job', queue, reconcile: (key) => controller.reconcile(key), workers: ctx.options.concurrentSyncs.job ?? 5, logger });
  },
};
