// Owns the control loop of the ingress controller: informers on Ingresses, IngressClasses, Services,
// EndpointSlices and Secrets; every change rebuilds the routing table (coalesced) and swaps it into
// the proxy; the Ingresses it serves get status.loadBalancer.ingress = the published address.
// Must never mutate informer objects, and never write the status of an Ingress that is not ours.
import type { Logger } from 'pino';
import type { EndpointSlice, Ingress, IngressClass, Secret, Service } from '../api/types.js';
import { createInformer, NotFoundError, type Client, type Informer, type KubeObject } from '../client/index.js';
import { buildRoutingTable, type RoutingTable } from './routing.js';

type K<T> = T & KubeObject;

export interface ControllerOptions {
  client: Client;
  /** spec.controller of our IngressClasses. */
  controller: string;
  /** The IP written to status.loadBalancer.ingress (the node's address); none: status untouched. */
  publishAddress?: string;
  logger: Logger;
  /** Receives every new table (the proxy's setTable). */
  onTable: (table: RoutingTable) => void;
  /** Coalescing delay between a change and the rebuild. */
  debounceMs?: number;
}

export interface IngressController {
  readonly synced: Promise<void>;
  notSynced(): string[];
  stop(): void;
}

export function startIngressController(o: ControllerOptions): IngressController {
  const { client, logger } = o;
  const ingresses = createInformer<K<Ingress>>(client.resource('ingresses.networking.k8s.io'), { logger });
  const classes = createInformer<K<IngressClass>>(client.resource('ingressclasses.networking.k8s.io'), { logger });
  const services = createInformer<K<Service>>(client.resource('services'), { logger });
  const slices = createInformer<K<EndpointSlice>>(client.resource('endpointslices.discovery.k8s.io'), { logger });
  const secrets = createInformer<K<Secret>>(client.resource('secrets'), { logger });
  const informers: Array<[string, Informer<KubeObject>]> = [
    ['ingresses', ingresses as unknown as Informer<KubeObject>],
    ['ingressclasses', classes as unknown as Informer<KubeObject>],
    ['services', services as unknown as Informer<KubeObject>],
    ['endpointslices', slices as unknown as Informer<KubeObject>],
    ['secrets', secrets as unknown as Informer<KubeObject>],
  ];
  const stop = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  let working: Promise<void> = Promise.resolve();
  let lastWarnings = '';
  const allSynced = () => informers.every(([, i]) => i.hasSynced());

  const rebuild = async () => {
    const table = buildRoutingTable({
      ingresses: ingresses.store.list(),
      classes: classes.store.list(),
      services: services.store.list(),
      slices: slices.store.list(),
      secrets: secrets.store.list(),
      controller: o.controller,
    });
    o.onTable(table);
    const warnings = table.warnings.join('\n');
    if (warnings && warnings !== lastWarnings) for (const w of table.warnings) logger.warn(w);
    lastWarnings = warnings;
    if (o.publishAddress) await publishStatus(table.ingresses);
  };

  const publishStatus = async (served: string[]) => {
    for (const key of served) {
      const ing = ingresses.store.get(key);
      const current = ing?.status?.loadBalancer?.ingress ?? [];
      if (!ing || (current.length === 1 && current[0]?.ip === o.publishAddress && !current[0]?.hostname)) continue;
      try {
        await client.resource('ingresses.networking.k8s.io', ing.metadata?.namespace).patch(
          ing.metadata!.name!, 'merge', { status: { loadBalancer: { ingress: [{ ip: o.publishAddress }] } } }, {}, ing.metadata?.namespace, 'status',
        );
        logger.info({ ingress: key, ip: o.publishAddress }, 'updated status.loadBalancer');
      } catch (err) {
        if (!(err instanceof NotFoundError)) logger.warn({ ingress: key, err: String(err) }, 'could not update the Ingress status');
      }
    }
  };

  const schedule = () => {
    if (!allSynced() || stop.signal.aborted) return;
    clearTimeout(timer);
    timer = setTimeout(() => {
      working = working.then(rebuild).catch((err: unknown) => logger.error({ err: String(err) }, 'rebuilding the routing table failed'));
    }, o.debounceMs ?? 50);
  };
  for (const [, informer] of informers) {
    for (const event of ['add', 'update', 'delete'] as const) informer.on(event as 'add', schedule);
    informer.start(stop.signal);
  }
  const synced = Promise.all(informers.map(([, i]) => i.synced)).then(() => {
    schedule();
  });
  return {
    synced,
    notSynced: () => informers.filter(([, i]) => !i.hasSynced()).map(([n]) => n),
    stop: () => {
      stop.abort();
      clearTimeout(timer);
    },
  };
}
