// Runs the shared Storage contract against the in-memory backend, plus what only it promises.
// No I/O: everything here stays in process.

import assert from 'node:assert/strict';
import { it } from 'node:test';
import { storageContract, takeEvents } from './contract.js';
import { StorageCompacted, StorageError } from './interface.js';
import { createMemoryStorage } from './memory.js';

storageContract('memory', async () => createMemoryStorage());

it('memory: a fresh store starts at revision 1 like a fresh etcd, and the first write is 2', async () => {
  const s = createMemoryStorage();
  assert.equal(await s.currentRevision(), 1);
  assert.equal(await s.create('/a', 'x', { ttlSeconds: 30 }), 2);
});

it('memory: list and compact at a future revision fail, watch from the future waits for it', async () => {
  const s = createMemoryStorage();
  await s.create('/a', 'x');
  await assert.rejects(s.list('/', { revision: 10 }), (e: unknown) => e instanceof StorageError && /future revision/.test(e.message));
  await assert.rejects(s.compact(10), StorageError);
  const w = s.watch('/', 3);
  await s.create('/b', 'y'); // revision 3: not after 3
  await s.create('/c', 'z'); // revision 4
  const [event] = await takeEvents(w, 1);
  assert.equal(event.key, '/c');
  w.close();
});

it('memory: list at an old revision after compaction of a later one keeps the keys as they were', async () => {
  const s = createMemoryStorage();
  const r1 = await s.create('/k/a', '1');
  await s.create('/k/b', '1');
  const r3 = await s.delete('/k/a', r1);
  await s.create('/k/c', '1');
  await s.compact(r3.revision);
  assert.deepEqual((await s.list('/k/', { revision: r3.revision })).items.map((kv) => kv.key), ['/k/b']);
  await assert.rejects(s.list('/k/', { revision: r3.revision - 1 }), StorageCompacted);
  assert.deepEqual((await s.list('/k/')).items.map((kv) => kv.key), ['/k/b', '/k/c']);
});
