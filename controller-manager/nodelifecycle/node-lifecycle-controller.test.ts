import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Client } from '../../client/index.js';
import { startMemoryApiserver, type MemoryApiserver } from '../../test/support/memory-apiserver.js';
import { createTestPod, eventually, setTestPodReady, testControllerContext, type TestControllerContext } from '../../test/support/controller-context.js';
import { createNodeLifecycleController, metaTime, type NodeLifecycleController } from './node-lifecycle-controller.js';
import { createTaintEvictionController, type TaintEvictionController } from './taint-eviction-controller.js';
import { desiredTaints, noExecuteToleration } from './taints.js';

let api: MemoryApiserver;
let t: TestControllerContext;
let lifecycle: NodeLifecycleController;
let eviction: TaintEvictionController;
let now = Date.parse('2026-01-01T00:00:00Z');
const clock = () => now;

async function readyNode(client: Client, name: string): Promise<void> {
  const node = (await client.resource('nodes').create({ apiVersion: 'v1', kind: 'Node', metadata: { name } } as never)) as any;
  node.status = { conditions: [
    { type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status', lastHeartbeatTime: metaTime(now), lastTransitionTime: metaTime(now) },
    { type: 'MemoryPressure', status: 'False', reason: 'KubeletHasSufficientMemory', lastHeartbeatTime: metaTime(now), lastTransitionTime: metaTime(now) },
  ] };
  await client.resource('nodes').updateStatus(node);
  await client.resource('leases.coordination.k8s.io', 'kube-node-lease').create({ apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name }, spec: { holderIdentity: name, leaseDurationSeconds: 40, renewTime: new Date(now).toISOString().replace('Z', '000Z') } } as never);
}

async function renewLease(name: string): Promise<void> {
  const leases = api.client.resource('leases.coordination.k8s.io', 'kube-node-lease');
  const lease = (await leases.get(name)) as any;
  lease.spec.renewTime = new Date(now).toISOString().replace('Z', '000Z');
  const updated = (await leases.update(lease)) as any;
  const informer = t.ctx.informers.informer<any>('leases.coordination.k8s.io');
  await eventually(() => informer.store.getByKey(`kube-node-lease/${name}`)?.metadata?.resourceVersion === updated.metadata.resourceVersion, 'the renewed lease in the cache');
}

before(async () => {
  api = await startMemoryApiserver();
  await readyNode(api.client, 'healthy');
  await readyNode(api.client, 'silent');
  await createTestPod(api.client, { name: 'plain', nodeName: 'silent' });
  await createTestPod(api.client, { name: 'patient', nodeName: 'silent', tolerations: [{ key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 2 }] });
  await createTestPod(api.client, { name: 'forever', nodeName: 'silent', tolerations: [{ operator: 'Exists' }] });
  await createTestPod(api.client, { name: 'elsewhere', nodeName: 'healthy' });
  for (const [name, ip] of [['plain', '10.244.2.2'], ['patient', '10.244.2.3'], ['forever', '10.244.2.4'], ['elsewhere', '10.244.1.2']] as const) {
    await setTestPodReady(api.client, 'default', name, true, ip);
  }
  t = testControllerContext(api.client, { nodeMonitorGracePeriodMs: 3_000 });
  lifecycle = createNodeLifecycleController(t.ctx, clock);
  eviction = createTaintEvictionController(t.ctx, clock);
  await t.startInformers();
  api.clearWrites();
});

after(async () => {
  await t.stop();
  await api.stop();
});

const nodeWrites = () => api.writes.filter((w) => w.path.startsWith('/api/v1/nodes'));
const podWrites = () => api.writes.filter((w) => w.path.includes('/pods'));

test('nodes heartbeating within the grace period are left alone', async () => {
  await lifecycle.monitorOnce();
  now += 2_000;
  await renewLease('healthy');
  await renewLease('silent');
  await lifecycle.monitorOnce();
  assert.deepEqual(nodeWrites(), []);
});

test('a node silent for longer than the grace period goes Unknown, is tainted and its pods marked not ready', async () => {
  now += 2_000;
  await renewLease('healthy');
  now += 1_500; // silent: 3.5 s since its last renewal; healthy: 1.5 s
  await renewLease('healthy');
  api.clearWrites();
  await lifecycle.monitorOnce();
  assert.deepEqual(nodeWrites().map((w) => [w.verb, w.path]), [['update', '/api/v1/nodes/silent/status'], ['update', '/api/v1/nodes/silent']]);
  const node = (await api.client.resource('nodes').get('silent')) as any;
  const ready = node.status.conditions.find((c: any) => c.type === 'Ready');
  assert.deepEqual([ready.status, ready.reason, ready.message], ['Unknown', 'NodeStatusUnknown', 'Kubelet stopped posting node status.']);
  assert.equal(node.status.conditions.find((c: any) => c.type === 'MemoryPressure').status, 'Unknown');
  assert.equal(node.status.conditions.find((c: any) => c.type === 'DiskPressure').reason, 'NodeStatusNeverUpdated');
  assert.deepEqual(node.spec.taints.map((x: any) => `${x.key}:${x.effect}`).sort(), ['node.kubernetes.io/unreachable:NoExecute', 'node.kubernetes.io/unreachable:NoSchedule']);
  assert.ok(node.spec.taints.find((x: any) => x.effect === 'NoExecute').timeAdded);
  const marked = podWrites().map((w) => w.path).sort();
  assert.deepEqual(marked, ['/api/v1/namespaces/default/pods/forever/status', '/api/v1/namespaces/default/pods/patient/status', '/api/v1/namespaces/default/pods/plain/status']);
  const plain = (await api.client.resource('pods', 'default').get('plain')) as any;
  assert.equal(plain.status.conditions.find((c: any) => c.type === 'Ready').status, 'False');
  const healthy = (await api.client.resource('nodes').get('healthy')) as any;
  assert.equal(healthy.spec?.taints, undefined);
});

test('pods are evicted after their tolerationSeconds (300 s added by admission), marked DisruptionTarget', async () => {
  const nodes = t.ctx.informers.informer<any>('nodes');
  const pods = t.ctx.informers.informer<any>('pods');
  await eventually(() => nodes.store.getByKey('silent')?.spec?.taints?.length === 2, 'the taints in the cache');
  await eventually(() => pods.store.getByKey('default/plain')?.status?.conditions?.find((c: any) => c.type === 'Ready')?.status === 'False', 'pods marked in the cache');
  api.clearWrites();
  assert.deepEqual(await eviction.reconcile('default/plain'), { requeueAfterMs: 300_000 });
  assert.deepEqual(await eviction.reconcile('default/patient'), { requeueAfterMs: 2_000 });
  assert.deepEqual(await eviction.reconcile('default/forever'), undefined);
  assert.deepEqual(await eviction.reconcile('default/elsewhere'), undefined);
  assert.deepEqual(podWrites(), []);
  now += 2_000;
  await eviction.reconcile('default/patient');
  assert.deepEqual(podWrites().map((w) => [w.verb, w.path]), [['update', '/api/v1/namespaces/default/pods/patient/status'], ['delete', '/api/v1/namespaces/default/pods/patient']]);
  const body = podWrites()[0]!.body as any;
  const target = (typeof body === 'string' || Buffer.isBuffer(body) ? JSON.parse(String(body)) : body).status.conditions.find((c: any) => c.type === 'DisruptionTarget');
  assert.deepEqual([target.status, target.reason, target.message], ['True', 'DeletionByTaintManager', 'Taint manager: deleting due to NoExecute taint']);
  // Deleted gracefully: the kubelet finishes it, so it now carries a deletionTimestamp.
  assert.ok(((await api.client.resource('pods', 'default').get('patient')) as any).metadata.deletionTimestamp);
  api.clearWrites();
  assert.deepEqual(await eviction.reconcile('default/plain'), { requeueAfterMs: 298_000 });
  now += 298_000;
  await eviction.reconcile('default/plain');
  assert.deepEqual(podWrites().map((w) => w.verb), ['update', 'delete']);
  await api.client.resource('pods', 'default').get('forever');
});

test('a NoExecute taint the pod does not tolerate at all evicts it at once', async () => {
  const nodes = api.client.resource('nodes');
  const healthy = (await nodes.get('healthy')) as any;
  healthy.spec = { ...healthy.spec, taints: [{ key: 'example.com/maintenance', effect: 'NoExecute' }] };
  await nodes.update(healthy);
  const informer = t.ctx.informers.informer<any>('nodes');
  await eventually(() => informer.store.getByKey('healthy')?.spec?.taints?.length === 1, 'the taint in the cache');
  api.clearWrites();
  await eviction.reconcile('default/elsewhere');
  assert.deepEqual(podWrites().map((w) => [w.verb, w.path]), [['update', '/api/v1/namespaces/default/pods/elsewhere/status'], ['delete', '/api/v1/namespaces/default/pods/elsewhere']]);
});

test('the taints are lifted when the node heartbeats again', async () => {
  const nodes = api.client.resource('nodes');
  const node = (await nodes.get('silent')) as any;
  node.status.conditions = node.status.conditions.map((c: any) => c.type === 'Ready'
    ? { ...c, status: 'True', reason: 'KubeletReady', lastHeartbeatTime: metaTime(now), lastTransitionTime: metaTime(now) }
    : { ...c, status: 'False', lastHeartbeatTime: metaTime(now) });
  await nodes.updateStatus(node);
  const informer = t.ctx.informers.informer<any>('nodes');
  await eventually(() => informer.store.getByKey('silent')?.status?.conditions?.[0]?.status === 'True', 'the ready node in the cache');
  await renewLease('healthy');
  await lifecycle.monitorOnce();
  assert.equal(((await nodes.get('silent')) as any).spec?.taints, undefined);
  assert.deepEqual(((await nodes.get('healthy')) as any).spec.taints.map((x: any) => x.key), ['example.com/maintenance']);
});

test('taint rules: not-ready from Ready=False, nothing NoExecute when eviction is off, tolerations', () => {
  const node = { metadata: { name: 'n' }, spec: { taints: [{ key: 'user', effect: 'NoSchedule' }] } } as any;
  const notReady = desiredTaints(node, [{ type: 'Ready', status: 'False' }], true, 'T');
  assert.deepEqual(notReady, [{ key: 'user', effect: 'NoSchedule' }, { key: 'node.kubernetes.io/not-ready', effect: 'NoSchedule' }, { key: 'node.kubernetes.io/not-ready', effect: 'NoExecute', timeAdded: 'T' }]);
  assert.deepEqual(desiredTaints(node, [{ type: 'Ready', status: 'Unknown' }], false, 'T').map((x) => x.effect), ['NoSchedule', 'NoSchedule']);
  const taint = [{ key: 'node.kubernetes.io/unreachable', effect: 'NoExecute' }];
  assert.deepEqual(noExecuteToleration(taint, [{ key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 }]), { tolerated: true, seconds: 300 });
  assert.deepEqual(noExecuteToleration(taint, [{ key: 'other', operator: 'Exists' }]).tolerated, false);
  assert.deepEqual(noExecuteToleration(taint, [{ key: 'node.kubernetes.io/unreachable', operator: 'Equal', value: 'x' }]).tolerated, false);
});
