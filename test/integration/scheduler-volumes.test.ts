// The scheduler's VolumeBinding with the real PV controller (persistentvolume-binder) against a real
// apiserver on a real etcd, two Node objects and no kubelet: a claim of the default class `standard`
// (WaitForFirstConsumer) is provisioned on the pod's node, a bound local volume pins its pod, a
// static volume of a WaitForFirstConsumer class is chosen by node, an unbound Immediate claim waits.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { pino } from 'pino';
import { createClient, createEventRecorder, loadClientConfig, type Client, type EventRecorder, type KubeObject } from '../../client/index.js';
import { persistentVolumeBinderDescriptor } from '../../controller-manager/volume/pv-controller.js';
import { SchedulerMetrics } from '../../scheduler/metrics.js';
import { createScheduler } from '../../scheduler/scheduler.js';
import { startTestCluster, type TestCluster } from '../support/cluster.js';
import { testControllerContext, type TestControllerContext } from '../support/controller-context.js';
import { createNamespace, createNode, deleteNodes, nodeOf, pod, waitFor } from './scheduler-support.js';

const NODES = ['vol-a', 'vol-b'];
let cluster: TestCluster;
let client: Client;
let recorder: EventRecorder;
let pvController: TestControllerContext;
let controllerRunning: Promise<unknown>;
const stopScheduler = new AbortController();
let schedulerRunning: Promise<void>;

before(async () => {
  cluster = await startTestCluster();
  client = createClient(await loadClientConfig({ kubeconfig: cluster.kubeconfig }));
  for (const n of NODES) await createNode(client, n);
  pvController = testControllerContext(client);
  controllerRunning = persistentVolumeBinderDescriptor.start(pvController.ctx);
  await pvController.startInformers();
  recorder = createEventRecorder({ events: client.resource('events'), component: 'default-scheduler' });
  const scheduler = createScheduler({ client, logger: pino({ level: process.env.K8TS_TEST_LOG ?? 'silent' }), recorder, metrics: new SchedulerMetrics() });
  schedulerRunning = scheduler.run(stopScheduler.signal);
});

after(async () => {
  stopScheduler.abort();
  await schedulerRunning?.catch(() => undefined);
  await pvController?.stop();
  await controllerRunning?.catch(() => undefined);
  recorder?.shutdown();
  if (client) await deleteNodes(client, NODES);
  client?.close();
  await cluster?.stop();
});

const claim = (name: string, spec: Record<string, unknown>): KubeObject => ({
  apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name },
  spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } }, ...spec },
});
const mounting = (name: string, claimName: string) => pod(name, { spec: { volumes: [{ name: 'data', persistentVolumeClaim: { claimName } }] } });
const localVolume = (name: string, node: string, spec: Record<string, unknown>): KubeObject => ({
  apiVersion: 'v1', kind: 'PersistentVolume', metadata: { name },
  spec: {
    capacity: { storage: '1Gi' }, accessModes: ['ReadWriteOnce'], persistentVolumeReclaimPolicy: 'Retain', hostPath: { path: `/tmp/k8ts-test-${name}` },
    nodeAffinity: { required: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: [node] }] }] } },
    ...spec,
  },
});
const boundClaim = (ns: string, name: string) => waitFor(`claim ${name} Bound`, async () => {
  const c = (await client.resource('persistentvolumeclaims', ns).get(name)) as any;
  return c.status?.phase === 'Bound' ? c : undefined;
}, 30_000);

describe('scheduler volume binding', { concurrency: 1 }, () => {
  it('provisions a claim of the default class standard on the node the pod is scheduled to', async () => {
    const ns = 'vol-provision';
    await createNamespace(client, ns);
    await waitFor('StorageClass standard', () => client.resource('storageclasses.storage.k8s.io').get('standard').catch(() => undefined));
    // No storageClassName: the PV controller gives the claim the default class.
    await client.resource('persistentvolumeclaims', ns).create(claim('www', {}));
    await client.resource('pods', ns).create(mounting('web-0', 'www'));
    const node = await waitFor('web-0 scheduled', () => nodeOf(client, ns, 'web-0'), 30_000);
    assert.ok(NODES.includes(node), node);
    const pvc = await boundClaim(ns, 'www');
    assert.equal(pvc.spec.storageClassName, 'standard');
    assert.equal(pvc.metadata.annotations['volume.kubernetes.io/selected-node'], node);
    assert.equal(pvc.metadata.annotations['pv.kubernetes.io/bind-completed'], 'yes');
    const pv = (await client.resource('persistentvolumes').get(pvc.spec.volumeName)) as any;
    assert.equal(pv.spec.claimRef.uid, pvc.metadata.uid);
    assert.deepEqual(pv.spec.nodeAffinity.required.nodeSelectorTerms, [{ matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: [node] }] }]);
    const scheduled = (await client.resource('events', ns).list({ fieldSelector: 'involvedObject.name=web-0' })).items.find((e) => e.reason === 'Scheduled');
    assert.equal(scheduled?.message, `Successfully assigned ${ns}/web-0 to ${node}`);
  });

  it('puts a pod whose claim is bound to a volume pinned to node B on node B', async () => {
    const ns = 'vol-bound';
    await createNamespace(client, ns);
    await client.resource('persistentvolumes').create(localVolume('pinned-b', 'vol-b', { storageClassName: '' }));
    await client.resource('persistentvolumeclaims', ns).create(claim('data', { storageClassName: '', volumeName: 'pinned-b' }));
    await boundClaim(ns, 'data');
    for (const name of ['user-1', 'user-2']) await client.resource('pods', ns).create(mounting(name, 'data'));
    assert.equal(await waitFor('user-1 scheduled', () => nodeOf(client, ns, 'user-1'), 30_000), 'vol-b');
    assert.equal(await waitFor('user-2 scheduled', () => nodeOf(client, ns, 'user-2'), 30_000), 'vol-b');
  });

  // The scheduler sets the PV's claimRef; the PV controller completes the binding.
  it('binds a claim of a WaitForFirstConsumer class without provisioner to the static volume on a node that has one', async () => {
    const ns = 'vol-static';
    await createNamespace(client, ns);
    await client.resource('storageclasses.storage.k8s.io').create({
      apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata: { name: 'local-disks' },
      provisioner: 'kubernetes.io/no-provisioner', volumeBindingMode: 'WaitForFirstConsumer',
    } as KubeObject);
    await client.resource('persistentvolumes').create(localVolume('disk-b', 'vol-b', { storageClassName: 'local-disks' }));
    await client.resource('persistentvolumeclaims', ns).create(claim('disk', { storageClassName: 'local-disks' }));
    await client.resource('pods', ns).create(mounting('db-0', 'disk'));
    const pv = await waitFor('disk-b claimed', async () => {
      const v = (await client.resource('persistentvolumes').get('disk-b')) as any;
      return v.spec.claimRef?.name === 'disk' ? v : undefined;
    }, 30_000);
    assert.equal(pv.spec.claimRef.namespace, ns);
    assert.equal(pv.metadata.annotations['pv.kubernetes.io/bound-by-controller'], 'yes');
    // The PV controller completes the binding, then the pod is bound.
    const pvc = await boundClaim(ns, 'disk');
    assert.equal(pvc.spec.volumeName, 'disk-b');
    assert.equal(await waitFor('db-0 scheduled', () => nodeOf(client, ns, 'db-0'), 30_000), 'vol-b');
  });

  it('keeps a pod whose claim of an Immediate class is unbound pending, with upstream\'s reason', async () => {
    const ns = 'vol-immediate';
    await createNamespace(client, ns);
    await client.resource('storageclasses.storage.k8s.io').create({
      apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata: { name: 'elsewhere' },
      provisioner: 'example.com/not-running', volumeBindingMode: 'Immediate',
    } as KubeObject);
    await client.resource('persistentvolumeclaims', ns).create(claim('later', { storageClassName: 'elsewhere' }));
    await client.resource('pods', ns).create(mounting('waits', 'later'));
    const condition = await waitFor('waits unschedulable', async () => {
      const p = (await client.resource('pods', ns).get('waits')) as any;
      return p.status?.conditions?.find((c: any) => c.type === 'PodScheduled' && c.status === 'False');
    }, 30_000);
    assert.equal(condition.reason, 'Unschedulable');
    assert.equal(condition.message, '0/2 nodes are available: pod has unbound immediate PersistentVolumeClaims. preemption: 0/2 nodes are available: 2 Preemption is not helpful for scheduling.');
    assert.equal(await nodeOf(client, ns, 'waits'), undefined);
  });
});
