// VolumeBinding's Reserve/PreBind through the whole scheduler over the in-memory apiserver, with
// the test playing the PV controller: the claim gets the selected node before the pod is bound, the
// pod waits for the claim to be bound, a timeout fails the attempt with upstream's message and a
// later attempt binds; a static volume gets its claimRef.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { pino } from 'pino';
import { createEventRecorder, type Client, type EventRecorder, type KubeObject } from '../../client/index.js';
import { startMemoryApiserver, type MemoryApiserver } from '../../test/support/memory-apiserver.js';
import { SchedulerMetrics } from '../metrics.js';
import { createScheduler } from '../scheduler.js';
import { bindVolumeToClaim } from './volume-binder.js';

let api: MemoryApiserver;
let client: Client;
let recorder: EventRecorder;
const stop = new AbortController();
let running: Promise<void>;

async function until<T>(what: string, fn: () => Promise<T | undefined | false>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn().catch(() => undefined);
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

before(async () => {
  api = await startMemoryApiserver();
  client = api.client;
  for (const name of ['n1', 'n2']) {
    const node = await client.resource('nodes').create({ apiVersion: 'v1', kind: 'Node', metadata: { name, labels: { 'kubernetes.io/hostname': name } } });
    node.status = { allocatable: { cpu: '4', memory: '8Gi', pods: '110' }, capacity: { cpu: '4', memory: '8Gi', pods: '110' } };
    await client.resource('nodes').updateStatus(node);
  }
  await client.resource('storageclasses.storage.k8s.io').create({
    apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata: { name: 'standard' }, provisioner: 'k8ts.io/host-path', volumeBindingMode: 'WaitForFirstConsumer',
  } as KubeObject);
  await client.resource('storageclasses.storage.k8s.io').create({
    apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata: { name: 'local' }, provisioner: 'kubernetes.io/no-provisioner', volumeBindingMode: 'WaitForFirstConsumer',
  } as KubeObject);
  recorder = createEventRecorder({ events: client.resource('events'), component: 'default-scheduler', sleepDurationMs: 10 });
  const scheduler = createScheduler({ client, logger: pino({ level: 'silent' }), recorder, metrics: new SchedulerMetrics(), volumeBindTimeoutMs: 1_500 });
  running = scheduler.run(stop.signal);
});

after(async () => {
  stop.abort();
  await running;
  recorder.shutdown();
  await api.stop();
});

const claim = (name: string, storageClassName: string): KubeObject => ({
  apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name, namespace: 'default' },
  spec: { storageClassName, accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } },
});
const podWith = (name: string, claimName: string): KubeObject => ({
  apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default' },
  spec: { containers: [{ name: 'c', image: 'busybox' }], volumes: [{ name: 'data', persistentVolumeClaim: { claimName } }] },
});
const pvcs = () => client.resource('persistentvolumeclaims', 'default');
const pods = () => client.resource('pods', 'default');

/** What the PV controller does once the claim is bound: both sides, bind-completed. */
async function completeBinding(claimName: string, pvName: string, node: string): Promise<void> {
  const pvc = await pvcs().get(claimName) as any;
  const pv = await client.resource('persistentvolumes').create({
    apiVersion: 'v1', kind: 'PersistentVolume', metadata: { name: pvName },
    spec: {
      capacity: { storage: '1Gi' }, accessModes: ['ReadWriteOnce'], storageClassName: pvc.spec.storageClassName, hostPath: { path: `/tmp/${pvName}` },
      claimRef: { kind: 'PersistentVolumeClaim', apiVersion: 'v1', namespace: 'default', name: claimName, uid: pvc.metadata.uid },
      nodeAffinity: { required: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: [node] }] }] } },
    },
  } as KubeObject);
  pvc.spec.volumeName = pv.metadata!.name;
  pvc.metadata.annotations = { ...pvc.metadata.annotations, 'pv.kubernetes.io/bind-completed': 'yes' };
  const updated = await pvcs().update(pvc);
  await pvcs().updateStatus({ ...updated, status: { phase: 'Bound', capacity: { storage: '1Gi' }, accessModes: ['ReadWriteOnce'] } } as KubeObject);
}

test('a provisioned claim: selected node first, the pod waits for the binding, then is bound to that node', async () => {
  await pvcs().create(claim('www', 'standard'));
  await pods().create(podWith('web', 'www'));
  const node = await until('selected-node on the claim', async () => (await pvcs().get('www') as any).metadata.annotations?.['volume.kubernetes.io/selected-node'] as string | undefined);
  assert.ok(['n1', 'n2'].includes(node));
  // Not bound while the claim is not.
  assert.equal((await pods().get('web') as any).spec.nodeName, undefined);
  assert.equal(api.writes.some((w) => w.path === '/api/v1/namespaces/default/pods/web/binding'), false);
  await completeBinding('www', 'pvc-www', node);
  assert.equal(await until('web bound', async () => (await pods().get('web') as any).spec.nodeName as string | undefined), node);
});

test('a claim never bound in time: FailedScheduling with upstream\'s message, then a later attempt binds', async () => {
  await pvcs().create(claim('slow', 'standard'));
  await pods().create(podWith('slowpoke', 'slow'));
  const event = await until('FailedScheduling', async () => (await client.resource('events', 'default').list({ fieldSelector: 'involvedObject.name=slowpoke' })).items.find((e) => e.reason === 'FailedScheduling'));
  assert.equal(event.message, 'running PreBind plugin "VolumeBinding": binding volumes: context deadline exceeded');
  assert.equal(event.type, 'Warning');
  const condition = await until('PodScheduled=False', async () => (await pods().get('slowpoke') as any).status?.conditions?.find((c: any) => c.type === 'PodScheduled'));
  assert.equal(condition.reason, 'SchedulerError');
  const node = (await pvcs().get('slow') as any).metadata.annotations['volume.kubernetes.io/selected-node'];
  await completeBinding('slow', 'pvc-slow', node);
  assert.equal(await until('slowpoke bound', async () => (await pods().get('slowpoke') as any).spec.nodeName as string | undefined), node);
});

test('a static volume of a WaitForFirstConsumer class gets the claimRef (the PV controller finishes the binding)', async () => {
  await client.resource('persistentvolumes').create({
    apiVersion: 'v1', kind: 'PersistentVolume', metadata: { name: 'disk-n2' },
    spec: {
      capacity: { storage: '5Gi' }, accessModes: ['ReadWriteOnce'], storageClassName: 'local', hostPath: { path: '/tmp/disk-n2' },
      nodeAffinity: { required: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: ['n2'] }] }] } },
    },
  } as KubeObject);
  const pv = await client.resource('persistentvolumes').get('disk-n2');
  await client.resource('persistentvolumes').updateStatus({ ...pv, status: { phase: 'Available' } } as KubeObject);
  await pvcs().create(claim('disk', 'local'));
  await pods().create(podWith('db', 'disk'));
  const claimed = await until('claimRef on disk-n2', async () => {
    const v = await client.resource('persistentvolumes').get('disk-n2') as any;
    return v.spec.claimRef ? v : undefined;
  });
  const pvc = await pvcs().get('disk') as any;
  assert.deepEqual([claimed.spec.claimRef.name, claimed.spec.claimRef.namespace, claimed.spec.claimRef.uid], ['disk', 'default', pvc.metadata.uid]);
  assert.equal(claimed.metadata.annotations['pv.kubernetes.io/bound-by-controller'], 'yes');
  assert.equal(pvc.metadata.annotations?.['volume.kubernetes.io/selected-node'], undefined, 'static binding does not annotate the claim');
  // The PV controller's part: the claim side.
  pvc.spec.volumeName = 'disk-n2';
  pvc.metadata.annotations = { ...pvc.metadata.annotations, 'pv.kubernetes.io/bind-completed': 'yes' };
  await pvcs().update(pvc);
  assert.equal(await until('db bound', async () => (await pods().get('db') as any).spec.nodeName as string | undefined), 'n2');
});

test('bindVolumeToClaim is a no-op for a volume already bound to the claim', () => {
  const pvc = { metadata: { name: 'c', namespace: 'ns', uid: 'u1', resourceVersion: '7' } };
  const first = bindVolumeToClaim({ metadata: { name: 'v' }, spec: {} }, pvc);
  assert.equal(first.dirty, true);
  assert.deepEqual(first.pv.spec?.claimRef, { kind: 'PersistentVolumeClaim', namespace: 'ns', name: 'c', uid: 'u1', apiVersion: 'v1', resourceVersion: '7' });
  assert.equal(bindVolumeToClaim(first.pv, pvc).dirty, false);
});
