// Unit tests of the TTL-after-finished controller against the in-memory apiserver with an injected clock.
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { pino } from 'pino';
import { startMemoryApiserver, type MemoryApiserver } from '../../test/support/memory-apiserver.js';
import { testControllerContext } from '../../test/support/controller-context.js';
import { newQueue } from '../controller.js';
import { TTLAfterFinishedController } from './ttl-controller.js';
import type { Job } from './types.js';

async function waitFor<T>(what: string, fn: () => T | undefined | false | null, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

let api: MemoryApiserver;
before(async () => {
  api = await startMemoryApiserver();
});
after(async () => {
  await api.stop();
});

it('deletes a finished Job ttlSecondsAfterFinished after it finished, with Foreground propagation', async () => {
  const t = testControllerContext(api.client);
  const jobs = t.ctx.informers.informer<Job>('jobs.batch');
  const clock = { now: Date.parse('2030-01-01T00:00:00Z') };
  const controller = new TTLAfterFinishedController({ client: api.client, jobs, queue: newQueue('ttl-test'), logger: pino({ level: 'silent' }), now: () => clock.now });
  controller.register();
  await t.startInformers();
  const spec = { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'busybox:latest' }] } } };
  await api.client.resource('jobs.batch', 'default').create({ metadata: { name: 'short' }, spec: { ...spec, ttlSecondsAfterFinished: 100 } });
  await api.client.resource('jobs.batch', 'default').create({ metadata: { name: 'running' }, spec: { ...spec, ttlSecondsAfterFinished: 0 } });
  const finished = '2030-01-01T00:00:00Z';
  await api.client.resource('jobs.batch', 'default').patch('short', 'merge', { status: { startTime: finished, completionTime: finished, succeeded: 1, conditions: [{ type: 'SuccessCriteriaMet', status: 'True', lastTransitionTime: finished }, { type: 'Complete', status: 'True', lastTransitionTime: finished }] } }, {}, 'default', 'status');
  await waitFor('finished in cache', () => jobs.store.getByKey('default/short')?.status?.conditions?.length === 2 && jobs.store.getByKey('default/running'));
  api.clearWrites();

  clock.now += 40_000;
  assert.deepEqual(await controller.reconcile('default/short'), { requeueAfterMs: 60_000 });
  assert.equal(await controller.reconcile('default/running'), undefined, 'an unfinished job never expires');
  assert.equal(api.writes.length, 0);

  clock.now += 60_000;
  await controller.reconcile('default/short');
  assert.equal(api.writes.length, 1);
  assert.equal(api.writes[0]!.verb, 'delete');
  assert.equal(api.writes[0]!.path, '/apis/batch/v1/namespaces/default/jobs/short');
  const body = JSON.parse(String(api.writes[0]!.body)) as { propagationPolicy?: string; preconditions?: { uid?: string } };
  assert.equal(body.propagationPolicy, 'Foreground');
  assert.equal(body.preconditions?.uid, jobs.store.getByKey('default/short')!.metadata!.uid);
  // Foreground: the Job stays, being deleted, with the garbage collector's finalizer.
  const live = await api.client.resource<Job>('jobs.batch', 'default').get('short');
  assert.ok(live.metadata?.deletionTimestamp);
  assert.deepEqual(live.metadata?.finalizers, ['foregroundDeletion']);
  await t.stop();
});
