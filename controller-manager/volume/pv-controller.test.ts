import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startMemoryApiserver, type MemoryApiserver } from '../../test/support/memory-apiserver.js';
import { eventually, testControllerContext, type TestControllerContext } from '../../test/support/controller-context.js';
import { createPersistentVolumeController, type PersistentVolumeController } from './pv-controller.js';

let api: MemoryApiserver;
let t: TestControllerContext;
let controller: PersistentVolumeController;

const pvs = () => api.client.resource('persistentvolumes');
const pvcs = () => api.client.resource('persistentvolumeclaims', 'default');
const paths = () => api.writes.filter((w) => !w.path.includes('/events')).map((w) => `${w.verb} ${w.path}`);

/** Waits until the controller's cache holds what the apiserver holds for this object. */
async function cached(resource: string, key: string): Promise<void> {
  const [ns, name] = key.includes('/') ? key.split('/') : [undefined, key];
  const live = (await api.client.resource(resource, ns).get(name!).catch(() => undefined)) as any;
  const store = t.ctx.informers.informer<any>(resource).store;
  await eventually(() => live ? store.getByKey(key)?.metadata?.resourceVersion === live.metadata.resourceVersion : !store.getByKey(key), `${resource} ${key} in the cache`);
}

function volume(name: string, size: string, extra: Record<string, unknown> = {}) {
  return { apiVersion: 'v1', kind: 'PersistentVolume', metadata: { name, labels: { disk: 'ssd' } }, spec: { capacity: { storage: size }, accessModes: ['ReadWriteOnce'], storageClassName: 'manual', persistentVolumeReclaimPolicy: 'Retain', hostPath: { path: `/tmp/${name}` }, ...extra } } as never;
}

before(async () => {
  api = await startMemoryApiserver();
  await pvs().create(volume('pv-5g', '5Gi'));
  await pvs().create(volume('pv-2g', '2Gi'));
  await pvs().create(volume('pv-1g', '1Gi'));
  await pvs().create(volume('pv-rox', '2Gi', { accessModes: ['ReadOnlyMany'] }));
  await api.client.resource('nodes').create({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'node-1', labels: { 'kubernetes.io/hostname': 'node-1' } } } as never);
  t = testControllerContext(api.client);
  controller = createPersistentVolumeController(t.ctx, { hostPathDir: '/srv/volumes' });
  await t.startInformers();
  api.clearWrites();
});

after(async () => {
  await t.stop();
  await api.stop();
});

test('the default StorageClass standard is created once when none exists', async () => {
  await controller.ensureDefaultStorageClass();
  assert.deepEqual(paths(), ['create /apis/storage.k8s.io/v1/storageclasses']);
  const sc = (await api.client.resource('storageclasses.storage.k8s.io').get('standard')) as any;
  assert.deepEqual([sc.provisioner, sc.reclaimPolicy, sc.volumeBindingMode, sc.metadata.annotations['storageclass.kubernetes.io/is-default-class']], ['k8ts.io/host-path', 'Delete', 'WaitForFirstConsumer', 'true']);
  await cached('storageclasses.storage.k8s.io', 'standard');
  api.clearWrites();
  await controller.ensureDefaultStorageClass();
  assert.deepEqual(paths(), []);
});

test('new volumes become Available', async () => {
  for (const name of ['pv-5g', 'pv-2g', 'pv-1g', 'pv-rox']) await controller.reconcile(`volume:${name}`);
  for (const name of ['pv-5g', 'pv-2g', 'pv-1g', 'pv-rox']) {
    assert.equal(((await pvs().get(name)) as any).status.phase, 'Available');
    await cached('persistentvolumes', name);
  }
});

test('a claim binds the smallest Available volume that fits its class, size and access modes', async () => {
  await pvcs().create({ apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'data' }, spec: { storageClassName: 'manual', accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1500Mi' } }, selector: { matchLabels: { disk: 'ssd' } } } } as never);
  await cached('persistentvolumeclaims', 'default/data');
  api.clearWrites();
  await controller.reconcile('claim:default/data');
  assert.deepEqual(paths(), [
    'update /api/v1/namespaces/default/persistentvolumeclaims/data/status',
    'update /api/v1/persistentvolumes/pv-2g',
    'update /api/v1/persistentvolumes/pv-2g/status',
    'update /api/v1/namespaces/default/persistentvolumeclaims/data',
    'update /api/v1/namespaces/default/persistentvolumeclaims/data/status',
  ]);
  const claim = (await pvcs().get('data')) as any;
  const pv = (await pvs().get('pv-2g')) as any;
  assert.equal(claim.spec.volumeName, 'pv-2g');
  assert.deepEqual([claim.status.phase, claim.status.capacity.storage, claim.metadata.annotations['pv.kubernetes.io/bind-completed'], claim.metadata.annotations['pv.kubernetes.io/bound-by-controller']], ['Bound', '2Gi', 'yes', 'yes']);
  assert.deepEqual([pv.status.phase, pv.spec.claimRef.name, pv.spec.claimRef.uid, pv.metadata.annotations['pv.kubernetes.io/bound-by-controller']], ['Bound', 'data', claim.metadata.uid, 'yes']);
  await cached('persistentvolumeclaims', 'default/data');
  await cached('persistentvolumes', 'pv-2g');
  api.clearWrites();
  await controller.reconcile('claim:default/data');
  await controller.reconcile('volume:pv-2g');
  assert.deepEqual(paths(), []);
});

test('deleting the claim releases a Retain volume', async () => {
  await pvcs().delete('data');
  await cached('persistentvolumeclaims', 'default/data');
  api.clearWrites();
  await controller.reconcile('volume:pv-2g');
  assert.deepEqual(paths(), ['update /api/v1/persistentvolumes/pv-2g/status']);
  assert.equal(((await pvs().get('pv-2g')) as any).status.phase, 'Released');
});

test('a claim without a class gets the default one, waits for its consumer, then gets a host-path volume on the selected node', async () => {
  await pvcs().create({ apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'www' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } } as never);
  await cached('persistentvolumeclaims', 'default/www');
  await controller.reconcile('claim:default/www');
  let claim = (await pvcs().get('www')) as any;
  assert.equal(claim.spec.storageClassName, 'standard');
  await cached('persistentvolumeclaims', 'default/www');
  api.clearWrites();
  await controller.reconcile('claim:default/www');
  // Already Pending (as created): nothing to write until a pod's node is chosen.
  assert.deepEqual(paths(), []);
  assert.equal(((await pvcs().get('www')) as any).status.phase, 'Pending');
  await eventually(async () => ((await api.client.resource('events', 'default').list()).items as any[]).some((e) => e.reason === 'WaitForFirstConsumer'), 'the WaitForFirstConsumer event');
  await pvcs().patch('www', 'merge', { metadata: { annotations: { 'volume.kubernetes.io/selected-node': 'node-1' } } });
  for (let i = 0; i < 3 && !((await pvcs().get('www')) as any).spec.volumeName; i++) {
    await cached('persistentvolumeclaims', 'default/www');
    await controller.reconcile('claim:default/www');
  }
  claim = (await pvcs().get('www')) as any;
  const name = `pvc-${claim.metadata.uid}`;
  assert.equal(claim.spec.volumeName, name);
  assert.equal(claim.metadata.annotations['volume.kubernetes.io/storage-provisioner'], 'k8ts.io/host-path');
  assert.equal(claim.status.phase, 'Bound');
  const pv = (await pvs().get(name)) as any;
  assert.deepEqual(pv.spec.hostPath, { path: `/srv/volumes/${name}`, type: 'DirectoryOrCreate' });
  assert.deepEqual(pv.spec.nodeAffinity.required.nodeSelectorTerms[0].matchExpressions, [{ key: 'kubernetes.io/hostname', operator: 'In', values: ['node-1'] }]);
  assert.deepEqual([pv.spec.persistentVolumeReclaimPolicy, pv.spec.storageClassName, pv.spec.capacity.storage, pv.status.phase], ['Delete', 'standard', '1Gi', 'Bound']);
  assert.equal(pv.metadata.annotations['pv.kubernetes.io/provisioned-by'], 'k8ts.io/host-path');
  await eventually(async () => ((await api.client.resource('events', 'default').list()).items as any[]).some((e) => e.reason === 'ProvisioningSucceeded'), 'the ProvisioningSucceeded event');

  // Deleting the claim deletes the provisioned volume (reclaimPolicy Delete).
  await cached('persistentvolumes', name);
  await pvcs().delete('www');
  await cached('persistentvolumeclaims', 'default/www');
  api.clearWrites();
  await controller.reconcile(`volume:${name}`);
  assert.deepEqual(paths(), [`update /api/v1/persistentvolumes/${name}/status`, `delete /api/v1/persistentvolumes/${name}`]);
});
