// The persistentvolume-binder against a real apiserver on a real etcd: a PVC binds to the matching
// PV (both sides Bound), and the default StorageClass `standard` exists.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createClient, loadClientConfig, type Client } from '../../client/index.js';
import { persistentVolumeBinderDescriptor } from '../../controller-manager/volume/pv-controller.js';
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
  running = persistentVolumeBinderDescriptor.start(t.ctx);
  await t.startInformers();
});

after(async () => {
  await t?.stop();
  await running;
  client?.close();
  await cluster?.stop();
});

test('a PVC binds to the matching PV; the default StorageClass standard is created', async () => {
  const sc = (await eventually(() => client.resource('storageclasses.storage.k8s.io').get('standard').catch(() => undefined), 'StorageClass standard')) as any;
  assert.equal(sc.metadata.annotations['storageclass.kubernetes.io/is-default-class'], 'true');
  const pvs = client.resource('persistentvolumes');
  for (const [name, size] of [['small', '1Gi'], ['fits', '3Gi'], ['large', '10Gi']]) {
    await pvs.create({ apiVersion: 'v1', kind: 'PersistentVolume', metadata: { name }, spec: { capacity: { storage: size }, accessModes: ['ReadWriteOnce'], storageClassName: 'manual', hostPath: { path: `/tmp/${name}` } } } as never);
  }
  await client.resource('persistentvolumeclaims', 'default').create({ apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'data' }, spec: { storageClassName: 'manual', accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '2Gi' } } } } as never);
  const claim = (await eventually(async () => { const c = (await client.resource('persistentvolumeclaims', 'default').get('data')) as any; return c.status?.phase === 'Bound' && c; }, 'the claim Bound', 20_000)) as any;
  assert.equal(claim.spec.volumeName, 'fits');
  assert.equal(claim.status.capacity.storage, '3Gi');
  const pv = (await eventually(async () => { const v = (await pvs.get('fits')) as any; return v.status?.phase === 'Bound' && v; }, 'the volume Bound')) as any;
  assert.equal(pv.spec.claimRef.uid, claim.metadata.uid);
  for (const other of ['small', 'large']) await eventually(async () => ((await pvs.get(other)) as any).status?.phase === 'Available', `${other} Available`);
});
