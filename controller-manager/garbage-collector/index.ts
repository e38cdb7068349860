// The `garbage-collector` controller's descriptor: one shared informer per monitored resource feeding
// the ownership graph, and the workers of the attemptToDelete and attemptToOrphan queues. No logic here.
import type { KubeObject } from '../../client/index.js';
import type { ControllerDescriptor } from '../context.js';
import { informersSynced, newQueue, runWorkers } from '../controller.js';
import { GarbageCollector } from './garbage-collector.js';
import { monitoredResources, resourceName } from './monitored-resources.js';

export { GarbageCollector } from './garbage-collector.js';
export { monitoredResources } from './monitored-resources.js';

export const garbageCollectorController: ControllerDescriptor = {
  name: 'garbage-collector',
  async start(ctx) {
    const attemptToDelete = newQueue('garbage_collector_attempt_to_delete');
    const attemptToOrphan = newQueue('garbage_collector_attempt_to_orphan');
    const logger = ctx.logger.child({ controller: 'garbage-collector' });
    const gc = new GarbageCollector({
      client: ctx.client,
      informers: monitoredResources().map((resource) => ({ resource, informer: ctx.informers.informer<KubeObject>(resourceName(resource)) })),
      attemptToDelete,
      attemptToOrphan,
      logger,
    });
    gc.register();
    if (!(await informersSynced(ctx))) return;
    const workers = ctx.options.concurrentSyncs['garbage-collector'] ?? 20;
    await Promise.all([
      runWorkers({ name: 'garbage-collector-delete', queue: attemptToDelete, reconcile: (uid) => gc.attemptToDeleteItem(uid), workers, logger, signal: ctx.signal }),
      runWorkers({ name: 'garbage-collector-orphan', queue: attemptToOrphan, reconcile: (uid) => gc.attemptToOrphanItem(uid), workers, logger, signal: ctx.signal }),
    ]);
  },
};
