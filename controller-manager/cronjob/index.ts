// The `cronjob` controller's descriptor: wires the shared CronJob and Job informers, the work queue
// and the event recorder into CronJobController and runs its workers. No logic of its own.
import type { ControllerDescriptor } from '../context.js';
import { newQueue, runWhenSynced } from '../controller.js';
import { CronJobController } from './cronjob-controller.js';
import type { CronJob, Job } from './types.js';

export { CronJobController } from './cronjob-controller.js';
export type { CronJobControllerOptions } from './cronjob-controller.js';

export const cronJobController: ControllerDescriptor = {
  name: 'cronjob',
  async start(ctx) {
    const queue = newQueue('cronjob');
    const logger = ctx.logger.child({ controller: 'cronjob' });
    const controller = new CronJobController({
      client: ctx.client,
      cronJobs: ctx.informers.informer<CronJob>('cronjobs.batch'),
      jobs: ctx.informers.informer<Job>('jobs.batch'),
      queue,
      recorder: ctx.recorder('cronjob-controller'),
      logger,
    });
    controller.register();
    await runWhenSynced(ctx, { name: 'cronjob', queue, reconcile: (key) => controller.reconcile(key), workers: ctx.options.concurrentSyncs.cronjob ?? 5, logger });
  },
};
