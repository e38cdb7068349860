// The behaviour every Storage must show, as one node:test suite run against each backend (memory.test.ts,
// etcd.test.ts). Tests use their own key prefix and never assume absolute revisions, so they can share
// one etcd. Only test files import this; it must never be imported by production code.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  StorageAlreadyExists,
  StorageCompacted,
  StorageConflict,
  StorageNotFound,
  StorageUnavailable,
  type Storage,
  type StorageEvent,
  type Watch,
} from './interface.js';

export interface ContractOptions {
  /** node:test skip: a reason string to skip the whole suite. */
  skip?: string | false;
}

/** Reads exactly n events, failing if they do not arrive within timeoutMs. */
export async function takeEvents(watch: Watch, n: number, timeoutMs = 5000): Promise<StorageEvent[]> {
  const it = watch[Symbol.asyncIterator]();
  const events: StorageEvent[] = [];
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`got ${events.length} of ${n} events within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    while (events.length < n) {
      const next = await Promise.race([it.next(), timeout]);
      if (next.done) throw new Error(`watch ended after ${events.length} of ${n} events`);
      events.push(next.value);
    }
    return events;
  } finally {
    clearTimeout(timer);
  }
}

/** The error the watch's next read fails with, within timeoutMs. */
export async function watchError(watch: Watch, timeoutMs = 5000): Promise<unknown> {
  let timer: NodeJS.Timeout | undefined;
  try {
    const result = await Promise.race([
      watch[Symbol.asyncIterator]().next(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`watch did not fail within ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
    throw new Error(`expected the watch to fail, got ${JSON.stringify(result)}`);
  } catch (err) {
    return err;
  } finally {
    clearTimeout(timer);
  }
}

let suites = 0;

export function storageContract(
  name: string,
  open: () => Promise<Storage>,
  options: ContractOptions = {},
): void {
  const suite = ++suites;
  let tests = 0;
  /** A fresh storage handle and a key prefix no other test uses. */
  async function fixture(): Promise<{ s: Storage; p: string }> {
    return { s: await open(), p: `/contract/${process.pid}/${suite}/${++tests}/` };
  }

  describe(`Storage contract: ${name}`, { skip: options.skip ?? false }, () => {
    it('create stores a new key, get reads it, a second create fails with AlreadyExists', async () => {
      const { s, p } = await fixture();
      try {
        const before = await s.currentRevision();
        const rev = await s.create(`${p}a`, 'one');
        assert.ok(rev > before, `create revision ${rev} must be above ${before}`);
        assert.deepEqual(await s.get(`${p}a`), { key: `${p}a`, value: 'one', modRevision: rev, createRevision: rev });
        assert.equal(await s.currentRevision(), rev);
        await assert.rejects(s.create(`${p}a`, 'two'), (err: unknown) => {
          assert.ok(err instanceof StorageAlreadyExists);
          assert.equal(err.key, `${p}a`);
          return true;
        });
        assert.equal((await s.get(`${p}a`))?.value, 'one');
        assert.equal(await s.get(`${p}missing`), undefined);
        assert.equal(await s.currentRevision(), rev, 'a failed create must not advance the revision');
      } finally {
        await s.close();
      }
    });

    it('update needs the current revision: stale -> Conflict, missing -> NotFound', async () => {
      const { s, p } = await fixture();
      try {
        const created = await s.create(`${p}u`, 'v1');
        const updated = await s.update(`${p}u`, 'v2', created);
        assert.ok(updated > created);
        assert.deepEqual(await s.get(`${p}u`), { key: `${p}u`, value: 'v2', modRevision: updated, createRevision: created });
        await assert.rejects(s.update(`${p}u`, 'v3', created), (err: unknown) => {
          assert.ok(err instanceof StorageConflict);
          assert.equal(err.key, `${p}u`);
          assert.equal(err.actualRevision, updated);
          return true;
        });
        assert.equal((await s.get(`${p}u`))?.value, 'v2');
        await assert.rejects(s.update(`${p}nope`, 'x', 5), StorageNotFound);
        await assert.rejects(s.update(`${p}nope`, 'x', 0), StorageNotFound);
        assert.equal(await s.get(`${p}nope`), undefined, 'an update must never create');
      } finally {
        await s.close();
      }
    });

    it('delete: conditional on the revision, returns the deleted value, NotFound when absent', async () => {
      const { s, p } = await fixture();
      try {
        const r1 = await s.create(`${p}d`, 'gone-soon');
        const r2 = await s.update(`${p}d`, 'gone', r1);
        await assert.rejects(s.delete(`${p}d`, r1), (err: unknown) => {
          assert.ok(err instanceof StorageConflict);
          assert.equal(err.actualRevision, r2);
          return true;
        });
        const { revision, prev } = await s.delete(`${p}d`, r2);
        assert.ok(revision > r2);
        assert.deepEqual(prev, { key: `${p}d`, value: 'gone', modRevision: r2, createRevision: r1 });
        assert.equal(await s.get(`${p}d`), undefined);
        await assert.rejects(s.delete(`${p}d`), StorageNotFound);
        await assert.rejects(s.delete(`${p}d`, r2), StorageNotFound);

        const r3 = await s.create(`${p}e`, 'free');
        const unconditional = await s.delete(`${p}e`);
        assert.equal(unconditional.prev.value, 'free');
        assert.equal(unconditional.prev.modRevision, r3);
        assert.equal(await s.currentRevision(), unconditional.revision);
      } finally {
        await s.close();
      }
    });

    it('list: prefix only, sorted by key bytes, paged with limit+startAfter at one revision', async () => {
      const { s, p } = await fixture();
      try {
        await s.create(`${p}x/c`, 'c1');
        await s.create(`${p}x/a`, 'a1');
        await s.create(`${p}x/b`, 'b1');
        await s.create(`${p}x/B`, 'B1');
        await s.create(`${p}xy`, 'outside'); // shares the string prefix but not the "x/" prefix
        await s.create(`${p}w`, 'outside');

        const all = await s.list(`${p}x/`);
        assert.deepEqual(all.items.map((kv) => kv.key), [`${p}x/B`, `${p}x/a`, `${p}x/b`, `${p}x/c`]);
        assert.equal(all.more, false);
        assert.equal(all.revision, await s.currentRevision());

        const page1 = await s.list(`${p}x/`, { limit: 2 });
        assert.deepEqual(page1.items.map((kv) => kv.value), ['B1', 'a1']);
        assert.equal(page1.more, true);
        assert.equal(page1.remaining, 2);

        // Writes between pages must not show in later pages read at the first page's revision.
        const c1 = (await s.get(`${p}x/c`))!.modRevision;
        await s.update(`${p}x/c`, 'c2', c1);
        await s.create(`${p}x/bb`, 'bb1');
        await s.delete(`${p}x/b`);

        const page2 = await s.list(`${p}x/`, { limit: 2, startAfter: page1.items[1].key, revision: page1.revision });
        assert.deepEqual(page2.items.map((kv) => [kv.key, kv.value]), [[`${p}x/b`, 'b1'], [`${p}x/c`, 'c1']]);
        assert.equal(page2.revision, page1.revision);
        assert.equal(page2.more, false);
        assert.equal(page2.remaining, 0);
        assert.equal(page2.items[1].modRevision, c1);

        const latest = await s.list(`${p}x/`, { startAfter: `${p}x/a` });
        assert.deepEqual(latest.items.map((kv) => [kv.key, kv.value]), [[`${p}x/bb`, 'bb1'], [`${p}x/c`, 'c2']]);
        assert.ok(latest.revision > page1.revision);

        const empty = await s.list(`${p}nothing/`);
        assert.deepEqual(empty.items, []);
        assert.equal(empty.more, false);
      } finally {
        await s.close();
      }
    });

    it('watch from a past revision replays every change under the prefix in order', async () => {
      const { s, p } = await fixture();
      try {
        const start = await s.currentRevision();
        const r1 = await s.create(`${p}k`, 'v1');
        await s.create(`/other${p}k`, 'not mine');
        const r2 = await s.update(`${p}k`, 'v2', r1);
        const r3 = await s.create(`${p}j`, 'j1');
        const { revision: r4 } = await s.delete(`${p}k`, r2);

        const w = s.watch(p, start);
        const events = await takeEvents(w, 4);
        w.close();
        assert.deepEqual(events, [
          { type: 'PUT', key: `${p}k`, value: 'v1', revision: r1, created: true },
          { type: 'PUT', key: `${p}k`, value: 'v2', prevValue: 'v1', revision: r2, created: false },
          { type: 'PUT', key: `${p}j`, value: 'j1', revision: r3, created: true },
          { type: 'DELETE', key: `${p}k`, prevValue: 'v2', revision: r4, created: false },
        ]);

        const fromMiddle = s.watch(p, r2);
        assert.deepEqual((await takeEvents(fromMiddle, 2)).map((e) => e.revision), [r3, r4]);
        fromMiddle.close();
      } finally {
        await s.close();
      }
    });

    it('watch sees live changes, including DELETE with the previous value, and ends on close()', async () => {
      const { s, p } = await fixture();
      try {
        const w = s.watch(p, await s.currentRevision());
        const pending = takeEvents(w, 3);
        await s.create(`/elsewhere${p}`, 'ignored');
        const r1 = await s.create(`${p}live`, 'a');
        const r2 = await s.update(`${p}live`, 'b', r1);
        const { revision: r3 } = await s.delete(`${p}live`);
        assert.deepEqual(await pending, [
          { type: 'PUT', key: `${p}live`, value: 'a', revision: r1, created: true },
          { type: 'PUT', key: `${p}live`, value: 'b', prevValue: 'a', revision: r2, created: false },
          { type: 'DELETE', key: `${p}live`, prevValue: 'b', revision: r3, created: false },
        ]);
        w.close();
        assert.deepEqual(await w[Symbol.asyncIterator]().next(), { value: undefined, done: true });

        // break out of for-await closes the watch too.
        const w2 = s.watch(p, r1 - 1);
        for await (const event of w2) {
          assert.equal(event.revision, r1);
          break;
        }
        assert.deepEqual(await w2[Symbol.asyncIterator]().next(), { value: undefined, done: true });
      } finally {
        await s.close();
      }
    });

    it('after compaction, watch and list from older revisions fail with Compacted', async () => {
      const { s, p } = await fixture();
      try {
        const r1 = await s.create(`${p}c`, 'v1');
        const r2 = await s.update(`${p}c`, 'v2', r1);
        const r3 = await s.update(`${p}c`, 'v3', r2);
        await s.compact(r3);
        await s.compact(r2); // compacting again below the compact revision is a no-op

        const err = await watchError(s.watch(p, r1));
        assert.ok(err instanceof StorageCompacted, `expected StorageCompacted, got ${String(err)}`);
        assert.equal(err.compactRevision, r3);
        await assert.rejects(s.list(p, { revision: r2 }), (e: unknown) => {
          assert.ok(e instanceof StorageCompacted);
          assert.equal(e.requested, r2);
          assert.equal(e.compactRevision, r3);
          return true;
        });

        // The compact revision itself stays readable and watchable.
        const atCompaction = await s.list(p, { revision: r3 });
        assert.equal(atCompaction.items[0]?.value, 'v3');
        const w = s.watch(p, r3 - 1);
        const [event] = await takeEvents(w, 1);
        w.close();
        assert.equal(event.revision, r3);
        assert.equal(event.value, 'v3');
      } finally {
        await s.close();
      }
    });

    it('concurrent creates of one key: exactly one wins; concurrent updates: exactly one wins', async () => {
      const { s, p } = await fixture();
      try {
        const creates = await Promise.allSettled(Array.from({ length: 10 }, (_, i) => s.create(`${p}race`, `v${i}`)));
        const won = creates.flatMap((r, i) => (r.status === 'fulfilled' ? [i] : []));
        assert.equal(won.length, 1);
        for (const r of creates) {
          if (r.status === 'rejected') assert.ok(r.reason instanceof StorageAlreadyExists, String(r.reason));
        }
        const kv = (await s.get(`${p}race`))!;
        assert.equal(kv.value, `v${won[0]}`);

        const updates = await Promise.allSettled(
          Array.from({ length: 10 }, (_, i) => s.update(`${p}race`, `u${i}`, kv.modRevision)),
        );
        assert.equal(updates.filter((r) => r.status === 'fulfilled').length, 1);
        for (const r of updates) {
          if (r.status === 'rejected') assert.ok(r.reason instanceof StorageConflict, String(r.reason));
        }
      } finally {
        await s.close();
      }
    });

    it('close() ends open watches and later calls fail with Unavailable', async () => {
      const { s, p } = await fixture();
      const w = s.watch(p, await s.currentRevision());
      await s.ping();
      await s.close();
      const next = await w[Symbol.asyncIterator]().next();
      assert.equal(next.done, true);
      await assert.rejects(s.get(`${p}x`), StorageUnavailable);
    });
  });
}
