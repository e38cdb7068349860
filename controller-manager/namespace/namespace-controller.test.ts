// Unit tests of the namespace controller against the in-memory apiserver: a Terminating namespace is
// emptied with deletecollection, reports what is left in its conditions, then is finalized and goes.
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { pino } from 'pino';
import { NotFoundError, type KubeObject } from '../../client/index.js';
import { startMemoryApiserver, type MemoryApiserver } from '../../test/support/memory-apiserver.js';
import { testControllerContext } from '../../test/support/controller-context.js';
import { newQueue } from '../controller.js';
import { NamespaceController } from './namespace-controller.js';

let api: MemoryApiserver;
before(async () => {
  api = await startMemoryApiserver();
});
after(async () => {
  await api.stop();
});

it('empties a deleted namespace, reports what remains, then removes the kubernetes finalizer', async () => {
  const t = testControllerContext(api.client);
  const namespaces = t.ctx.informers.informer<KubeObject>('namespaces');
  const controller = new NamespaceController({ client: api.client, namespaces, queue: newQueue('ns-test'), logger: pino({ level: 'silent' }) });
  controller.register();
  await t.startInformers();
  const c = api.client;
  await c.resource('namespaces').create({ metadata: { name: 'doomed' } });
  await c.resource('configmaps', 'doomed').create({ metadata: { name: 'plain' } });
  await c.resource('configmaps', 'doomed').create({ metadata: { name: 'held', finalizers: ['example.com/hold'] } });
  await c.resource('secrets', 'doomed').create({ metadata: { name: 's' }, stringData: { a: 'b' } });
  await c.resource('pods', 'doomed').create({ metadata: { name: 'p' }, spec: { containers: [{ name: 'c', image: 'busybox:latest' }] } });
  await c.resource('jobs.batch', 'doomed').create({ metadata: { name: 'j' }, spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'busybox:latest' }] } } } });

  // Not being deleted: nothing happens.
  api.clearWrites();
  assert.equal(await controller.reconcile('doomed'), undefined);
  assert.equal(api.writes.length, 0);

  await c.resource('namespaces').delete('doomed');
  api.clearWrites();
  const first = await controller.reconcile('doomed');
  assert.deepEqual(first, { requeueAfterMs: 1000 }, 'requeued while content remains');
  const collections = api.writes.filter((w) => w.verb === 'deletecollection').map((w) => w.path);
  for (const p of ['/api/v1/namespaces/doomed/configmaps', '/api/v1/namespaces/doomed/pods', '/api/v1/namespaces/doomed/secrets', '/apis/batch/v1/namespaces/doomed/jobs']) {
    assert.ok(collections.includes(p), `deletecollection ${p}`);
  }
  assert.ok(!api.writes.some((w) => w.path.endsWith('/finalize')), 'not finalized while content remains');
  const ns = await c.resource('namespaces').get('doomed');
  const conditions = (ns.status as { conditions: { type: string; status: string; reason: string; message: string }[] }).conditions;
  const byType = Object.fromEntries(conditions.map((x) => [x.type, x]));
  assert.equal((ns.status as { phase: string }).phase, 'Terminating');
  assert.deepEqual(byType.NamespaceContentRemaining, { ...byType.NamespaceContentRemaining, status: 'True', reason: 'SomeResourcesRemain', message: 'Some resources are remaining: configmaps. has 1 resource instances' });
  assert.deepEqual(byType.NamespaceFinalizersRemaining, { ...byType.NamespaceFinalizersRemaining, status: 'True', reason: 'SomeFinalizersRemain', message: 'Some content in the namespace has finalizers remaining: example.com/hold in 1 resource instances' });
  assert.equal(byType.NamespaceDeletionContentFailure?.reason, 'ContentDeleted');
  assert.equal(byType.NamespaceDeletionDiscoveryFailure?.reason, 'ResourcesDiscovered');

  // The holder lets go; the next pass finds nothing and finalizes.
  await c.resource('configmaps', 'doomed').patch('held', 'merge', { metadata: { finalizers: null } });
  api.clearWrites();
  assert.equal(await controller.reconcile('doomed'), undefined);
  assert.ok(api.writes.some((w) => w.verb === 'update' && w.path === '/api/v1/namespaces/doomed/finalize' && w.statusCode === 200));
  await assert.rejects(c.resource('namespaces').get('doomed'), NotFoundError);
  await t.stop();
});
