// Unit tests of the ReplicaSet controller's reconcile against the in-memory apiserver: the writes it
// makes (pod creations with controllerRef, status), expectations against a stale cache, adoption,
// deletion order, and the slow-start batches.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { pino } from 'pino';
import type { Pod, ReplicaSet } from '../../api/types.js';
import { createEventRecorder, createInformer, createWorkQueue, type Informer, type KubeObject } from '../../client/index.js';
import { startMemoryApiserver, type MemoryApiserver } from '../../test/support/memory-apiserver.js';
import { sortPodsForDeletion } from '../shared/active-pods.js';
import { slowStartBatch } from '../shared/slow-start.js';
import { ReplicaSetController } from './replicaset-controller.js';

type KPod = Pod & KubeObject;
type KRS = ReplicaSet & KubeObject;

async function eventually(check: () => boolean | Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** A recorded request body as JSON (the apiserver may keep it as raw bytes). */
function bodyOf<T>(w: { body?: unknown } | undefined): T {
  const b = w?.body;
  if (typeof b === 'string') return JSON.parse(b) as T;
  if (b instanceof Uint8Array) return JSON.parse(Buffer.from(b).toString('utf8')) as T;
  return b as T;
}

function replicaSet(name: string, replicas: number): KRS {
  return {
    apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name, namespace: 'default' },
    spec: { replicas, selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'c', image: 'busybox' }] } } },
  };
}

describe('ReplicaSet controller reconcile', () => {
  let api: MemoryApiserver;
  const stop = new AbortController();
  before(async () => { api = await startMemoryApiserver(); });
  after(async () => { stop.abort(); api.client.close(); await api.stop(); });

  const setup = (pods: Informer<KPod>) => {
    const replicaSets = createInformer<KRS>(api.client.resource<KRS>('replicasets.apps'));
    replicaSets.start(stop.signal);
    const recorder = createEventRecorder({ events: api.client.resource('events'), component: 'replicaset-controller' });
    const controller = new ReplicaSetController({ client: api.client, replicaSets, pods, queue: createWorkQueue<string>(), recorder, logger: pino({ level: 'silent' }) });
    controller.registerHandlers();
    return { controller, replicaSets, recorder };
  };

  it('creates the missing pods once, even while its pod cache has not caught up', async () => {
    // A pod informer that never starts: the cache stays empty, as a very slow watch would.
    const stalePods = createInformer<KPod>(api.client.resource<KPod>('pods'));
    const { controller, replicaSets, recorder } = setup(stalePods);
    const rs = await api.client.resource<KRS>('replicasets.apps').create(replicaSet('web', 3));
    await eventually(() => !!replicaSets.store.getByKey('default/web'), 'the replica set in the cache');
    api.clearWrites();
    await controller.reconcile('default/web');
    await controller.reconcile('default/web');
    const podCreates = api.writes.filter((w) => w.verb === 'create' && w.path === '/api/v1/namespaces/default/pods');
    assert.equal(podCreates.length, 3, 'three pods, not six');
    const body = bodyOf<KPod>(podCreates[0]);
    assert.equal(body.metadata?.generateName, 'web-');
    assert.deepEqual(body.metadata?.labels, { app: 'web' });
    assert.deepEqual(body.metadata?.ownerReferences, [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web', uid: rs.metadata!.uid, controller: true, blockOwnerDeletion: true }]);
    assert.deepEqual(controller.expectations.get('default/web'), { add: 3, del: 0 });
    const status = api.writes.filter((w) => w.verb === 'update' && w.statusCode === 200 && w.path === '/apis/apps/v1/namespaces/default/replicasets/web/status');
    assert.ok(status.length >= 1, 'status written');
    assert.equal(bodyOf<KRS>(status[0]).status?.observedGeneration, 1);
    await recorder.flush();
    recorder.shutdown();
  });

  it('adopts orphans by selector, counts status and deletes the surplus in ActivePods order', async () => {
    const pods = createInformer<KPod>(api.client.resource<KPod>('pods'));
    pods.start(stop.signal);
    const { controller, replicaSets, recorder } = setup(pods);
    const podClient = api.client.resource<KPod>('pods');
    const now = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
    for (const name of ['a', 'b', 'c']) {
      await podClient.create({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default', labels: { app: 'api' } }, spec: { containers: [{ name: 'c', image: 'busybox' }] } });
    }
    // a and c are Running and Ready; b stays Pending, so b is deleted first.
    for (const name of ['a', 'c']) {
      await podClient.patch(name, 'merge', { status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: now }] } }, {}, 'default', 'status');
    }
    const rs = await api.client.resource<KRS>('replicasets.apps').create(replicaSet('api', 2));
    await eventually(() => !!replicaSets.store.getByKey('default/api') && pods.store.byIndex('byNamespace', 'default').filter((p) => p.metadata?.labels?.app === 'api' && p.status?.phase === 'Running').length === 2, 'caches');
    api.clearWrites();
    await controller.reconcile('default/api');
    const adoptions = api.writes.filter((w) => w.verb === 'patch' && /\/pods\/[abc]$/.test(w.path));
    assert.equal(adoptions.length, 3, 'all three orphans adopted');
    assert.deepEqual(bodyOf<KPod>(adoptions[0]).metadata?.ownerReferences?.[0]?.uid, rs.metadata?.uid);
    const deletes = api.writes.filter((w) => w.verb === 'delete');
    assert.deepEqual(deletes.map((w) => w.path), ['/api/v1/namespaces/default/pods/b']);
    const status = bodyOf<KRS>(api.writes.find((w) => w.path.endsWith('/replicasets/api/status')));
    assert.equal(status.status?.replicas, 3, 'status counts the pods it saw before deleting');
    assert.equal(status.status?.readyReplicas, 2);
    assert.equal(status.status?.availableReplicas, 2);
    assert.equal(status.status?.fullyLabeledReplicas, 3);
    // Once the cache has seen the deletion, the next sync writes replicas 2 and nothing else.
    await eventually(() => controller.expectations.satisfiedExpectations('default/api'), 'the deletion observed');
    await eventually(() => replicaSets.store.getByKey('default/api')?.status?.replicas === 3, 'status in cache');
    api.clearWrites();
    await controller.reconcile('default/api');
    assert.deepEqual(api.writes.map((w) => w.verb), ['update']);
    assert.equal(bodyOf<KRS>(api.writes[0]).status?.replicas, 2);
    await recorder.flush();
    const events = (await api.client.resource('events', 'default').list()).items as { reason?: string; message?: string }[];
    assert.ok(events.some((e) => e.reason === 'SuccessfulDelete' && e.message === 'Deleted pod: b'));
    recorder.shutdown();
  });
});

describe('deletion order and slow start', () => {
  const pod = (name: string, extra: Partial<Pod['status']> & { nodeName?: string; created?: string; cost?: string } = {}): Pod => ({
    metadata: { name, uid: name, creationTimestamp: extra.created ?? '2024-01-01T00:00:00Z', annotations: extra.cost ? { 'controller.kubernetes.io/pod-deletion-cost': extra.cost } : {} },
    spec: { containers: [], nodeName: extra.nodeName },
    status: { phase: extra.phase ?? 'Running', conditions: extra.conditions },
  });
  const ready = [{ type: 'Ready', status: 'True', lastTransitionTime: '2024-01-01T00:00:00Z' }];

  it('deletes unscheduled, then pending, then not ready, then cheaper, then doubled-up pods first', () => {
    const now = Date.parse('2024-01-02T00:00:00Z');
    const pods = [
      pod('ready-n1', { nodeName: 'n1', conditions: ready }),
      pod('unscheduled', { phase: 'Pending' }),
      pod('pending', { nodeName: 'n1', phase: 'Pending' }),
      pod('notready', { nodeName: 'n2' }),
      pod('cheap', { nodeName: 'n3', conditions: ready, cost: '-5' }),
      pod('ready-n2', { nodeName: 'n2', conditions: ready }),
    ];
    const related = [...pods, pod('other', { nodeName: 'n2', conditions: ready })];
    const order = sortPodsForDeletion(pods, related, now).map((p) => p.metadata?.name);
    assert.deepEqual(order, ['unscheduled', 'pending', 'notready', 'cheap', 'ready-n2', 'ready-n1']);
  });

  it('newer pods go first; pods in the same logarithmic age bucket tie-break by uid', () => {
    const now = Date.parse('2024-01-10T00:00:00Z');
    const old = pod('z-old', { nodeName: 'n', conditions: ready, created: '2024-01-01T00:00:00Z' });
    const young = pod('z-young', { nodeName: 'n', conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: '2024-01-09T23:59:00Z' }], created: '2024-01-09T23:58:00Z' });
    assert.deepEqual(sortPodsForDeletion([old, young], [], now).map((p) => p.metadata?.name), ['z-young', 'z-old']);
  });

  it('slow start doubles batches and stops at the first failing batch', async () => {
    let calls = 0;
    const ok = await slowStartBatch(10, 1, async () => { calls++; });
    assert.deepEqual([ok.successes, calls], [10, 10]);
    calls = 0;
    const failing = await slowStartBatch(10, 1, async () => { calls++; if (calls > 3) throw new Error('quota'); });
    // Batches 1, 2 succeed; the batch of 4 has 3 failures; nothing after it runs.
    assert.equal(calls, 7);
    assert.equal(failing.successes, 3);
    assert.equal((failing.error as Error).message, 'quota');
  });
});
