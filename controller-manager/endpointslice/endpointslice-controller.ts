// The EndpointSlice controller (upstream pkg/controller/endpointslice): keeps the
// discovery.k8s.io/v1 EndpointSlices of every Service with a selector in line with its pods.
// Must only touch slices labelled managed-by=endpointslice-controller.k8s.io for that service.
import type { EndpointSlice, Node, Pod, Service } from '../endpoint/types.js';
import { NotFoundError, splitKey, ForbiddenError } from '../../client/index.js';
import type { ControllerContext, ControllerDescriptor } from '../context.js';
import { newQueue, runWhenSynced, type ReconcileResult } from '../controller.js';
import { isManagedService, LAST_CHANGE_TRIGGER_TIME, lastChangeTriggerTime, objectKey, serviceSelects } from '../endpoint/endpoint-util.js';
import { CONTROLLER_NAME, MANAGED_BY_LABEL, planSlices, SERVICE_NAME_LABEL } from './desired-slices.js';

export const ENDPOINTSLICE_CONTROLLER = 'endpoint-slice-controller';

export interface EndpointSliceController {
  reconcile(key: string): Promise<ReconcileResult | void>;
  run(): Promise<void>;
}

export function createEndpointSliceController(ctx: ControllerContext): EndpointSliceController {
  const services = ctx.informers.informer<Service>('services');
  const pods = ctx.informers.informer<Pod>('pods');
  const nodes = ctx.informers.informer<Node>('nodes');
  const slices = ctx.informers.informer<EndpointSlice>('endpointslices.discovery.k8s.io');
  const client = ctx.client.resource('endpointslices.discovery.k8s.io');
  const recorder = ctx.recorder(ENDPOINTSLICE_CONTROLLER);
  const logger = ctx.logger.child({ controller: 'endpointslice' });
  const queue = newQueue('endpointslice');

  const enqueueServicesOf = (pod: Readonly<Pod>) => {
    for (const svc of services.store.byIndex('byNamespace', pod.metadata?.namespace ?? '')) {
      if (serviceSelects(svc, pod)) queue.add(objectKey(svc));
    }
  };
  const enqueueOwner = (slice: Readonly<EndpointSlice>) => {
    const labels = slice.metadata?.labels ?? {};
    if (labels[MANAGED_BY_LABEL] === CONTROLLER_NAME && labels[SERVICE_NAME_LABEL]) queue.add(`${slice.metadata!.namespace}/${labels[SERVICE_NAME_LABEL]}`);
  };
  services.on('add', (s) => queue.add(objectKey(s)));
  services.on('update', (_, s) => queue.add(objectKey(s)));
  services.on('delete', (s) => queue.add(objectKey(s)));
  pods.on('add', enqueueServicesOf);
  pods.on('update', (old, pod) => { enqueueServicesOf(old); enqueueServicesOf(pod); });
  pods.on('delete', enqueueServicesOf);
  slices.on('update', (_, s) => enqueueOwner(s));
  slices.on('delete', enqueueOwner);
  // A node's zone label appears on the endpoints of its pods.
  nodes.on('update', (old, node) => {
    if (old.metadata?.labels?.['topology.kubernetes.io/zone'] === node.metadata?.labels?.['topology.kubernetes.io/zone']) return;
    for (const pod of pods.store.byIndex('byNodeName', node.metadata!.name!)) enqueueServicesOf(pod);
  });

  function ownedSlices(namespace: string, name: string): Readonly<EndpointSlice>[] {
    return slices.store.byIndex('byNamespace', namespace).filter((s) =>
      s.metadata?.labels?.[SERVICE_NAME_LABEL] === name && s.metadata?.labels?.[MANAGED_BY_LABEL] === CONTROLLER_NAME);
  }

  async function reconcile(key: string): Promise<ReconcileResult | void> {
    const { namespace = '', name } = splitKey(key);
    const service = services.store.getByKey(key);
    if (!service || !isManagedService(service)) {
      // Gone or no longer selecting: its slices go (a live service's are also owned, GC would take them later).
      for (const slice of ownedSlices(namespace, name)) {
        await client.delete(slice.metadata!.name!, {}, namespace).catch((err: unknown) => { if (!(err instanceof NotFoundError)) throw err; });
      }
      return;
    }
    if (service.metadata?.deletionTimestamp) return;
    const selected = pods.store.byIndex('byNamespace', namespace).filter((p) => serviceSelects(service, p));
    const trigger = lastChangeTriggerTime(service, selected);
    const plan = planSlices(service, selected, (n) => nodes.store.getByKey(n), ownedSlices(namespace, name), trigger ? { [LAST_CHANGE_TRIGGER_TIME]: trigger } : {});
    logger.debug({ key, create: plan.create.length, update: plan.update.length, delete: plan.delete.length }, 'syncing endpointslices');
    try {
      for (const slice of plan.create) await client.create(slice, {}, namespace);
      for (const slice of plan.update) await client.update(slice);
      for (const slice of plan.delete) {
        await client.delete(slice.metadata!.name!, {}, namespace).catch((err: unknown) => { if (!(err instanceof NotFoundError)) throw err; });
      }
    } catch (err) {
      if (err instanceof ForbiddenError && /being terminated/.test(err.message)) return;
      recorder.eventf(service, 'Warning', 'FailedToUpdateEndpointSlices', 'Error updating Endpoint Slices for Service %s: %v', key, err instanceof Error ? err.message : String(err));
      throw err;
    }
  }

  return {
    reconcile,
    async run() {
      await runWhenSynced(ctx, { name: 'endpointslice', queue, reconcile, workers: ctx.options.concurrentSyncs.endpointslice ?? 5, logger });
    },
  };
}

export const endpointSliceControllerDescriptor: ControllerDescriptor = {
  name: 'endpointslice',
  start: (ctx) => createEndpointSliceController(ctx).run(),
};
