// The `podgc` controller's descriptor: the shared Pod and Node informers and PodGC's
// periodic pass every 20 s until the stop signal. No logic of its own.
import type { KubeObject } from '../../client/index.js';
import type { ControllerDescriptor } from '../context.js';
import { informersSynced } from '../controller.js';
import { GC_CHECK_PERIOD_MS, PodGC } from './podgc-controller.js';

export { PodGC } from './podgc-controller.js';

export const podGCController: ControllerDescriptor = {
  name: 'podgc',
  async start(ctx) {
    const logger = ctx.logger.child({ controller: 'pod-garbage-collector' });
    const podgc = new PodGC({
      client: ctx.client,
      pods: ctx.informers.informer<KubeObject>('pods'),
      nodes: ctx.informers.informer<KubeObject>('nodes'),
      terminatedPodThreshold: ctx.options.terminatedPodGCThreshold,
      logger,
    });
    if (!(await informersSynced(ctx))) return;
    while (!ctx.signal.aborted) {
      try {
        await podgc.gc();
      } catch (err) {
        logger.warn({ err: err instanceof Error ? err.message : String(err) }, 'pod GC pass failed');
      }
      await new Promise<void>((resolve) => {
        const onAbort = () => {
          clearTimeout(timer);
          resolve();
        };
        const timer = setTimeout(() => {
          ctx.signal.removeEventListener('abort', onAbort);
          resolve();
        }, GC_CHECK_PERIOD_MS);
        ctx.signal.addEventListener('abort', onAbort, { once: true });
      });
    }
  },
};
