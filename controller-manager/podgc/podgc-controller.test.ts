// Unit tests of the pod garbage collector against the in-memory apiserver with an injected clock:
// the terminated-pod threshold, pods on deleted nodes after the quarantine, unscheduled terminating pods.
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { pino } from 'pino';
import type { KubeObject } from '../../client/index.js';
import { startMemoryApiserver, type MemoryApiserver } from '../../test/support/memory-apiserver.js';
import { testControllerContext } from '../../test/support/controller-context.js';
import { PodGC, QUARANTINE_MS } from './podgc-controller.js';

async function waitFor<T>(what: string, fn: () => T | undefined | false | null, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

function bodyOf(w: { body?: unknown }): any {
  return typeof w.body === 'string' || Buffer.isBuffer(w.body) ? JSON.parse(String(w.body)) : w.body;
}

let api: MemoryApiserver;
before(async () => {
  api = await startMemoryApiserver();
});
after(async () => {
  await api.stop();
});

const container = [{ name: 'c', image: 'busybox:latest' }];

it('deletes the oldest terminated pods over the threshold, and pods of deleted nodes after the quarantine', async () => {
  const c = api.client;
  await c.resource('namespaces').create({ metadata: { name: 'podgc' } });
  await c.resource('nodes').create({ metadata: { name: 'alive' } });
  await c.resource('nodes').create({ metadata: { name: 'doomed' } });
  for (const name of ['done-1', 'done-2', 'done-3']) {
    await c.resource('pods', 'podgc').create({ metadata: { name }, spec: { containers: container, nodeName: 'alive' } });
    await c.resource('pods', 'podgc').patch(name, 'merge', { status: { phase: 'Succeeded' } }, {}, 'podgc', 'status');
  }
  await c.resource('pods', 'podgc').create({ metadata: { name: 'running' }, spec: { containers: container, nodeName: 'alive' } });
  await c.resource('pods', 'podgc').create({ metadata: { name: 'stranded' }, spec: { containers: container, nodeName: 'doomed' } });
  await c.resource('nodes').delete('doomed');

  const t = testControllerContext(c);
  const pods = t.ctx.informers.informer<KubeObject>('pods');
  const nodes = t.ctx.informers.informer<KubeObject>('nodes');
  const clock = { now: Date.now() };
  const podgc = new PodGC({ client: c, pods, nodes, terminatedPodThreshold: 2, logger: pino({ level: 'silent' }), now: () => clock.now });
  await t.startInformers();
  await waitFor('cache', () => pods.store.size >= 5 && !nodes.store.getByKey('doomed'));
  api.clearWrites();

  await podgc.gc();
  // Threshold 2 of 3 terminated: the oldest goes, forced (grace 0), without a status write.
  assert.deepEqual(api.writes.map((w) => `${w.verb} ${w.path}`), ['delete /api/v1/namespaces/podgc/pods/done-1']);
  assert.equal(bodyOf(api.writes[0]!).gracePeriodSeconds, 0);

  // The pod on the deleted node waits out the quarantine.
  await waitFor('done-1 gone', () => !pods.store.getByKey('podgc/done-1'));
  api.clearWrites();
  clock.now += QUARANTINE_MS - 1000;
  await podgc.gc();
  assert.equal(api.writes.length, 0, "nothing during the quarantine");
  clock.now += 2000;
  await podgc.gc();
  assert.deepEqual(api.writes.map((w) => `${w.verb} ${w.path}`), ['patch /api/v1/namespaces/podgc/pods/stranded/status', 'delete /api/v1/namespaces/podgc/pods/stranded']);
  const status = bodyOf(api.writes[0]!).status;
  assert.equal(status.phase, 'Failed');
  assert.deepEqual(status.conditions.map((x: { type: string; reason: string; message: string }) => [x.type, x.reason, x.message]), [['DisruptionTarget', 'DeletionByPodGC', 'PodGC: node no longer exists']]);
  await assert.rejects(c.resource('pods', 'podgc').get('stranded'));
  assert.ok(await c.resource('pods', 'podgc').get('running'), 'a pod on a live node stays');
  await t.stop();
});
