// Owns the shared informers of one controller-manager process, as client-go's
// SharedInformerFactory: one list+watch per resource, however many controllers read it.
// Must never start an informer twice; start() starts every informer asked for so far.
import { setMaxListeners } from 'node:events';
import type { Logger } from 'pino';
import { createInformer, type Client, type Informer, type KubeObject } from '../client/index.js';

export interface InformerFactory {
  /** The shared informer of a resource (`pods`, `replicasets.apps`, ...) across all namespaces. */
  informer<T extends KubeObject = KubeObject>(resource: string): Informer<T>;
  /** Starts every informer requested so far (and later ones on request). */
  start(signal: AbortSignal): void;
  /** Resolves when every started informer has synced. */
  waitForSync(): Promise<void>;
  /** Resources with an informer that has not synced yet (for /readyz). */
  unsynced(): string[];
}

export function createInformerFactory(client: Client, logger?: Logger, resyncPeriodMs = 0): InformerFactory {
  const informers = new Map<string, Informer<KubeObject>>();
  let signal: AbortSignal | undefined;
  return {
    informer<T extends KubeObject>(resource: string): Informer<T> {
      let informer = informers.get(resource);
      if (!informer) {
        informer = createInformer(client.resource(resource), { logger: logger?.child({ informer: resource }), resyncPeriodMs });
        informers.set(resource, informer);
        if (signal) informer.start(signal);
      }
      return informer as unknown as Informer<T>;
    },
    start(s: AbortSignal) {
      signal = s;
      // One abort listener per informer; the garbage collector alone watches ~30 resources.
      setMaxListeners(0, s);
      for (const informer of informers.values()) informer.start(s);
    },
    async waitForSync() {
      await Promise.all([...informers.values()].map((i) => i.synced));
    },
    unsynced() {
      return [...informers.entries()].filter(([, i]) => !i.hasSynced()).map(([name]) => name);
    },
  };
}
