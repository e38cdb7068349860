// Unit tests of the StatefulSet controller: reconcile against the in-memory apiserver and assert the
// writes it makes — ordered creation, claims, reverse scale-down, partitioned rolling update, status.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { pino } from 'pino';
import { startMemoryApiserver, type MemoryApiserver, type RecordedWrite } from '../../test/support/memory-apiserver.js';
import { eventually, setTestPodReady, testControllerContext, type TestControllerContext } from '../../test/support/controller-context.js';
import { createStatefulSetController, type StatefulSetController } from './controller.js';
import type { Pod, StatefulSet } from './types.js';

let api: MemoryApiserver;
let seq = 0;
before(async () => { api = await startMemoryApiserver(); });
after(async () => { await api.stop(); });

interface Rig { t: TestControllerContext; c: StatefulSetController; ns: string }

async function rig(): Promise<Rig> {
  const ns = `sts-${++seq}`;
  await api.client.resource('namespaces').create({ metadata: { name: ns } });
  const t = testControllerContext(api.client);
  const c = createStatefulSetController({ client: api.client, informers: t.ctx.informers, recorder: t.ctx.recorder('statefulset-controller'), logger: pino({ level: 'silent' }) });
  await t.startInformers();
  return { t, c, ns };
}

function webSet(ns: string, replicas: number, extra: Record<string, unknown> = {}): StatefulSet {
  return {
    apiVersion: 'apps/v1', kind: 'StatefulSet',
    metadata: { name: 'web', namespace: ns },
    spec: {
      replicas,
      serviceName: 'nginx',
      selector: { matchLabels: { app: 'web' } },
      template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'busybox:1', volumeMounts: [{ name: 'data', mountPath: '/data' }] }] } },
      volumeClaimTemplates: [{ metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } }],
      ...extra,
    },
  } as StatefulSet;
}

const bodyOf = <T>(w: RecordedWrite): T => (typeof w.body === 'string' ? JSON.parse(w.body) : w.body) as T;
const podCreates = (r: Rig) => api.writes.filter((w) => w.verb === 'create' && w.path === `/api/v1/namespaces/${r.ns}/pods`).map((w) => bodyOf<Pod>(w));
const podDeletes = (r: Rig) => api.writes.filter((w) => w.verb === 'delete' && w.path.startsWith(`/api/v1/namespaces/${r.ns}/pods/`)).map((w) => w.path.split('/').pop());
const claimWrites = (r: Rig) => api.writes.filter((w) => w.path.startsWith(`/api/v1/namespaces/${r.ns}/persistentvolumeclaims`));
const podsOf = (r: Rig) => r.t.ctx.informers.informer<Pod>('pods').store.byIndex('byNamespace', r.ns);
const setOf = (r: Rig) => r.t.ctx.informers.informer<StatefulSet>('statefulsets.apps').store.getByKey(`${r.ns}/web`);
const podNames = (r: Rig) => podsOf(r).map((p) => p.metadata!.name!).sort();

async function cached(r: Rig, what: string, check: () => boolean) { await eventually(() => check(), what); }
async function readyAll(r: Rig) {
  for (const p of podsOf(r)) if (p.status?.phase !== 'Running') await setTestPodReady(api.client, r.ns, p.metadata!.name!, true, '10.244.1.2');
  await cached(r, 'pods ready in cache', () => podsOf(r).every((p) => p.status?.phase === 'Running'));
}
/** Runs reconciles, marking every pod ready, until the cache shows `n` ready pods. */
async function scaleUpReady(r: Rig, n: number) {
  while (podsOf(r).length < n) {
    await readyAll(r);
    const before = podsOf(r).length;
    await r.c.reconcile(`${r.ns}/web`);
    await cached(r, 'created pod in cache', () => podsOf(r).length > before);
  }
  await readyAll(r);
  assert.equal(podsOf(r).length, n);
}

describe('StatefulSet controller', () => {
  it('creates ordinals in order, each after its predecessor is Running and Ready, with claims and identity', async () => {
    const r = await rig();
    try {
      await api.client.resource('statefulsets.apps', r.ns).create(webSet(r.ns, 3));
      await cached(r, 'set in cache', () => !!setOf(r));
      api.clearWrites();
      await r.c.reconcile(`${r.ns}/web`);
      assert.equal(api.writes.filter((w) => w.path.endsWith('/controllerrevisions') && w.verb === 'create').length, 1);
      assert.deepEqual(claimWrites(r).map((w) => bodyOf<{ metadata: { name: string; labels: Record<string, string> } }>(w).metadata), [{ name: 'data-web-0', namespace: r.ns, labels: { app: 'web' } }]);
      const [web0] = podCreates(r);
      assert.equal(podCreates(r).length, 1);
      assert.equal(web0!.metadata?.name, 'web-0');
      assert.equal(web0!.metadata?.labels?.['statefulset.kubernetes.io/pod-name'], 'web-0');
      assert.equal(web0!.metadata?.labels?.['apps.kubernetes.io/pod-index'], '0');
      assert.match(web0!.metadata?.labels?.['controller-revision-hash'] ?? '', /^web-[a-z0-9]+$/);
      assert.equal(web0!.spec?.hostname, 'web-0');
      assert.equal(web0!.spec?.subdomain, 'nginx');
      assert.deepEqual(web0!.spec?.volumes?.[0], { name: 'data', persistentVolumeClaim: { claimName: 'data-web-0' } });

      // web-0 exists but is not ready: OrderedReady creates nothing more.
      await cached(r, 'web-0 in cache', () => podsOf(r).length === 1);
      api.clearWrites();
      await r.c.reconcile(`${r.ns}/web`);
      assert.equal(podCreates(r).length, 0);
      let set = await api.client.resource('statefulsets.apps', r.ns).get('web') as StatefulSet;
      assert.equal(set.status?.replicas, 1);
      assert.equal(set.status?.readyReplicas, 0);

      await readyAll(r);
      api.clearWrites();
      await r.c.reconcile(`${r.ns}/web`);
      assert.deepEqual(podCreates(r).map((p) => p.metadata?.name), ['web-1']);
      await scaleUpReady(r, 3);
      assert.deepEqual(podNames(r), ['web-0', 'web-1', 'web-2']);
      await cached(r, 'ready set', () => !!setOf(r));
      await r.c.reconcile(`${r.ns}/web`);
      set = await api.client.resource('statefulsets.apps', r.ns).get('web') as StatefulSet;
      assert.equal(set.status?.replicas, 3);
      assert.equal(set.status?.readyReplicas, 3);
      assert.equal(set.status?.availableReplicas, 3);
      assert.equal(set.status?.currentReplicas, 3);
      assert.equal(set.status?.updatedReplicas, 3);
      assert.equal(set.status?.currentRevision, set.status?.updateRevision);
      assert.equal(set.status?.observedGeneration, set.metadata?.generation);
      await r.t.stop();
      const events = (await api.client.resource('events', r.ns).list()).items as { reason: string; message: string }[];
      assert.ok(events.some((e) => e.reason === 'SuccessfulCreate' && e.message === 'create Pod web-0 in StatefulSet web successful'));
      assert.ok(events.some((e) => e.reason === 'SuccessfulCreate' && e.message === 'create Claim data-web-0 Pod web-0 in StatefulSet web success'));
    } finally {
      await r.t.stop();
    }
  });

  it('scales down from the highest ordinal, one at a time, and keeps the claims', async () => {
    const r = await rig();
    try {
      await api.client.resource('statefulsets.apps', r.ns).create(webSet(r.ns, 3));
      await cached(r, 'set in cache', () => !!setOf(r));
      await scaleUpReady(r, 3);
      await api.client.resource('statefulsets.apps', r.ns).patch('web', 'merge', { spec: { replicas: 1 } });
      await cached(r, 'scaled set in cache', () => setOf(r)?.spec?.replicas === 1);
      api.clearWrites();
      await r.c.reconcile(`${r.ns}/web`);
      assert.deepEqual(podDeletes(r), ['web-2']);
      await cached(r, 'web-2 gone', () => !podNames(r).includes('web-2'));
      api.clearWrites();
      await r.c.reconcile(`${r.ns}/web`);
      assert.deepEqual(podDeletes(r), ['web-1']);
      await cached(r, 'web-1 gone', () => podNames(r).length === 1);
      const claims = (await api.client.resource('persistentvolumeclaims', r.ns).list()).items.map((c) => c.metadata?.name).sort();
      assert.deepEqual(claims, ['data-web-0', 'data-web-1', 'data-web-2']);
      const owners = (await api.client.resource('persistentvolumeclaims', r.ns).list()).items.map((c) => c.metadata?.ownerReferences ?? []);
      assert.deepEqual(owners, [[], [], []], 'Retain/Retain: claims have no owners');
    } finally {
      await r.t.stop();
    }
  });

  it('Parallel creates every missing ordinal at once', async () => {
    const r = await rig();
    try {
      await api.client.resource('statefulsets.apps', r.ns).create(webSet(r.ns, 3, { podManagementPolicy: 'Parallel' }));
      await cached(r, 'set in cache', () => !!setOf(r));
      api.clearWrites();
      await r.c.reconcile(`${r.ns}/web`);
      assert.deepEqual(podCreates(r).map((p) => p.metadata?.name).sort(), ['web-0', 'web-1', 'web-2']);
    } finally {
      await r.t.stop();
    }
  });

  it('rolls a partitioned update from the highest ordinal down to the partition only', async () => {
    const r = await rig();
    try {
      await api.client.resource('statefulsets.apps', r.ns).create(webSet(r.ns, 3, { updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 1 } } }));
      await cached(r, 'set in cache', () => !!setOf(r));
      await scaleUpReady(r, 3);
      await r.c.reconcile(`${r.ns}/web`);
      const oldRevision = podsOf(r)[0]!.metadata!.labels!['controller-revision-hash'];
      await api.client.resource('statefulsets.apps', r.ns).patch('web', 'strategic', { spec: { template: { spec: { containers: [{ name: 'c', image: 'busybox:2' }] } } } });
      await cached(r, 'new template in cache', () => setOf(r)?.spec?.template?.spec?.containers[0]?.image === 'busybox:2');
      api.clearWrites();
      await r.c.reconcile(`${r.ns}/web`);
      assert.equal(api.writes.filter((w) => w.path.endsWith('/controllerrevisions') && w.verb === 'create').length, 1);
      assert.deepEqual(podDeletes(r), ['web-2']);
      await cached(r, 'web-2 gone', () => !podNames(r).includes('web-2'));
      api.clearWrites();
      await r.c.reconcile(`${r.ns}/web`);
      const [web2] = podCreates(r);
      assert.equal(web2?.metadata?.name, 'web-2');
      assert.equal(web2?.spec?.containers[0]?.image, 'busybox:2');
      const newRevision = web2!.metadata!.labels!['controller-revision-hash'];
      assert.notEqual(newRevision, oldRevision);
      await cached(r, 'web-2 back', () => podNames(r).includes('web-2'));
      await readyAll(r);
      // web-2 is ready at the update revision: next is web-1 (ordinals >= partition 1 roll).
      api.clearWrites();
      await r.c.reconcile(`${r.ns}/web`);
      assert.deepEqual(podDeletes(r), ['web-1']);
      await cached(r, 'web-1 gone', () => !podNames(r).includes('web-1'));
      await r.c.reconcile(`${r.ns}/web`);
      await cached(r, 'web-1 back', () => podNames(r).includes('web-1'));
      await readyAll(r);
      api.clearWrites();
      await r.c.reconcile(`${r.ns}/web`);
      assert.deepEqual(podDeletes(r), [], 'web-0 is below the partition');
      assert.equal(podsOf(r).find((p) => p.metadata?.name === 'web-0')?.spec?.containers[0]?.image, 'busybox:1');
      const set = await api.client.resource('statefulsets.apps', r.ns).get('web') as StatefulSet;
      assert.equal(set.status?.updateRevision, newRevision);
      assert.equal(set.status?.currentRevision, oldRevision);
      assert.equal(set.status?.updatedReplicas, 2);
      assert.equal(set.status?.currentReplicas, 1);
      const revisions = (await api.client.resource('controllerrevisions.apps', r.ns).list()).items as { revision: number; metadata: { name: string } }[];
      assert.deepEqual(revisions.map((x) => [x.metadata.name, x.revision]).sort(), [[oldRevision, 1], [newRevision, 2]].sort());
    } finally {
      await r.t.stop();
    }
  });

  it('OnDelete leaves old pods alone; a pod deleted by the user comes back at the update revision', async () => {
    const r = await rig();
    try {
      await api.client.resource('statefulsets.apps', r.ns).create(webSet(r.ns, 2, { updateStrategy: { type: 'OnDelete' } }));
      await cached(r, 'set in cache', () => !!setOf(r));
      await scaleUpReady(r, 2);
      await api.client.resource('statefulsets.apps', r.ns).patch('web', 'strategic', { spec: { template: { spec: { containers: [{ name: 'c', image: 'busybox:2' }] } } } });
      await cached(r, 'new template in cache', () => setOf(r)?.spec?.template?.spec?.containers[0]?.image === 'busybox:2');
      api.clearWrites();
      await r.c.reconcile(`${r.ns}/web`);
      assert.deepEqual(podDeletes(r), []);
      await api.client.resource('pods', r.ns).delete('web-1');
      await cached(r, 'web-1 gone', () => !podNames(r).includes('web-1'));
      api.clearWrites();
      await r.c.reconcile(`${r.ns}/web`);
      assert.deepEqual(podCreates(r).map((p) => [p.metadata?.name, p.spec?.containers[0]?.image]), [['web-1', 'busybox:2']]);
    } finally {
      await r.t.stop();
    }
  });

  it('keeps at most revisionHistoryLimit revisions that no pod uses', async () => {
    const r = await rig();
    try {
      await api.client.resource('statefulsets.apps', r.ns).create(webSet(r.ns, 1, { revisionHistoryLimit: 0 }));
      await cached(r, 'set in cache', () => !!setOf(r));
      await scaleUpReady(r, 1);
      const first = podsOf(r)[0]!.metadata!.labels!['controller-revision-hash'];
      await api.client.resource('statefulsets.apps', r.ns).patch('web', 'strategic', { spec: { template: { spec: { containers: [{ name: 'c', image: 'busybox:2' }] } } } });
      await cached(r, 'new template in cache', () => setOf(r)?.spec?.template?.spec?.containers[0]?.image === 'busybox:2');
      await eventually(async () => {
        await r.c.reconcile(`${r.ns}/web`);
        return podsOf(r).length === 1 && podsOf(r)[0]!.metadata!.labels!['controller-revision-hash'] !== first;
      }, 'web-0 replaced');
      await readyAll(r);
      api.clearWrites();
      await eventually(async () => {
        await r.c.reconcile(`${r.ns}/web`);
        return api.writes.some((w) => w.verb === 'delete' && w.path.endsWith(`/controllerrevisions/${first}`));
      }, 'the unused revision deleted');
      const names = (await api.client.resource('controllerrevisions.apps', r.ns).list()).items.map((x) => x.metadata?.name);
      assert.equal(names.length, 1);
      assert.notEqual(names[0], first);
    } finally {
      await r.t.stop();
    }
  });

  it('adopts an orphan pod named like a member instead of creating it, and leaves foreign pods alone', async () => {
    const r = await rig();
    try {
      const orphan = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web-0', labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'busybox:1' }] } };
      await api.client.resource('pods', r.ns).create(orphan as never);
      await api.client.resource('pods', r.ns).create({ ...orphan, metadata: { name: 'other-0', labels: { app: 'web' } } } as never);
      await api.client.resource('statefulsets.apps', r.ns).create(webSet(r.ns, 1));
      await cached(r, 'set and pods in cache', () => !!setOf(r) && podsOf(r).length === 2);
      api.clearWrites();
      await r.c.reconcile(`${r.ns}/web`);
      assert.equal(podCreates(r).length, 0);
      const patched = api.writes.filter((w) => w.verb === 'patch' && w.path.includes('/pods/')).map((w) => w.path.split('/').pop());
      assert.deepEqual(patched, ['web-0']);
      const web0 = await api.client.resource('pods', r.ns).get('web-0') as Pod;
      assert.equal(web0.metadata?.ownerReferences?.[0]?.kind, 'StatefulSet');
      assert.equal(web0.metadata?.ownerReferences?.[0]?.controller, true);
      const other = await api.client.resource('pods', r.ns).get('other-0') as Pod;
      assert.equal(other.metadata?.ownerReferences, undefined);
    } finally {
      await r.t.stop();
    }
  });

  it('retention policy Delete: claims owned by the set, and by the pod once it is scaled away', async () => {
    const r = await rig();
    try {
      await api.client.resource('statefulsets.apps', r.ns).create(webSet(r.ns, 2, { persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Delete', whenScaled: 'Delete' } }));
      await cached(r, 'set in cache', () => !!setOf(r));
      await scaleUpReady(r, 2);
      const set = setOf(r)!;
      const claimOwners = async () => Object.fromEntries((await api.client.resource('persistentvolumeclaims', r.ns).list()).items.map((c) => [c.metadata!.name!, (c.metadata?.ownerReferences ?? []).map((o) => `${o.kind}/${o.name}/${o.uid === set.metadata?.uid || o.uid === podsOf(r).find((p) => p.metadata?.name === o.name)?.metadata?.uid}/${o.controller}`)]));
      await eventually(async () => {
        await r.c.reconcile(`${r.ns}/web`);
        const owners = await claimOwners();
        return owners['data-web-0']?.[0] === 'StatefulSet/web/true/true' && owners['data-web-1']?.[0] === 'StatefulSet/web/true/true';
      }, 'claims owned by the set');
      await api.client.resource('statefulsets.apps', r.ns).patch('web', 'merge', { spec: { replicas: 1 } });
      await cached(r, 'scaled set in cache', () => setOf(r)?.spec?.replicas === 1);
      await cached(r, 'claims in cache', () => r.t.ctx.informers.informer('persistentvolumeclaims').store.byIndex('byNamespace', r.ns).every((c) => (c.metadata?.ownerReferences?.length ?? 0) > 0));
      const web1 = podsOf(r).find((p) => p.metadata?.name === 'web-1')!;
      api.clearWrites();
      await r.c.reconcile(`${r.ns}/web`);
      const claimUpdate = api.writes.findIndex((w) => w.verb === 'update' && w.path.endsWith('/persistentvolumeclaims/data-web-1'));
      const podDelete = api.writes.findIndex((w) => w.verb === 'delete' && w.path.endsWith('/pods/web-1'));
      assert.ok(claimUpdate >= 0 && podDelete > claimUpdate, 'the claim is handed to the pod before the pod is deleted');
      const claim = await api.client.resource('persistentvolumeclaims', r.ns).get('data-web-1');
      assert.deepEqual(claim.metadata?.ownerReferences?.map((o) => [o.kind, o.name, o.uid, o.controller]), [['Pod', 'web-1', web1.metadata?.uid, true]]);
    } finally {
      await r.t.stop();
    }
  });
});
