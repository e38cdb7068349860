import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startMemoryApiserver, type MemoryApiserver } from '../../test/support/memory-apiserver.js';
import { eventually, testControllerContext, type TestControllerContext } from '../../test/support/controller-context.js';
import { createServiceAccountsController, type ServiceAccountsController } from './serviceaccounts-controller.js';

let api: MemoryApiserver;
let t: TestControllerContext;
let controller: ServiceAccountsController;

before(async () => {
  api = await startMemoryApiserver();
  await api.client.resource('namespaces').create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team-a' } } as never);
  t = testControllerContext(api.client);
  controller = createServiceAccountsController(t.ctx);
  await t.startInformers();
  api.clearWrites();
});

after(async () => {
  await t.stop();
  await api.stop();
});

test('a namespace gets the default ServiceAccount once, and again after it is deleted', async () => {
  await controller.reconcile('team-a');
  assert.deepEqual(api.writes.map((w) => [w.verb, w.path, w.statusCode]), [['create', '/api/v1/namespaces/team-a/serviceaccounts', 201]]);
  const accounts = t.ctx.informers.informer<any>('serviceaccounts').store;
  await eventually(() => accounts.getByKey('team-a/default'), 'the account in the cache');
  api.clearWrites();
  await controller.reconcile('team-a');
  assert.deepEqual(api.writes, []);
  await api.client.resource('serviceaccounts', 'team-a').delete('default');
  await eventually(() => !accounts.getByKey('team-a/default'), 'the deletion in the cache');
  await controller.reconcile('team-a');
  await api.client.resource('serviceaccounts', 'team-a').get('default');
});

test('a terminating namespace gets nothing', async () => {
  await api.client.resource('namespaces').create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'going', finalizers: [] }, spec: { finalizers: ['example.com/hold'] } } as never);
  await api.client.resource('namespaces').delete('going');
  const namespaces = t.ctx.informers.informer<any>('namespaces').store;
  await eventually(() => namespaces.getByKey('going')?.metadata?.deletionTimestamp, 'the terminating namespace in the cache');
  api.clearWrites();
  await controller.reconcile('going');
  assert.deepEqual(api.writes, []);
});
