// nodelifecycle, taint-eviction-controller and nodeipam against a real apiserver on a real etcd,
// with a 3 s grace period: a node that stops renewing its Lease goes Ready=Unknown, gets the
// unreachable taints and loses its pods after their tolerationSeconds; nodes get distinct /24s.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createClient, loadClientConfig, type Client } from '../../client/index.js';
import { nodeIpamControllerDescriptor } from '../../controller-manager/nodeipam/node-ipam-controller.js';
import { nodeLifecycleControllerDescriptor } from '../../controller-manager/nodelifecycle/node-lifecycle-controller.js';
import { taintEvictionControllerDescriptor } from '../../controller-manager/nodelifecycle/taint-eviction-controller.js';
import { startTestCluster, type TestCluster } from '../support/cluster.js';
import { createTestPod, eventually, setTestPodReady, testControllerContext, type TestControllerContext } from '../support/controller-context.js';

let cluster: TestCluster;
let client: Client;
let t: TestControllerContext;
let running: Promise<unknown>;
const heartbeating = new Set<string>();
let heartbeat: NodeJS.Timeout | undefined;

const metaTime = () => new Date().toISOString().replace(/\.\d+Z$/, 'Z');
const microTime = () => new Date().toISOString().replace('Z', '000Z');

/** Plays a kubelet: registers the node Ready with its Lease. */
async function registerNode(name: string): Promise<void> {
  const node = (await client.resource('nodes').create({ apiVersion: 'v1', kind: 'Node', metadata: { name, labels: { 'kubernetes.io/hostname': name } } } as never)) as any;
  node.status = { conditions: [{ type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status', lastHeartbeatTime: metaTime(), lastTransitionTime: metaTime() }] };
  await client.resource('nodes').updateStatus(node);
  await client.resource('leases.coordination.k8s.io', 'kube-node-lease').create({ apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name }, spec: { holderIdentity: name, leaseDurationSeconds: 40, renewTime: microTime() } } as never);
  heartbeating.add(name);
}

async function renewLeases(): Promise<void> {
  const leases = client.resource('leases.coordination.k8s.io', 'kube-node-lease');
  for (const name of heartbeating) {
    const lease = (await leases.get(name)) as any;
    lease.spec.renewTime = microTime();
    await leases.update(lease).catch(() => undefined);
  }
}

before(async () => {
  cluster = await startTestCluster();
  client = createClient(await loadClientConfig({ kubeconfig: cluster.kubeconfig }));
  t = testControllerContext(client, { nodeMonitorGracePeriodMs: 3_000, nodeMonitorPeriodMs: 500 });
  running = Promise.all([nodeLifecycleControllerDescriptor, taintEvictionControllerDescriptor, nodeIpamControllerDescriptor].map((d) => d.start(t.ctx)));
  await t.startInformers();
  // The kubelets of the heartbeating nodes renew every 500 ms, as a kubelet renews every 10 s of 40.
  heartbeat = setInterval(() => { renewLeases().catch(() => undefined); }, 500);
});

after(async () => {
  if (heartbeat) clearInterval(heartbeat);
  await t?.stop();
  await running;
  client?.close();
  await cluster?.stop();
});

test('nodes get distinct /24 podCIDRs from the cluster CIDR', async () => {
  await registerNode('alive');
  await registerNode('doomed');
  const cidrs = await eventually(async () => {
    const nodes = (await client.resource('nodes').list()).items as any[];
    const all = nodes.map((n) => n.spec?.podCIDR);
    return all.length === 2 && all.every(Boolean) && all;
  }, 'both nodes with a podCIDR');
  assert.notEqual(cidrs[0], cidrs[1]);
  for (const cidr of cidrs) assert.match(cidr, /^10\.244\.\d+\.0\/24$/);
});

test('a node that stops heartbeating goes Unknown, is tainted unreachable and its pods are evicted', async () => {
  await createTestPod(client, { name: 'quick', nodeName: 'doomed', tolerations: [{ key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 1 }] });
  await createTestPod(client, { name: 'default-tolerations', nodeName: 'doomed' });
  await createTestPod(client, { name: 'survivor', nodeName: 'alive' });
  for (const [pod, ip] of [['quick', '10.244.9.2'], ['default-tolerations', '10.244.9.3'], ['survivor', '10.244.8.2']]) await setTestPodReady(client, 'default', pod!, true, ip!);
  // Admission gave the pod without tolerations the 300 s defaults.
  const defaulted = (await client.resource('pods', 'default').get('default-tolerations')) as any;
  assert.ok(defaulted.spec.tolerations.some((x: any) => x.key === 'node.kubernetes.io/unreachable' && x.tolerationSeconds === 300));

  heartbeating.delete('doomed');
  const node = (await eventually(async () => {
    const n = (await client.resource('nodes').get('doomed')) as any;
    return n.spec?.taints?.some((x: any) => x.key === 'node.kubernetes.io/unreachable' && x.effect === 'NoExecute') && n;
  }, 'doomed tainted unreachable', 20_000)) as any;
  const ready = node.status.conditions.find((c: any) => c.type === 'Ready');
  assert.deepEqual([ready.status, ready.reason, ready.message], ['Unknown', 'NodeStatusUnknown', 'Kubelet stopped posting node status.']);
  assert.deepEqual(node.spec.taints.map((x: any) => `${x.key}:${x.effect}`).sort(), ['node.kubernetes.io/unreachable:NoExecute', 'node.kubernetes.io/unreachable:NoSchedule']);

  // The pod tolerating 1 s is evicted: DisruptionTarget, then deleted (gracefully: no kubelet here).
  const evicted = (await eventually(async () => {
    const p = (await client.resource('pods', 'default').get('quick')) as any;
    return p.metadata.deletionTimestamp && p;
  }, 'quick evicted', 10_000)) as any;
  const target = evicted.status.conditions.find((c: any) => c.type === 'DisruptionTarget');
  assert.deepEqual([target.status, target.reason], ['True', 'DeletionByTaintManager']);
  // The others stay: one for its 300 s, one on a live node. Both are in the state the controllers left.
  const waiting = (await client.resource('pods', 'default').get('default-tolerations')) as any;
  assert.equal(waiting.metadata.deletionTimestamp, undefined);
  assert.equal(waiting.status.conditions.find((c: any) => c.type === 'Ready').status, 'False');
  const survivor = (await client.resource('pods', 'default').get('survivor')) as any;
  assert.equal(survivor.status.conditions.find((c: any) => c.type === 'Ready').status, 'True');
  const alive = (await client.resource('nodes').get('alive')) as any;
  assert.equal(alive.status.conditions.find((c: any) => c.type === 'Ready').status, 'True');
  assert.equal(alive.spec.taints, undefined);
});
