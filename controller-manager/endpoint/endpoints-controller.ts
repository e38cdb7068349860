// The Endpoints controller (upstream pkg/controller/endpoint): keeps one v1 Endpoints per Service
// with a selector, listing the IPs and resolved ports of the pods it selects, ready or not.
// Must never touch Endpoints of services without a selector (users own those) or ExternalName ones.
import type { Endpoints, Pod, Service } from './types.js';
import { AlreadyExistsError, ForbiddenError, NotFoundError, splitKey } from '../../client/index.js';
import type { ControllerContext, ControllerDescriptor } from '../context.js';
import { newQueue, runWhenSynced, type ReconcileResult } from '../controller.js';
import { desiredEndpoints, OVER_CAPACITY_ANNOTATION } from './desired-endpoints.js';
import { canonicalJSON, HEADLESS_SERVICE_LABEL, isManagedService, LAST_CHANGE_TRIGGER_TIME, lastChangeTriggerTime, objectKey, serviceSelects } from './endpoint-util.js';

export const ENDPOINT_CONTROLLER = 'endpoint-controller';

export interface EndpointsController {
  reconcile(key: string): Promise<ReconcileResult | void>;
  run(): Promise<void>;
}

function labelsFor(service: Readonly<Service>): Record<string, string> {
  const labels: Record<string, string> = { ...(service.metadata?.labels ?? {}) };
  delete labels[HEADLESS_SERVICE_LABEL];
  if (service.spec?.clusterIP === 'None') labels[HEADLESS_SERVICE_LABEL] = '';
  return labels;
}

const sameJSON = (a: unknown, b: unknown) => canonicalJSON(a) === canonicalJSON(b);

export function createEndpointsController(ctx: ControllerContext): EndpointsController {
  const services = ctx.informers.informer<Service>('services');
  const pods = ctx.informers.informer<Pod>('pods');
  const endpoints = ctx.informers.informer<Endpoints>('endpoints');
  const client = ctx.client.resource('endpoints');
  const recorder = ctx.recorder(ENDPOINT_CONTROLLER);
  const logger = ctx.logger.child({ controller: 'endpoint' });
  const queue = newQueue('endpoint');

  const enqueueServicesOf = (pod: Readonly<Pod>) => {
    for (const svc of services.store.byIndex('byNamespace', pod.metadata?.namespace ?? '')) {
      if (serviceSelects(svc, pod)) queue.add(objectKey(svc));
    }
  };
  services.on('add', (s) => queue.add(objectKey(s)));
  services.on('update', (_, s) => queue.add(objectKey(s)));
  services.on('delete', (s) => queue.add(objectKey(s)));
  pods.on('add', enqueueServicesOf);
  pods.on('update', (old, pod) => { enqueueServicesOf(old); enqueueServicesOf(pod); });
  pods.on('delete', enqueueServicesOf);
  // A deleted Endpoints of a live service is put back.
  endpoints.on('delete', (ep) => { if (services.store.getByKey(objectKey(ep))) queue.add(objectKey(ep)); });

  async function reconcile(key: string): Promise<ReconcileResult | void> {
    const { namespace, name } = splitKey(key);
    const service = services.store.getByKey(key);
    if (!service) {
      // The service is gone: its Endpoints go too (upstream deletes by name).
      if (endpoints.store.getByKey(key)) {
        await client.delete(name, {}, namespace).catch((err: unknown) => { if (!(err instanceof NotFoundError)) throw err; });
      }
      return;
    }
    if (!isManagedService(service)) return;
    if (service.metadata?.deletionTimestamp) return;
    const selected = pods.store.byIndex('byNamespace', namespace ?? '').filter((p) => serviceSelects(service, p));
    const desired = desiredEndpoints(service, selected);
    const current = endpoints.store.getByKey(key);
    const labels = labelsFor(service);
    const currentAnnotations = current?.metadata?.annotations ?? {};
    const wantOverCapacity = desired.truncated ? 'truncated' : undefined;
    const subsetsChanged = !sameJSON(current?.subsets ?? [], desired.subsets);
    if (current && !subsetsChanged && sameJSON(current.metadata?.labels ?? {}, labels) && currentAnnotations[OVER_CAPACITY_ANNOTATION] === wantOverCapacity) return;

    const annotations: Record<string, string> = { ...currentAnnotations };
    const trigger = lastChangeTriggerTime(service, selected);
    if (trigger) annotations[LAST_CHANGE_TRIGGER_TIME] = trigger;
    else delete annotations[LAST_CHANGE_TRIGGER_TIME];
    if (wantOverCapacity) annotations[OVER_CAPACITY_ANNOTATION] = wantOverCapacity;
    else delete annotations[OVER_CAPACITY_ANNOTATION];

    const body: Endpoints = {
      apiVersion: 'v1',
      kind: 'Endpoints',
      metadata: { ...(current ? structuredClone(current.metadata) : {}), name, namespace, labels, annotations },
      subsets: desired.subsets,
    };
    logger.debug({ key, total: desired.total }, 'syncing endpoints');
    try {
      if (current) await client.update(body);
      else await client.create(body);
    } catch (err) {
      // A terminating namespace refuses new objects; nothing to do for it (upstream ignores it too).
      if (!current && err instanceof ForbiddenError && /being terminated/.test(err.message)) return;
      if (!current && err instanceof AlreadyExistsError) throw err; // the informer is behind: retry
      recorder.eventf(service, 'Warning', current ? 'FailedToUpdateEndpoint' : 'FailedToCreateEndpoint',
        current ? 'Failed to update endpoint %s: %v' : 'Failed to create endpoint for service %s: %v',
        key, err instanceof Error ? err.message : String(err));
      throw err;
    }
  }

  return {
    reconcile,
    async run() {
      await runWhenSynced(ctx, { name: 'endpoint', queue, reconcile, workers: ctx.options.concurrentSyncs.endpoint ?? 5, logger });
    },
  };
}

export const endpointControllerDescriptor: ControllerDescriptor = {
  name: 'endpoint',
  start: (ctx) => createEndpointsController(ctx).run(),
};
