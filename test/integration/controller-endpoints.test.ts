// The endpoint and endpointslice controllers against a real apiserver on a real etcd: Endpoints and
// EndpointSlices follow pod readiness (a test helper plays the kubelet) and named target ports.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createClient, loadClientConfig, type Client } from '../../client/index.js';
import { endpointControllerDescriptor } from '../../controller-manager/endpoint/endpoints-controller.js';
import { endpointSliceControllerDescriptor } from '../../controller-manager/endpointslice/endpointslice-controller.js';
import { startTestCluster, type TestCluster } from '../support/cluster.js';
import { createTestPod, eventually, setTestPodReady, testControllerContext, type TestControllerContext } from '../support/controller-context.js';

let cluster: TestCluster;
let client: Client;
let t: TestControllerContext;
let running: Promise<unknown>;

before(async () => {
  cluster = await startTestCluster();
  client = createClient(await loadClientConfig({ kubeconfig: cluster.kubeconfig }));
  t = testControllerContext(client);
  running = Promise.all([endpointControllerDescriptor.start(t.ctx), endpointSliceControllerDescriptor.start(t.ctx)]);
  await t.startInformers();
});

after(async () => {
  await t?.stop();
  await running;
  client?.close();
  await cluster?.stop();
});

const endpoints = () => client.resource('endpoints', 'default').get('web') as Promise<any>;
const slices = async () => ((await client.resource('endpointslices.discovery.k8s.io', 'default').list({ labelSelector: 'kubernetes.io/service-name=web' })).items as any[]);

test('Endpoints and EndpointSlices follow pod readiness on the named target port', async () => {
  await client.resource('services', 'default').create({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'web' }, spec: { selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort: 'http' }] } } as never);
  // No pods yet: an empty Endpoints and one placeholder slice.
  await eventually(async () => (await endpoints()).metadata.name === 'web', 'an Endpoints for web');
  await eventually(async () => (await slices()).length === 1, 'a placeholder slice');

  await createTestPod(client, { name: 'web-1', labels: { app: 'web' }, nodeName: 'node-a', ports: { http: 8080 } });
  await setTestPodReady(client, 'default', 'web-1', true, '10.244.1.10');
  const ready = await eventually(async () => { const ep = await endpoints(); return ep.subsets?.[0]?.addresses?.[0]?.ip === '10.244.1.10' && ep; }, 'web-1 ready in Endpoints');
  assert.deepEqual(ready.subsets[0].ports, [{ name: 'http', port: 8080, protocol: 'TCP' }]);
  assert.equal(ready.subsets[0].addresses[0].nodeName, 'node-a');
  const slice = await eventually(async () => { const s = await slices(); return s.length === 1 && s[0].endpoints?.length === 1 && s[0]; }, 'web-1 in the slice');
  assert.deepEqual(slice.ports, [{ name: 'http', port: 8080, protocol: 'TCP' }]);
  assert.deepEqual(slice.endpoints[0].conditions, { ready: true, serving: true, terminating: false });

  await setTestPodReady(client, 'default', 'web-1', false, '10.244.1.10');
  const notReady = await eventually(async () => { const ep = await endpoints(); return ep.subsets?.[0]?.notReadyAddresses && ep; }, 'web-1 not ready in Endpoints');
  assert.equal(notReady.subsets[0].addresses, undefined);
  assert.equal(notReady.subsets[0].notReadyAddresses[0].ip, '10.244.1.10');
  await eventually(async () => (await slices())[0]?.endpoints?.[0]?.conditions?.ready === false, 'ready=false in the slice');

  await client.resource('pods', 'default').delete('web-1', { gracePeriodSeconds: 0 });
  await eventually(async () => !(await endpoints()).subsets?.length, 'Endpoints emptied');
  await eventually(async () => { const s = await slices(); return s.length === 1 && !(s[0].endpoints ?? []).length; }, 'back to a placeholder slice');
});
