import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startMemoryApiserver, type MemoryApiserver } from '../../test/support/memory-apiserver.js';
import { createTestPod, eventually, setTestPodReady, testControllerContext, type TestControllerContext } from '../../test/support/controller-context.js';
import { createEndpointsController, type EndpointsController } from './endpoints-controller.js';

let api: MemoryApiserver;
let t: TestControllerContext;
let controller: EndpointsController;

const endpointWrites = () => api.writes.filter((w) => w.path.includes('/endpoints'));

before(async () => {
  api = await startMemoryApiserver();
  const services = api.client.resource('services', 'default');
  await services.create({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', labels: { tier: 'front' } }, spec: { selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort: 'http' }] } } as never);
  await services.create({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'manual' }, spec: { ports: [{ port: 80 }] } } as never);
  await services.create({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'db' }, spec: { clusterIP: 'None', publishNotReadyAddresses: true, selector: { app: 'db' }, ports: [{ name: 'sql', port: 5432 }] } } as never);
  await createTestPod(api.client, { name: 'web-a', labels: { app: 'web' }, nodeName: 'n1', ports: { http: 8080 } });
  await createTestPod(api.client, { name: 'web-b', labels: { app: 'web' }, nodeName: 'n2', ports: { http: 9090 } });
  await createTestPod(api.client, { name: 'web-c', labels: { app: 'web' }, ports: { http: 8080 } });
  await createTestPod(api.client, { name: 'db-0', labels: { app: 'db' }, hostname: 'db-0', subdomain: 'db' });
  await setTestPodReady(api.client, 'default', 'web-a', true, '10.244.1.5');
  await setTestPodReady(api.client, 'default', 'web-b', false, '10.244.2.6');
  await setTestPodReady(api.client, 'default', 'db-0', false, '10.244.1.9');
  t = testControllerContext(api.client);
  controller = createEndpointsController(t.ctx);
  await t.startInformers();
  api.clearWrites();
});

after(async () => {
  await t.stop();
  await api.stop();
});

test('a service gets Endpoints with ready and not-ready addresses on their resolved named ports', async () => {
  await controller.reconcile('default/web');
  const writes = endpointWrites();
  assert.deepEqual(writes.map((w) => [w.verb, w.path, w.statusCode]), [['create', '/api/v1/namespaces/default/endpoints', 201]]);
  const ep = (await api.client.resource('endpoints', 'default').get('web')) as any;
  assert.equal(ep.metadata.labels.tier, 'front');
  assert.ok(ep.metadata.annotations['endpoints.kubernetes.io/last-change-trigger-time']);
  const uidA = ((await api.client.resource('pods', 'default').get('web-a')) as any).metadata.uid;
  // The pod without an IP is left out; each pod's named port resolves on its own.
  assert.deepEqual(ep.subsets, [
    { addresses: [{ ip: '10.244.1.5', nodeName: 'n1', targetRef: { kind: 'Pod', namespace: 'default', name: 'web-a', uid: uidA } }], ports: [{ name: 'http', port: 8080, protocol: 'TCP' }] },
    { notReadyAddresses: [{ ip: '10.244.2.6', nodeName: 'n2', targetRef: { kind: 'Pod', namespace: 'default', name: 'web-b', uid: ep.subsets[1].notReadyAddresses[0].targetRef.uid } }], ports: [{ name: 'http', port: 9090, protocol: 'TCP' }] },
  ]);
});

test('reconciling an unchanged service writes nothing', async () => {
  const endpoints = t.ctx.informers.informer('endpoints');
  await eventually(() => endpoints.store.getByKey('default/web'), 'the informer to see default/web');
  api.clearWrites();
  await controller.reconcile('default/web');
  assert.deepEqual(endpointWrites(), []);
});

test('a pod turning ready moves to addresses', async () => {
  await setTestPodReady(api.client, 'default', 'web-b', true, '10.244.2.6');
  const pods = t.ctx.informers.informer<any>('pods');
  await eventually(() => pods.store.getByKey('default/web-b')?.status?.conditions?.[0]?.status === 'True', 'web-b ready in the cache');
  api.clearWrites();
  await controller.reconcile('default/web');
  assert.deepEqual(endpointWrites().map((w) => w.verb), ['update']);
  const ep = (await api.client.resource('endpoints', 'default').get('web')) as any;
  assert.deepEqual(ep.subsets.map((s: any) => [s.addresses?.map((a: any) => a.ip), s.notReadyAddresses, s.ports[0].port]), [
    [['10.244.1.5'], undefined, 8080],
    [['10.244.2.6'], undefined, 9090],
  ]);
});

test('a service without a selector is left to its owner', async () => {
  api.clearWrites();
  await controller.reconcile('default/manual');
  assert.deepEqual(endpointWrites(), []);
});

test('publishNotReadyAddresses lists unready pods as ready, with the hostname of a headless service', async () => {
  api.clearWrites();
  await controller.reconcile('default/db');
  const ep = (await api.client.resource('endpoints', 'default').get('db')) as any;
  assert.equal(ep.metadata.labels['service.kubernetes.io/headless'], '');
  assert.equal(ep.subsets.length, 1);
  assert.equal(ep.subsets[0].addresses[0].ip, '10.244.1.9');
  assert.equal(ep.subsets[0].addresses[0].hostname, 'db-0');
  assert.deepEqual(ep.subsets[0].ports, [{ name: 'sql', port: 5432, protocol: 'TCP' }]);
});

test('deleting the service deletes its Endpoints', async () => {
  await api.client.resource('services', 'default').delete('db');
  const services = t.ctx.informers.informer('services');
  await eventually(() => !services.store.getByKey('default/db'), 'the informer to see db deleted');
  api.clearWrites();
  await controller.reconcile('default/db');
  assert.deepEqual(endpointWrites().map((w) => [w.verb, w.path]), [['delete', '/api/v1/namespaces/default/endpoints/db']]);
});
