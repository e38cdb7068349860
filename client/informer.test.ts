// Tests the informer against a scripted fake ResourceClient: paged list then watch, bookmarks,
// relist on 410 with DeltaFIFO-style diffs, reconnects with backoff (mocked timers), resync,
// handler order, indexes, read-only objects and stopping. No network, no real sleeps.
import { describe, it, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { GoneError } from '../api/errors.js';
import { createInformer, type Informer } from './informer.js';
import type { KubeList, KubeObject } from './objects.js';
import type { ListOptions, WatchEvent, WatchEventType, WatchOptions } from './types.js';

type Obj = KubeObject;

/** Waits on a condition, never on time: yields to the event loop until cond() or 2 s pass. */
async function until(cond: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 2000;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setImmediate(resolve));
  }
}

/** Lets pending promise chains run (setImmediate is never mocked here). */
async function settle(rounds = 20): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise((resolve) => setImmediate(resolve));
}

class Calls<T> {
  readonly items: T[] = [];
  push(item: T): void {
    this.items.push(item);
  }
  async next(): Promise<T> {
    await until(() => this.items.length > 0, 'the next call');
    return this.items.shift()!;
  }
  get pending(): number {
    return this.items.length;
  }
}

interface PendingList {
  options: ListOptions;
  namespace?: string;
  respond(list: KubeList<Obj>): void;
  fail(err: unknown): void;
}

type Slot = { event: WatchEvent<Obj> } | { end: true } | { error: unknown };

class FakeWatch implements AsyncIterable<WatchEvent<Obj>> {
  private readonly buffer: Slot[] = [];
  private wake: (() => void) | undefined;
  closed = false;

  constructor(readonly options: WatchOptions, readonly namespace: string | undefined) {
    options.signal?.addEventListener('abort', () => this.put({ end: true }));
  }

  private put(slot: Slot): void {
    this.buffer.push(slot);
    this.wake?.();
  }

  send(type: WatchEventType, object: Obj): void {
    this.put({ event: { type, object: structuredClone(object) } });
  }

  end(): void {
    this.put({ end: true });
  }

  fail(error: unknown): void {
    this.put({ error });
  }

  async *[Symbol.asyncIterator](): AsyncIterator<WatchEvent<Obj>> {
    try {
      for (;;) {
        while (this.buffer.length === 0) await new Promise<void>((resolve) => (this.wake = resolve));
        const slot = this.buffer.shift()!;
        if ('error' in slot) throw slot.error;
        if ('end' in slot) return;
        yield slot.event;
      }
    } finally {
      this.closed = true;
    }
  }
}

class FakeClient {
  readonly lists = new Calls<PendingList>();
  readonly watches = new Calls<FakeWatch>();

  list(options: ListOptions = {}, namespace?: string): Promise<KubeList<Obj>> {
    return new Promise((resolve, reject) => {
      this.lists.push({ options, namespace, respond: (l) => resolve(structuredClone(l)), fail: reject });
    });
  }

  watch(options: WatchOptions = {}, namespace?: string): AsyncIterable<WatchEvent<Obj>> {
    const w = new FakeWatch(options, namespace);
    this.watches.push(w);
    return w;
  }
}

const cm = (name: string, rv: string, labels?: Record<string, string>, ns = 'ns1'): Obj => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { namespace: ns, name, resourceVersion: rv, ...(labels ? { labels } : {}) },
  data: { v: rv },
});

const list = (rv: string, items: Obj[], cont?: string): KubeList<Obj> => ({
  apiVersion: 'v1',
  kind: 'ConfigMapList',
  metadata: { resourceVersion: rv, ...(cont ? { continue: cont } : {}) },
  items,
});

const fast = { initialMs: 1, maxMs: 2, jitter: 0 };

/** Records every handler call in one ordered log. */
function record(inf: Informer<Obj>): string[] {
  const log: string[] = [];
  const id = (o: Readonly<Obj>) => `${o.metadata?.namespace}/${o.metadata?.name}@${o.metadata?.resourceVersion}`;
  inf.on('add', (o) => void log.push(`add ${id(o)}`));
  inf.on('update', (a, b) => void log.push(`update ${id(a)} -> ${id(b)}`));
  inf.on('delete', (o) => void log.push(`delete ${id(o)}`));
  return log;
}

/** Starts an informer, answers its first list with items and returns its first watch. */
async function synced(client: FakeClient, inf: Informer<Obj>, rv: string, items: Obj[]): Promise<FakeWatch> {
  inf.start();
  (await client.lists.next()).respond(list(rv, items));
  await inf.synced;
  return client.watches.next();
}

describe('informer', () => {
  it('lists in pages of 500 with continue, then watches from the list resourceVersion', async () => {
    const client = new FakeClient();
    const inf = createInformer(client, {
      namespace: 'ns1', labelSelector: 'app=web', fieldSelector: 'metadata.name!=z', backoff: fast, random: () => 0.5,
    });
    const log = record(inf);
    inf.start();
    const first = await client.lists.next();
    assert.deepEqual(
      { ...first.options, namespace: first.namespace },
      { labelSelector: 'app=web', fieldSelector: 'metadata.name!=z', limit: 500, continue: undefined, namespace: 'ns1' },
    );
    assert.equal(inf.hasSynced(), false);
    assert.equal(inf.lastSyncResourceVersion(), '');
    first.respond(list('10', [cm('a', '5')], 'token-1'));
    const second = await client.lists.next();
    assert.equal(second.options.continue, 'token-1');
    assert.equal(second.options.limit, 500);
    assert.equal(inf.hasSynced(), false, 'not synced before the last page');
    second.respond(list('10', [cm('b', '6')]));
    await inf.synced;
    assert.equal(inf.hasSynced(), true);
    assert.deepEqual(log, ['add ns1/a@5', 'add ns1/b@6']);

    const w = await client.watches.next();
    assert.equal(w.namespace, 'ns1');
    assert.equal(w.options.resourceVersion, '10');
    assert.equal(w.options.allowWatchBookmarks, true);
    assert.equal(w.options.timeoutSeconds, 450, '5 min * (1 + random)');
    assert.equal(w.options.labelSelector, 'app=web');
    assert.equal(w.options.fieldSelector, 'metadata.name!=z');
    assert.ok(w.options.signal instanceof AbortSignal);

    w.send('MODIFIED', cm('a', '11'));
    w.send('ADDED', cm('c', '12'));
    w.send('DELETED', cm('b', '13'));
    w.send('MODIFIED', cm('a', '11')); // same resourceVersion: no update
    w.send('MODIFIED', cm('c', '14'));
    await until(() => inf.lastSyncResourceVersion() === '14', 'rv 14');
    assert.deepEqual(log, [
      'add ns1/a@5', 'add ns1/b@6',
      'update ns1/a@5 -> ns1/a@11', 'add ns1/c@12', 'delete ns1/b@13', 'update ns1/c@12 -> ns1/c@14',
    ]);
    assert.deepEqual(inf.store.listKeys().sort(), ['ns1/a', 'ns1/c']);
    assert.equal(inf.store.getByKey('ns1/c')?.data && (inf.store.getByKey('ns1/c')!.data as { v: string }).v, '14');
    inf.stop();
    await inf.stopped;
    assert.equal(w.closed, true);
    assert.equal(client.lists.pending + client.watches.pending, 0);
  });

  it('advances the resourceVersion on bookmarks without calling handlers', async () => {
    const client = new FakeClient();
    const inf = createInformer(client, { backoff: fast });
    const log = record(inf);
    const w = await synced(client, inf, '3', [cm('a', '3')]);
    w.send('BOOKMARK', { kind: 'ConfigMap', apiVersion: 'v1', metadata: { resourceVersion: '20' } });
    await until(() => inf.lastSyncResourceVersion() === '20', 'bookmark rv');
    assert.deepEqual(log, ['add ns1/a@3']);
    assert.deepEqual(inf.store.listKeys(), ['ns1/a']);
    w.end();
    const w2 = await client.watches.next();
    assert.equal(w2.options.resourceVersion, '20', 're-watch from the bookmark');
    assert.equal(client.lists.pending, 0, 'no relist');
    inf.stop();
    await inf.stopped;
  });

  it('relists on an ERROR 410 event and turns the difference into update, add and delete', async () => {
    const client = new FakeClient();
    const inf = createInformer(client, { backoff: fast });
    const log = record(inf);
    const deleted: Readonly<Obj>[] = [];
    inf.on('delete', (o) => void deleted.push(o));
    const w = await synced(client, inf, '3', [cm('a', '1'), cm('b', '2'), cm('c', '3')]);
    w.send('ERROR', { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', reason: 'Expired', code: 410, message: 'too old resource version: 3 (5)' });
    const relist = await client.lists.next();
    assert.equal(relist.options.continue, undefined);
    assert.equal(relist.options.resourceVersion, undefined, 'a consistent list, not from the expired version');
    relist.respond(list('9', [cm('a', '1'), cm('b', '7'), cm('d', '8')]));
    const w2 = await client.watches.next();
    assert.equal(w2.options.resourceVersion, '9');
    assert.deepEqual(log, [
      'add ns1/a@1', 'add ns1/b@2', 'add ns1/c@3',
      'update ns1/b@2 -> ns1/b@7', 'add ns1/d@8', 'delete ns1/c@3',
    ]);
    assert.equal(deleted[0].data && (deleted[0].data as { v: string }).v, '3', 'delete carries the last known state');
    assert.deepEqual(inf.store.listKeys().sort(), ['ns1/a', 'ns1/b', 'ns1/d']);
    assert.equal(inf.lastSyncResourceVersion(), '9');
    inf.stop();
    await inf.stopped;
  });

  it('relists when watch throws a GoneError', async () => {
    const client = new FakeClient();
    const inf = createInformer(client, { backoff: fast });
    const log = record(inf);
    const w = await synced(client, inf, '3', [cm('a', '3')]);
    w.fail(new GoneError('too old resource version: 3 (5)'));
    (await client.lists.next()).respond(list('6', []));
    await client.watches.next();
    assert.deepEqual(log, ['add ns1/a@3', 'delete ns1/a@3']);
    assert.equal(inf.store.size, 0);
    inf.stop();
    await inf.stopped;
  });

  it('re-watches from the last resourceVersion after a dropped stream or a non-410 error', async () => {
    const client = new FakeClient();
    const inf = createInformer(client, { backoff: fast });
    const w = await synced(client, inf, '3', [cm('a', '3')]);
    w.send('MODIFIED', cm('a', '4'));
    w.fail(new Error('socket hang up'));
    const w2 = await client.watches.next();
    assert.equal(w2.options.resourceVersion, '4');
    w2.send('ERROR', { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', reason: 'InternalError', code: 500 });
    const w3 = await client.watches.next();
    assert.equal(w3.options.resourceVersion, '4');
    w3.end();
    const w4 = await client.watches.next();
    assert.equal(w4.options.resourceVersion, '4');
    assert.equal(client.lists.pending, 0, 'no relist for errors other than 410');
    inf.stop();
    await inf.stopped;
  });

  it('waits 1 s, 2 s, 4 s between reconnects and retries failed lists with the same backoff', async (t: TestContext) => {
    t.mock.timers.enable({ apis: ['setTimeout'] });
    const client = new FakeClient();
    const inf = createInformer(client, { backoff: { jitter: 0 } });
    inf.start();
    (await client.lists.next()).fail(new Error('connection refused'));
    await settle();
    t.mock.timers.tick(999);
    await settle();
    assert.equal(client.lists.pending, 0, 'no retry before 1 s');
    t.mock.timers.tick(1);
    (await client.lists.next()).respond(list('5', [cm('a', '5')]));
    await inf.synced;
    let w = await client.watches.next();
    for (const wait of [2000, 4000]) {
      w.fail(new Error('stream reset'));
      await settle();
      t.mock.timers.tick(wait - 1);
      await settle();
      assert.equal(client.watches.pending, 0, `no reconnect before ${wait} ms`);
      t.mock.timers.tick(1);
      w = await client.watches.next();
      assert.equal(w.options.resourceVersion, '5');
    }
    inf.stop();
    await inf.stopped;
  });

  it('re-delivers update(obj, obj) for every object each resync period', async (t: TestContext) => {
    t.mock.timers.enable({ apis: ['setInterval'] });
    const client = new FakeClient();
    const inf = createInformer(client, { backoff: fast, resyncPeriodMs: 30_000 });
    const log = record(inf);
    const same: boolean[] = [];
    inf.on('update', (a, b) => void same.push(a === b));
    const w = await synced(client, inf, '2', [cm('a', '1'), cm('b', '2')]);
    t.mock.timers.tick(29_999);
    assert.deepEqual(log, ['add ns1/a@1', 'add ns1/b@2']);
    t.mock.timers.tick(1);
    assert.deepEqual(log.slice(2), ['update ns1/a@1 -> ns1/a@1', 'update ns1/b@2 -> ns1/b@2']);
    assert.deepEqual(same, [true, true]);
    w.send('MODIFIED', cm('a', '3'));
    await until(() => log.length === 5, 'watch update');
    t.mock.timers.tick(30_000);
    assert.deepEqual(log.slice(5), ['update ns1/a@3 -> ns1/a@3', 'update ns1/b@2 -> ns1/b@2']);
    inf.stop();
    t.mock.timers.tick(60_000);
    assert.equal(log.length, 7, 'no resync after stop');
    await inf.stopped;
  });

  it('keeps built-in and custom indexes current', async () => {
    const client = new FakeClient();
    const inf = createInformer(client, { backoff: fast, indexers: { byFirstLetter: (o) => [o.metadata!.name!.slice(0, 1)] } });
    const w = await synced(client, inf, '2', [cm('apple', '1', { app: 'web' }), cm('avocado', '2', { app: 'db' }, 'ns2')]);
    const keys = (index: string, value: string) => inf.store.byIndex(index, value).map((o) => `${o.metadata!.namespace}/${o.metadata!.name}`).sort();
    assert.deepEqual(keys('byFirstLetter', 'a'), ['ns1/apple', 'ns2/avocado']);
    assert.deepEqual(keys('byLabel', 'app=web'), ['ns1/apple']);
    assert.deepEqual(keys('byNamespace', 'ns2'), ['ns2/avocado']);
    w.send('MODIFIED', cm('avocado', '3', { app: 'web' }, 'ns2'));
    w.send('ADDED', cm('banana', '4', { app: 'web' }));
    await until(() => inf.lastSyncResourceVersion() === '4', 'rv 4');
    assert.deepEqual(keys('byLabel', 'app=web'), ['ns1/apple', 'ns1/banana', 'ns2/avocado']);
    assert.deepEqual(keys('byLabel', 'app=db'), []);
    assert.deepEqual(keys('byFirstLetter', 'b'), ['ns1/banana']);
    inf.stop();
    await inf.stopped;
  });

  it('hands out deep-frozen objects to handlers and from the store', async () => {
    const client = new FakeClient();
    const inf = createInformer(client, { backoff: fast });
    const seen: Readonly<Obj>[] = [];
    inf.on('add', (o) => void seen.push(o));
    inf.on('update', (_a, b) => void seen.push(b));
    const w = await synced(client, inf, '1', [cm('a', '1', { app: 'web' })]);
    w.send('MODIFIED', cm('a', '2', { app: 'web' }));
    await until(() => seen.length === 2, 'update');
    for (const obj of [...seen, ...inf.store.list()]) {
      assert.ok(Object.isFrozen(obj) && Object.isFrozen(obj.metadata) && Object.isFrozen(obj.metadata!.labels));
      assert.throws(() => {
        (obj.data as Record<string, string>).v = 'mutated';
      }, TypeError);
    }
    assert.equal((inf.store.getByKey('ns1/a')!.data as { v: string }).v, '2');
    inf.stop();
    await inf.stopped;
  });

  it('keeps calling later handlers when one throws, and replays adds to a handler added after sync', async () => {
    const client = new FakeClient();
    const inf = createInformer(client, { backoff: fast });
    const got: string[] = [];
    inf.on('add', () => {
      throw new Error('boom');
    });
    inf.on('add', (o) => void got.push(`first ${o.metadata!.name}`));
    const w = await synced(client, inf, '2', [cm('a', '1'), cm('b', '2')]);
    const off = inf.on('add', (o) => void got.push(`late ${o.metadata!.name}`));
    assert.deepEqual(got, ['first a', 'first b', 'late a', 'late b']);
    off();
    w.send('ADDED', cm('c', '3'));
    await until(() => got.length === 5, 'add c');
    assert.deepEqual(got.slice(4), ['first c']);
    inf.stop();
    await inf.stopped;
  });

  it('stops through its AbortSignal, closing the watch', async () => {
    const client = new FakeClient();
    const inf = createInformer(client, { backoff: fast });
    const ac = new AbortController();
    inf.start(ac.signal);
    (await client.lists.next()).respond(list('1', []));
    const w = await client.watches.next();
    ac.abort();
    await inf.stopped;
    assert.equal(w.options.signal?.aborted, true);
    assert.equal(w.closed, true);
    await settle();
    assert.equal(client.lists.pending + client.watches.pending, 0);
  });

  it('rejects synced when stopped before the first list finishes', async () => {
    const client = new FakeClient();
    const inf = createInformer(client, { backoff: fast });
    inf.start();
    const pending = await client.lists.next();
    inf.stop();
    await assert.rejects(inf.synced, { name: 'AbortError' });
    pending.respond(list('1', [cm('a', '1')]));
    await inf.stopped;
    assert.equal(inf.hasSynced(), false);
    assert.equal(inf.store.size, 0, 'a list answered after stop is dropped');
    assert.equal(client.watches.pending, 0);
  });
});

describe('listed objects', () => {
  it('get the list\'s apiVersion and kind, which list items lack on the wire', async () => {
    const client = {
      async list(): Promise<KubeList<KubeObject>> {
        return { apiVersion: 'apps/v1', kind: 'DeploymentList', metadata: { resourceVersion: '5' }, items: [{ metadata: { name: 'web', namespace: 'default' } }] } as KubeList<KubeObject>;
      },
      watch(_options?: WatchOptions): AsyncIterable<WatchEvent<KubeObject>> {
        return { async *[Symbol.asyncIterator]() { await new Promise(() => undefined); } };
      },
    };
    const informer = createInformer(client);
    const controller = new AbortController();
    informer.start(controller.signal);
    await informer.synced;
    const cached = informer.store.get('default/web');
    controller.abort();
    assert.equal(cached?.apiVersion, 'apps/v1');
    assert.equal(cached?.kind, 'Deployment');
  });
});
