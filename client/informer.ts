// Owns the informer: client-go's reflector + shared informer in one loop. It lists (paged), watches
// from the list's resourceVersion, relists on 410 Gone, reconnects with jittered backoff, keeps the
// read-only cache (client/cache.ts) and calls handlers in order. Must never mutate objects it hands out.
import { pino, type Logger } from 'pino';
import { StatusError, type Status } from '../api/errors.js';
import { Backoff, sleep, type BackoffOptions } from './backoff.js';
import { keyOf, Store, type Indexers, type ReadonlyStore } from './cache.js';
import type { KubeObject } from './objects.js';
import type { ResourceClient, WatchEvent } from './types.js';

export type AddHandler<T> = (obj: Readonly<T>) => void | Promise<void>;
export type UpdateHandler<T> = (oldObj: Readonly<T>, newObj: Readonly<T>) => void | Promise<void>;
export type DeleteHandler<T> = (obj: Readonly<T>) => void | Promise<void>;

export interface InformerOptions<T extends KubeObject> {
  /** Only this namespace; all namespaces (or a cluster-scoped resource) when undefined. */
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
  /** Re-deliver update(obj, obj) for every cached object this often; off when unset or 0. */
  resyncPeriodMs?: number;
  /** Extra indexes besides the built-in byNamespace, byLabel and byNodeName. */
  indexers?: Indexers<T>;
  logger?: Logger;
  /** Reconnect/relist backoff; defaults to 1 s doubling to 30 s, jittered (tests shrink it). */
  backoff?: BackoffOptions;
  /** Page size of lists; default 500. */
  pageSize?: number;
  /** Randomness for the watch timeout; default Math.random. */
  random?: () => number;
}

export interface Informer<T extends KubeObject> {
  /** Starts list-and-watch in the background; stopped by stop() or when signal aborts. A second call does nothing. */
  start(signal?: AbortSignal): void;
  stop(): void;
  /** True once the first list is in the cache and its handlers were called. */
  hasSynced(): boolean;
  /** Resolves when hasSynced() becomes true; rejects (AbortError) if stopped before. */
  readonly synced: Promise<void>;
  /** Resolves when the loop has ended after stop(); no request is in flight then. */
  readonly stopped: Promise<void>;
  /**
   * Registers a handler; returns a function that removes it. Handlers run one at a time in event
   * order and get deep-frozen objects: structuredClone() before changing anything. An add handler
   * registered after sync first gets add() for every cached object, as upstream.
   */
  on(event: 'add', handler: AddHandler<T>): () => void;
  on(event: 'update', handler: UpdateHandler<T>): () => void;
  on(event: 'delete', handler: DeleteHandler<T>): () => void;
  readonly store: ReadonlyStore<T>;
  /** The resourceVersion of the last list, event or bookmark; '' before the first list. */
  lastSyncResourceVersion(): string;
}

/** client-go's reflector: watches time out between 5 and 10 minutes so load spreads. */
const MIN_WATCH_TIMEOUT_SECONDS = 300;

type WatchOutcome = { kind: 'gone'; events: number } | { kind: 'ended'; events: number } | { kind: 'error'; error: unknown; events: number };

export function createInformer<T extends KubeObject>(
  client: Pick<ResourceClient<T>, 'list' | 'watch'>,
  options: InformerOptions<T> = {},
): Informer<T> {
  const log = options.logger ?? pino({ level: 'silent' });
  const store = new Store<T>(options.indexers);
  const backoff = new Backoff(options.backoff);
  const random = options.random ?? Math.random;
  const pageSize = options.pageSize ?? 500;
  const handlers = {
    add: [] as AddHandler<T>[],
    update: [] as UpdateHandler<T>[],
    delete: [] as DeleteHandler<T>[],
  };
  const controller = new AbortController();
  let started = false;
  let synced = false;
  let resourceVersion = '';
  let resyncTimer: NodeJS.Timeout | undefined;

  let resolveSynced!: () => void;
  let rejectSynced!: (err: Error) => void;
  const syncedPromise = new Promise<void>((resolve, reject) => {
    resolveSynced = resolve;
    rejectSynced = reject;
  });
  // Nobody need await `synced`; a stop before sync must not become an unhandled rejection.
  syncedPromise.catch(() => undefined);
  let resolveStopped!: () => void;
  const stoppedPromise = new Promise<void>((resolve) => (resolveStopped = resolve));

  function call(what: string, fn: () => void | Promise<void>): void {
    try {
      const result = fn();
      if (result && typeof (result as Promise<void>).then === 'function') {
        (result as Promise<void>).then(undefined, (err: unknown) => log.error({ err }, `${what} handler failed`));
      }
    } catch (err) {
      log.error({ err }, `${what} handler failed`);
    }
  }
  const emitAdd = (obj: Readonly<T>) => handlers.add.forEach((h) => call('add', () => h(obj)));
  const emitUpdate = (oldObj: Readonly<T>, newObj: Readonly<T>) => handlers.update.forEach((h) => call('update', () => h(oldObj, newObj)));
  const emitDelete = (obj: Readonly<T>) => handlers.delete.forEach((h) => call('delete', () => h(obj)));

  const rvOf = (obj: Readonly<KubeObject> | undefined) => obj?.metadata?.resourceVersion;

  /** Adds or replaces; update handlers skip objects whose resourceVersion did not change. */
  function upsert(obj: T): void {
    const old = store.put(obj);
    if (old === undefined) emitAdd(obj);
    else if (rvOf(old) !== rvOf(obj)) emitUpdate(old, obj);
  }

  function remove(obj: T): void {
    let key: string;
    try {
      key = keyOf(obj);
    } catch {
      return;
    }
    store.delete(key);
    // As client-go's HandleDeltas: the watch event's object is the final state.
    emitDelete(obj);
  }

  /** DeltaFIFO.Replace: the new list in order, then deletes (last known state) for what vanished. */
  function replace(items: T[], listResourceVersion: string): void {
    const seen = new Set<string>();
    for (const obj of items) {
      seen.add(keyOf(obj));
      upsert(obj);
    }
    for (const key of store.listKeys()) {
      if (seen.has(key)) continue;
      const old = store.delete(key);
      if (old) emitDelete(old);
    }
    resourceVersion = listResourceVersion;
    if (!synced) {
      synced = true;
      resolveSynced();
      startResync();
    }
  }

  function startResync(): void {
    const period = options.resyncPeriodMs ?? 0;
    if (period <= 0 || controller.signal.aborted) return;
    resyncTimer = setInterval(() => {
      for (const obj of store.list()) emitUpdate(obj, obj);
    }, period);
    resyncTimer.unref?.();
  }

  async function listAll(signal: AbortSignal): Promise<void> {
    const items: T[] = [];
    let continueToken: string | undefined;
    let listRV = '';
    do {
      const page = await client.list(
        {
          labelSelector: options.labelSelector,
          fieldSelector: options.fieldSelector,
          limit: pageSize,
          continue: continueToken,
        },
        options.namespace,
      );
      if (signal.aborted) return;
      // A list's items carry no apiVersion/kind (as upstream's); the cache hands out whole objects,
      // so they get the list's type back (an event recorder needs it for the involved object).
      const itemKind = typeof page.kind === 'string' ? page.kind.replace(/List$/, '') : undefined;
      for (const item of page.items) {
        if (!item.apiVersion && page.apiVersion) item.apiVersion = page.apiVersion;
        if (!item.kind && itemKind) item.kind = itemKind;
        items.push(item);
      }
      listRV = page.metadata?.resourceVersion ?? '';
      continueToken = page.metadata?.continue || undefined;
    } while (continueToken);
    replace(items, listRV);
    log.debug({ resourceVersion: listRV, items: items.length }, 'listed');
  }

  async function watchOnce(signal: AbortSignal): Promise<WatchOutcome> {
    const watchController = new AbortController();
    const abortWatch = () => watchController.abort();
    signal.addEventListener('abort', abortWatch, { once: true });
    const timeoutSeconds = Math.floor(MIN_WATCH_TIMEOUT_SECONDS * (1 + random()));
    let events = 0;
    try {
      const stream = client.watch(
        {
          labelSelector: options.labelSelector,
          fieldSelector: options.fieldSelector,
          resourceVersion,
          allowWatchBookmarks: true,
          timeoutSeconds,
          signal: watchController.signal,
        },
        options.namespace,
      );
      for await (const event of stream as AsyncIterable<WatchEvent<T>>) {
        if (signal.aborted) break;
        events++;
        switch (event.type) {
          case 'ADDED':
          case 'MODIFIED':
            upsert(event.object);
            break;
          case 'DELETED':
            remove(event.object);
            break;
          case 'BOOKMARK':
            break;
          case 'ERROR': {
            const status = event.object as unknown as Partial<Status>;
            if (status.code === 410) return { kind: 'gone', events };
            return {
              kind: 'error',
              events,
              error: new StatusError(status.code ?? 500, status.reason ?? 'InternalError', status.message ?? 'watch error', status.details),
            };
          }
          default:
            return { kind: 'error', events, error: new Error(`unexpected watch event type ${JSON.stringify((event as { type: unknown }).type)}`) };
        }
        const rv = rvOf(event.object);
        if (rv) resourceVersion = rv;
      }
      return { kind: 'ended', events };
    } catch (err) {
      if (isGone(err)) return { kind: 'gone', events };
      return { kind: 'error', error: err, events };
    } finally {
      signal.removeEventListener('abort', abortWatch);
      watchController.abort();
    }
  }

  async function run(): Promise<void> {
    const signal = controller.signal;
    let needList = true;
    let justListed = false;
    while (!signal.aborted) {
      if (needList) {
        try {
          await listAll(signal);
          needList = false;
          justListed = true;
        } catch (err) {
          if (signal.aborted) break;
          const delay = backoff.next();
          log.warn({ err, retryInMs: Math.round(delay) }, 'list failed');
          await sleep(delay, signal);
          continue;
        }
        if (signal.aborted) break;
      }
      const outcome = await watchOnce(signal);
      if (signal.aborted) break;
      if (outcome.kind === 'gone') {
        log.info({ resourceVersion }, 'watch expired (410 Gone); relisting');
        needList = true;
        // A watch from a list's own resourceVersion that expires at once would loop hot: back off.
        if (justListed && outcome.events === 0) await sleep(backoff.next(), signal);
      } else {
        const delay = backoff.next();
        if (outcome.kind === 'error') log.warn({ err: outcome.error, resourceVersion, retryInMs: Math.round(delay) }, 'watch failed');
        else log.debug({ resourceVersion, retryInMs: Math.round(delay) }, 'watch ended');
        await sleep(delay, signal);
      }
      justListed = false;
    }
  }

  function stop(): void {
    if (controller.signal.aborted) return;
    controller.abort();
    if (resyncTimer) clearInterval(resyncTimer);
    if (!synced) {
      const err = new Error('informer stopped before it synced');
      err.name = 'AbortError';
      rejectSynced(err);
    }
    if (!started) resolveStopped();
  }

  function on(event: 'add' | 'update' | 'delete', handler: AddHandler<T> | UpdateHandler<T> | DeleteHandler<T>): () => void {
    const list = handlers[event] as unknown[];
    list.push(handler);
    if (event === 'add' && synced) {
      for (const obj of store.list()) call('add', () => (handler as AddHandler<T>)(obj));
    }
    return () => {
      const i = list.indexOf(handler);
      if (i >= 0) list.splice(i, 1);
    };
  }

  return {
    start(signal?: AbortSignal) {
      if (started || controller.signal.aborted) return;
      started = true;
      if (signal) {
        if (signal.aborted) {
          stop();
          resolveStopped();
          return;
        }
        signal.addEventListener('abort', stop, { once: true });
      }
      run()
        .catch((err: unknown) => log.error({ err }, 'informer loop failed'))
        .finally(() => {
          signal?.removeEventListener('abort', stop);
          resolveStopped();
        });
    },
    stop,
    hasSynced: () => synced,
    synced: syncedPromise,
    stopped: stoppedPromise,
    on: on as Informer<T>['on'],
    store,
    lastSyncResourceVersion: () => resourceVersion,
  };
}

function isGone(err: unknown): boolean {
  return (err instanceof StatusError && err.code === 410) || (typeof err === 'object' && err !== null && (err as { code?: unknown }).code === 410);
}
