// The apiserver's admission chain against a real etcd (startTestCluster): the bootstrapped system
// PriorityClasses, Priority resolving priorityClassName, DefaultTolerationSeconds, and
// NamespaceLifecycle refusing creates in missing and terminating namespaces, as a client sees them.
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { createClient, ForbiddenError, loadClientConfig, NotFoundError, type Client } from '../../client/index.js';
import { startTestCluster, type TestCluster } from '../support/cluster.js';
import { createNamespace, pod, waitFor } from './scheduler-support.js';

let cluster: TestCluster;
let client: Client;

before(async () => {
  cluster = await startTestCluster();
  client = createClient(await loadClientConfig({ kubeconfig: cluster.kubeconfig }));
});

after(async () => {
  client?.close();
  await cluster?.stop();
});

it('bootstraps system-node-critical and system-cluster-critical', async () => {
  const pcs = client.resource('priorityclasses.scheduling.k8s.io');
  const values = Object.fromEntries((await pcs.list()).items.map((pc) => [pc.metadata!.name, pc.value]));
  assert.equal(values['system-cluster-critical'], 2000000000);
  assert.equal(values['system-node-critical'], 2000001000);
});

it('Priority resolves priorityClassName and refuses unknown classes', async () => {
  await createNamespace(client, 'prio');
  const pods = client.resource('pods', 'prio');
  const critical = await pods.create(pod('critical', { spec: { priorityClassName: 'system-cluster-critical' } }));
  assert.equal((critical.spec as any).priority, 2000000000);
  assert.equal((critical.spec as any).preemptionPolicy, 'PreemptLowerPriority');
  const plain = await pods.create(pod('plain'));
  assert.equal((plain.spec as any).priority, 0);
  await assert.rejects(pods.create(pod('lost', { spec: { priorityClassName: 'no-such-class' } })), (err: unknown) => {
    assert.ok(err instanceof ForbiddenError);
    assert.equal(err.code, 403);
    assert.equal(err.message, 'pods "lost" is forbidden: no PriorityClass with name no-such-class was found');
    return true;
  });
  const pcs = client.resource('priorityclasses.scheduling.k8s.io');
  await pcs.create({ apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name: 'adm-default' }, value: 5, globalDefault: true });
  const defaulted = await pods.create(pod('defaulted'));
  assert.equal((defaulted.spec as any).priorityClassName, 'adm-default');
  assert.equal((defaulted.spec as any).priority, 5);
  await assert.rejects(pcs.create({ apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name: 'adm-default-2' }, value: 6, globalDefault: true }), (err: unknown) =>
    err instanceof ForbiddenError && err.message === 'priorityclasses.scheduling.k8s.io "adm-default-2" is forbidden: PriorityClass adm-default is already marked as default. Only one default can exist');
  await pcs.delete('adm-default');
});

it('DefaultTolerationSeconds adds the not-ready and unreachable tolerations', async () => {
  await createNamespace(client, 'tolerations');
  const created = await client.resource('pods', 'tolerations').create(pod('p'));
  assert.deepEqual((created.spec as any).tolerations, [
    { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
    { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
  ]);
});

it('NamespaceLifecycle refuses creates in missing and terminating namespaces', async () => {
  await assert.rejects(client.resource('configmaps', 'never-made').create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' } }), (err: unknown) =>
    err instanceof NotFoundError && err.message === 'namespaces "never-made" not found');
  await createNamespace(client, 'ending');
  // A finalizer keeps the namespace Terminating (no namespace controller runs here).
  const ns = await client.resource('namespaces').get('ending');
  if (!((ns.spec as any)?.finalizers ?? []).length) {
    await client.raw('PUT', '/api/v1/namespaces/ending/finalize', { ...ns, spec: { finalizers: ['kubernetes'] } });
  }
  await client.resource('namespaces').delete('ending');
  await waitFor('namespace Terminating', async () => ((await client.resource('namespaces').get('ending')).status as any)?.phase === 'Terminating');
  await assert.rejects(client.resource('pods', 'ending').create(pod('late')), (err: unknown) => {
    assert.ok(err instanceof ForbiddenError);
    assert.equal(err.message, 'pods "late" is forbidden: unable to create new content in namespace ending because it is being terminated');
    assert.deepEqual(err.details?.causes, [{ type: 'NamespaceTerminating', message: 'namespace ending is being terminated', field: 'metadata.namespace' }]);
    return true;
  });
});
