// Owns the live cluster zone: informers on Services and EndpointSlices, and a Zone snapshot rebuilt
// lazily on the first query after a change. Must never mutate informer objects nor answer from a
// half-listed cache (readiness waits for both informers).
import type { Logger } from 'pino';
import type { EndpointSlice, Service } from '../api/types.js';
import { createInformer, type Client, type KubeObject } from '../client/index.js';
import { Zone } from './records.js';

type ServiceObject = Service & KubeObject;
type SliceObject = EndpointSlice & KubeObject;

export interface ClusterZone {
  zone(): Zone;
  /** Names of the informers not synced yet (the ready endpoint's message). */
  notReady(): string[];
  readonly synced: Promise<void>;
  stop(): void;
}

export function watchClusterZone(client: Client, options: { domain: string; ttl: number; logger: Logger }): ClusterZone {
  const services = createInformer<ServiceObject>(client.resource('services'), { logger: options.logger });
  const slices = createInformer<SliceObject>(client.resource('endpointslices.discovery.k8s.io'), { logger: options.logger });
  let current: Zone | undefined;
  const invalidate = () => { current = undefined; };
  for (const event of ['add', 'update', 'delete'] as const) {
    services.on(event as 'add', invalidate);
    slices.on(event as 'add', invalidate);
  }
  const stop = new AbortController();
  services.start(stop.signal);
  slices.start(stop.signal);
  return {
    zone() {
      if (!current) {
        current = Zone.build(services.store.list() as Service[], slices.store.list() as EndpointSlice[], {
          domain: options.domain,
          ttl: options.ttl,
          serial: Math.floor(Date.now() / 1000),
        });
      }
      return current;
    },
    notReady() {
      const out: string[] = [];
      if (!services.hasSynced()) out.push('kubernetes: services');
      if (!slices.hasSynced()) out.push('kubernetes: endpointslices');
      return out;
    },
    synced: Promise.all([services.synced, slices.synced]).then(() => undefined),
    stop() {
      stop.abort();
    },
  };
}
