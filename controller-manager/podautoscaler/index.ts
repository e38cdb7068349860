// The `horizontalpodautoscaling` entry of the controller-manager: wires the HPA controller to the
// shared informers, the Metrics API, its event recorder and the worker loop. No logic of its own.
import type { Pod } from '../../api/types.js';
import type { KubeObject } from '../../client/index.js';
import type { ControllerDescriptor } from '../context.js';
import { newQueue, runWhenSynced } from '../controller.js';
import { HorizontalController, type Hpa } from './hpa-controller.js';
import { metricsApiSource } from './metrics-client.js';

export { HorizontalController } from './hpa-controller.js';

export const horizontalPodAutoscalerController: ControllerDescriptor = {
  name: 'horizontalpodautoscaling',
  async start(ctx) {
    const logger = ctx.logger.child({ controller: 'horizontalpodautoscaling' });
    const queue = newQueue('horizontalpodautoscaler');
    const controller = new HorizontalController({
      client: ctx.client,
      hpas: ctx.informers.informer<Hpa>('horizontalpodautoscalers.autoscaling'),
      pods: ctx.informers.informer<Pod & KubeObject>('pods'),
      queue,
      recorder: ctx.recorder('horizontal-pod-autoscaler'),
      logger,
      metrics: metricsApiSource(ctx.client),
      syncPeriodMs: ctx.options.hpaSyncPeriodMs,
      tolerance: ctx.options.hpaTolerance,
      downscaleStabilizationMs: ctx.options.hpaDownscaleStabilizationMs,
      cpuInitializationPeriodMs: ctx.options.hpaCpuInitializationPeriodMs,
      initialReadinessDelayMs: ctx.options.hpaInitialReadinessDelayMs,
    });
    controller.registerHandlers();
    await runWhenSynced(ctx, {
      name: 'horizontalpodautoscaling',
      queue,
      reconcile: (key) => controller.reconcile(key),
      workers: ctx.options.concurrentSyncs.horizontalpodautoscaling ?? 5,
      logger,
    });
  },
};
