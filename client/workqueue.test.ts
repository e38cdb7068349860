// Unit tests of the work queue: de-duplication, re-queue after processing, delays and rate limiting
// on a fake clock, shutdown and drain. No real timers.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createWorkQueue } from './workqueue.js';
import { FakeClock, ItemExponentialFailureRateLimiter } from './rate-limiter.js';

/** Lets pending promise callbacks run. */
const flush = () => new Promise<void>((resolve) => setImmediate(resolve));

async function getKey<K>(q: { get(): Promise<{ key?: K; shutdown: boolean }> }): Promise<K> {
  const item = await q.get();
  assert.equal(item.shutdown, false);
  return item.key as K;
}

describe('workqueue', () => {
  it('queues a key once however often it is added, in FIFO order', async () => {
    const q = createWorkQueue({ name: 'test', clock: new FakeClock() });
    q.add('a');
    q.add('b');
    q.add('a');
    q.add('a');
    assert.equal(q.len(), 2);
    assert.equal(await getKey(q), 'a');
    assert.equal(await getKey(q), 'b');
    assert.equal(q.len(), 0);
  });

  it('never hands a key being processed to a second worker; re-queues it after done()', async () => {
    const q = createWorkQueue({ clock: new FakeClock() });
    q.add('a');
    assert.equal(await getKey(q), 'a');
    q.add('a');
    q.add('a');
    assert.equal(q.len(), 0, 'a key in process is not queued again yet');
    let second: string | undefined;
    void q.get().then((i) => (second = i.key));
    await flush();
    assert.equal(second, undefined, 'a waiting worker does not get the in-process key');
    q.done('a');
    await flush();
    assert.equal(second, 'a');
    q.done('a');
    assert.equal(q.len(), 0);
  });

  it('done() without a new add does not re-queue', async () => {
    const q = createWorkQueue({ clock: new FakeClock() });
    q.add('a');
    await getKey(q);
    q.done('a');
    assert.equal(q.len(), 0);
  });

  it('get() waits for an add', async () => {
    const q = createWorkQueue<string>({ clock: new FakeClock() });
    const got = q.get();
    let resolved = false;
    void got.then(() => (resolved = true));
    await flush();
    assert.equal(resolved, false);
    q.add('x');
    assert.deepEqual(await got, { key: 'x', shutdown: false });
  });

  it('addAfter adds once the delay has passed; an earlier time wins', async () => {
    const clock = new FakeClock();
    const q = createWorkQueue({ clock });
    q.addAfter('a', 1000);
    q.addAfter('a', 500);
    q.addAfter('a', 2000);
    clock.advance(499);
    assert.equal(q.len(), 0);
    clock.advance(1);
    assert.equal(q.len(), 1);
    clock.advance(5000);
    assert.equal(q.len(), 1, 'the later duplicates did not add again');
    q.addAfter('b', 0);
    assert.equal(q.len(), 2, 'a zero delay adds at once');
  });

  it('addRateLimited backs off exponentially per key until forget()', async () => {
    const clock = new FakeClock();
    const q = createWorkQueue({ clock, rateLimiter: new ItemExponentialFailureRateLimiter<string>(10, 1000) });
    q.addRateLimited('a');
    assert.equal(q.numRequeues('a'), 1);
    clock.advance(9);
    assert.equal(q.len(), 0);
    clock.advance(1);
    assert.equal(q.len(), 1);
    assert.equal(await getKey(q), 'a');
    q.addRateLimited('a');
    q.done('a');
    clock.advance(19);
    assert.equal(q.len(), 0);
    clock.advance(1);
    assert.equal(q.len(), 1);
    assert.equal(q.numRequeues('a'), 2);
    q.forget('a');
    assert.equal(q.numRequeues('a'), 0);
  });

  it('default rate limiter starts at 5 ms', () => {
    const clock = new FakeClock();
    const q = createWorkQueue({ clock });
    q.addRateLimited('a');
    clock.advance(4);
    assert.equal(q.len(), 0);
    clock.advance(1);
    assert.equal(q.len(), 1);
  });

  it('shutDown wakes waiting workers, ignores adds and drops delayed keys, but hands out queued ones', async () => {
    const clock = new FakeClock();
    const q = createWorkQueue({ clock });
    const waiting = q.get();
    q.add('a');
    assert.equal((await waiting).key, 'a');
    q.add('b');
    q.addAfter('c', 100);
    const next = q.get();
    assert.equal((await next).key, 'b');
    const blocked = q.get();
    q.shutDown();
    assert.deepEqual(await blocked, { shutdown: true });
    q.add('d');
    clock.advance(1000);
    assert.equal(q.len(), 0);
    assert.equal(q.shuttingDown(), true);
    assert.deepEqual(await q.get(), { shutdown: true });
  });

  it('items queued before shutdown are still handed out', async () => {
    const q = createWorkQueue({ clock: new FakeClock() });
    q.add('a');
    q.shutDown();
    assert.deepEqual(await q.get(), { key: 'a', shutdown: false });
    assert.deepEqual(await q.get(), { shutdown: true });
  });

  it('shutDownWithDrain resolves only after in-process keys are done', async () => {
    const q = createWorkQueue({ clock: new FakeClock() });
    q.add('a');
    q.add('b');
    await getKey(q);
    await getKey(q);
    let drained = false;
    const p = q.shutDownWithDrain().then(() => (drained = true));
    await flush();
    assert.equal(drained, false);
    q.done('a');
    await flush();
    assert.equal(drained, false);
    q.done('b');
    await p;
    assert.equal(drained, true);
  });

  it('shutDownWithDrain on an idle queue resolves at once', async () => {
    const q = createWorkQueue({ clock: new FakeClock() });
    await q.shutDownWithDrain();
    assert.equal(q.shuttingDown(), true);
  });
});
