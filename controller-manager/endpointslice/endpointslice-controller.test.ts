import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startMemoryApiserver, type MemoryApiserver } from '../../test/support/memory-apiserver.js';
import { createTestPod, eventually, setTestPodReady, testControllerContext, type TestControllerContext } from '../../test/support/controller-context.js';
import { createEndpointSliceController, type EndpointSliceController } from './endpointslice-controller.js';
import { planSlices } from './desired-slices.js';

let api: MemoryApiserver;
let t: TestControllerContext;
let controller: EndpointSliceController;

const sliceWrites = () => api.writes.filter((w) => w.path.includes('/endpointslices'));
const listSlices = async (service: string) =>
  ((await api.client.resource('endpointslices.discovery.k8s.io', 'default').list({ labelSelector: `kubernetes.io/service-name=${service}` })).items as any[]);

before(async () => {
  api = await startMemoryApiserver();
  await api.client.resource('nodes').create({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1', labels: { 'topology.kubernetes.io/zone': 'zone-a' } } } as never);
  const services = api.client.resource('services', 'default');
  await services.create({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'web' }, spec: { selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort: 'http' }] } } as never);
  await services.create({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'empty' }, spec: { selector: { app: 'none' }, ports: [{ port: 80 }] } } as never);
  await createTestPod(api.client, { name: 'web-a', labels: { app: 'web' }, nodeName: 'n1', ports: { http: 8080 } });
  await createTestPod(api.client, { name: 'web-b', labels: { app: 'web' }, nodeName: 'n1', ports: { http: 8080 } });
  await setTestPodReady(api.client, 'default', 'web-a', true, '10.244.1.5');
  await setTestPodReady(api.client, 'default', 'web-b', false, '10.244.1.6');
  t = testControllerContext(api.client);
  controller = createEndpointSliceController(t.ctx);
  await t.startInformers();
  api.clearWrites();
});

after(async () => {
  await t.stop();
  await api.stop();
});

test('a service gets one labelled, owned slice with conditions, node, zone and the resolved port', async () => {
  await controller.reconcile('default/web');
  assert.deepEqual(sliceWrites().map((w) => [w.verb, w.statusCode]), [['create', 201]]);
  const [slice, ...rest] = await listSlices('web');
  assert.equal(rest.length, 0);
  assert.match(slice.metadata.name, /^web-[a-z0-9]{5}$/);
  assert.equal(slice.metadata.labels['endpointslice.kubernetes.io/managed-by'], 'endpointslice-controller.k8s.io');
  assert.equal(slice.metadata.ownerReferences[0].kind, 'Service');
  assert.equal(slice.addressType, 'IPv4');
  assert.deepEqual(slice.ports, [{ name: 'http', port: 8080, protocol: 'TCP' }]);
  assert.deepEqual(slice.endpoints.map((e: any) => [e.addresses[0], e.conditions, e.nodeName, e.zone, e.targetRef.name]), [
    ['10.244.1.5', { ready: true, serving: true, terminating: false }, 'n1', 'zone-a', 'web-a'],
    ['10.244.1.6', { ready: false, serving: false, terminating: false }, 'n1', 'zone-a', 'web-b'],
  ]);
});

test('a readiness change updates the same slice; an unchanged service writes nothing', async () => {
  const slices = t.ctx.informers.informer('endpointslices.discovery.k8s.io');
  await eventually(() => slices.store.list().length === 1, 'the slice in the cache');
  api.clearWrites();
  await controller.reconcile('default/web');
  assert.deepEqual(sliceWrites(), []);
  await setTestPodReady(api.client, 'default', 'web-b', true, '10.244.1.6');
  const pods = t.ctx.informers.informer<any>('pods');
  await eventually(() => pods.store.getByKey('default/web-b')?.status?.conditions?.[0]?.status === 'True', 'web-b ready in the cache');
  await controller.reconcile('default/web');
  assert.deepEqual(sliceWrites().map((w) => w.verb), ['update']);
  const [slice] = await listSlices('web');
  assert.deepEqual(slice.endpoints.map((e: any) => e.conditions.ready), [true, true]);
});

test('a service selecting no pods gets one empty placeholder slice', async () => {
  api.clearWrites();
  await controller.reconcile('default/empty');
  const slices = await listSlices('empty');
  assert.equal(slices.length, 1);
  assert.deepEqual(slices[0].endpoints ?? [], []);
  assert.deepEqual(slices[0].ports ?? [], []);
});

test('more than 100 endpoints spread over slices of at most 100', () => {
  const service = { metadata: { name: 's', namespace: 'default', uid: 'u' }, spec: { selector: { a: 'b' }, ports: [{ port: 80 }] } } as any;
  const pods = Array.from({ length: 250 }, (_, i) => ({
    metadata: { name: `p${i}`, namespace: 'default', uid: `u${i}`, labels: { a: 'b' } },
    spec: { containers: [] },
    status: { phase: 'Running', podIP: `10.0.${Math.floor(i / 200)}.${i % 200}`, conditions: [{ type: 'Ready', status: 'True' }] },
  })) as any[];
  const plan = planSlices(service, pods, () => undefined, []);
  assert.deepEqual(plan.create.map((s) => s.endpoints.length), [100, 100, 50]);
  // Re-planning over what exists changes nothing.
  const existing = plan.create.map((s, i) => ({ ...s, metadata: { ...s.metadata, name: `s-${i}` } }));
  const again = planSlices(service, pods, () => undefined, existing);
  assert.deepEqual([again.create.length, again.update.length, again.delete.length], [0, 0, 0]);
});

test('deleting the service removes its slices', async () => {
  await api.client.resource('services', 'default').delete('web');
  const services = t.ctx.informers.informer('services');
  await eventually(() => !services.store.getByKey('default/web'), 'web gone from the cache');
  api.clearWrites();
  await controller.reconcile('default/web');
  assert.deepEqual(sliceWrites().map((w) => w.verb), ['delete']);
  assert.deepEqual(await listSlices('web'), []);
});
