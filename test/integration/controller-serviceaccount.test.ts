// The serviceaccount controller against a real apiserver on a real etcd: a new namespace gets its
// `default` ServiceAccount, and gets it back after it is deleted.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createClient, loadClientConfig, type Client } from '../../client/index.js';
import { serviceAccountControllerDescriptor } from '../../controller-manager/serviceaccount/serviceaccounts-controller.js';
import { startTestCluster, type TestCluster } from '../support/cluster.js';
import { eventually, testControllerContext, type TestControllerContext } from '../support/controller-context.js';

let cluster: TestCluster;
let client: Client;
let t: TestControllerContext;
let running: Promise<unknown>;

before(async () => {
  cluster = await startTestCluster();
  client = createClient(await loadClientConfig({ kubeconfig: cluster.kubeconfig }));
  t = testControllerContext(client);
  running = serviceAccountControllerDescriptor.start(t.ctx);
  await t.startInformers();
});

after(async () => {
  await t?.stop();
  await running;
  client?.close();
  await cluster?.stop();
});

test('a new namespace gets the default ServiceAccount, recreated when deleted', async () => {
  await client.resource('namespaces').create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team-b' } } as never);
  const sas = client.resource('serviceaccounts', 'team-b');
  const first = (await eventually(() => sas.get('default').catch(() => undefined), 'default in team-b')) as any;
  await sas.delete('default');
  const second = (await eventually(async () => { const sa = (await sas.get('default').catch(() => undefined)) as any; return sa && sa.metadata.uid !== first.metadata.uid && sa; }, 'default recreated')) as any;
  assert.equal(second.metadata.name, 'default');
  // The system namespaces have one too.
  await eventually(() => client.resource('serviceaccounts', 'kube-system').get('default').catch(() => undefined), 'default in kube-system');
});
