// Unit tests of the Deployment controller's reconcile against the in-memory apiserver (the writes of
// a first sync and of a rolling step), and of the pure arithmetic: fenceposts, hash, annotations.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { pino } from 'pino';
import type { Pod } from '../../api/types.js';
import { createEventRecorder, createInformer, createWorkQueue, type KubeObject } from '../../client/index.js';
import { startMemoryApiserver, type MemoryApiserver } from '../../test/support/memory-apiserver.js';
import { DeploymentController } from './deployment-controller.js';
import { computeHash, safeEncodeString } from './hash.js';
import type { KDeployment, KReplicaSet } from './sync.js';
import { equalIgnoreHash, maxSurge, maxUnavailable, resolveFenceposts, setNewReplicaSetAnnotations } from './util.js';

function bodyOf<T>(w: { body?: unknown } | undefined): T {
  const b = w?.body;
  if (typeof b === 'string') return JSON.parse(b) as T;
  if (b instanceof Uint8Array) return JSON.parse(Buffer.from(b).toString('utf8')) as T;
  return b as T;
}

async function eventually(check: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    if (check()) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('Deployment controller reconcile', () => {
  let api: MemoryApiserver;
  const stop = new AbortController();
  before(async () => { api = await startMemoryApiserver(); });
  after(async () => { stop.abort(); api.client.close(); await api.stop(); });

  it('creates the new replica set with hash, annotations and surge, then rolls within maxSurge/maxUnavailable', async () => {
    const deployments = createInformer<KDeployment>(api.client.resource<KDeployment>('deployments.apps'));
    const replicaSets = createInformer<KReplicaSet>(api.client.resource<KReplicaSet>('replicasets.apps'));
    const pods = createInformer<Pod & KubeObject>(api.client.resource<Pod & KubeObject>('pods'));
    for (const i of [deployments, replicaSets, pods]) i.start(stop.signal);
    const recorder = createEventRecorder({ events: api.client.resource('events'), component: 'deployment-controller' });
    const controller = new DeploymentController({ client: api.client, deployments, replicaSets, pods, queue: createWorkQueue<string>(), recorder, logger: pino({ level: 'silent' }) });
    controller.registerHandlers();
    const d = await api.client.resource<KDeployment>('deployments.apps').create({
      apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'default' },
      spec: {
        replicas: 4, selector: { matchLabels: { app: 'web' } },
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } },
        template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'busybox:v1' }] } },
      },
    });
    await eventually(() => !!deployments.store.getByKey('default/web'), 'deployment cached');
    api.clearWrites();
    await controller.reconcile('default/web');
    const rsCreate = api.writes.find((w) => w.verb === 'create' && w.path === '/apis/apps/v1/namespaces/default/replicasets');
    assert.ok(rsCreate, 'a replica set was created');
    const rs = bodyOf<KReplicaSet>(rsCreate);
    const hash = computeHash(d.spec!.template);
    assert.equal(rs.metadata?.name, `web-${hash}`);
    assert.equal(rs.spec?.replicas, 4);
    assert.deepEqual(rs.spec?.selector?.matchLabels, { app: 'web', 'pod-template-hash': hash });
    assert.equal(rs.spec?.template?.metadata?.labels?.['pod-template-hash'], hash);
    assert.deepEqual(rs.metadata?.annotations, {
      'deployment.kubernetes.io/revision': '1', 'deployment.kubernetes.io/desired-replicas': '4', 'deployment.kubernetes.io/max-replicas': '5',
    });
    assert.deepEqual(rs.metadata?.ownerReferences, [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', uid: d.metadata!.uid, controller: true, blockOwnerDeletion: true }]);
    const statusWrites = api.writes.filter((w) => w.path === '/apis/apps/v1/namespaces/default/deployments/web/status' && w.statusCode === 200).map((w) => bodyOf<KDeployment>(w));
    assert.equal(statusWrites[0].metadata?.annotations?.['deployment.kubernetes.io/revision'], '1');
    assert.equal(statusWrites[0].status?.conditions?.find((c) => c.type === 'Progressing')?.reason, 'NewReplicaSetCreated');
    const stored = await api.client.resource<KDeployment>('deployments.apps').get('web', 'default');
    assert.equal(stored.metadata?.annotations?.['deployment.kubernetes.io/revision'], '1', 'the revision annotation survives the /status write');

    // Make the first replica set fully available, then change the template: the new replica set may
    // only surge by 1 (25% of 4 rounded up) and the old one may lose 1 (25% rounded down).
    const first = await api.client.resource<KReplicaSet>('replicasets.apps').get(`web-${hash}`, 'default');
    await api.client.resource<KReplicaSet>('replicasets.apps').updateStatus({ ...first, status: { replicas: 4, readyReplicas: 4, availableReplicas: 4, observedGeneration: 1 } } as KReplicaSet);
    await api.client.resource<KDeployment>('deployments.apps').patch('web', 'strategic', { spec: { template: { spec: { containers: [{ name: 'web', image: 'busybox:v2' }] } } } }, {}, 'default');
    await eventually(() => deployments.store.getByKey('default/web')?.metadata?.generation === 2 && replicaSets.store.getByKey(`default/web-${hash}`)?.status?.availableReplicas === 4, 'caches caught up');
    api.clearWrites();
    await controller.reconcile('default/web');
    const created = bodyOf<KReplicaSet>(api.writes.find((w) => w.verb === 'create' && w.path.endsWith('/replicasets')));
    assert.equal(created.spec?.replicas, 1, 'new replica set starts at maxSurge');
    assert.equal(created.metadata?.annotations?.['deployment.kubernetes.io/revision'], '2');
    const scaledOld = api.writes.filter((w) => w.verb === 'update' && w.path.endsWith(`/replicasets/web-${hash}`)).map((w) => bodyOf<KReplicaSet>(w));
    assert.deepEqual(scaledOld.map((r) => r.spec?.replicas), [3], 'old replica set scaled down by maxUnavailable in the same sync');
    await recorder.flush();
    const events = (await api.client.resource('events', 'default').list()).items as { reason?: string; message?: string }[];
    assert.ok(events.some((e) => e.reason === 'ScalingReplicaSet' && e.message === `Scaled up replica set web-${hash} from 0 to 4`));
    assert.ok(events.some((e) => e.reason === 'ScalingReplicaSet' && e.message === `Scaled down replica set web-${hash} from 4 to 3`));
    recorder.shutdown();
  });
});

describe('deployment arithmetic', () => {
  it('rounds maxSurge up and maxUnavailable down, and never lets both be 0', () => {
    assert.deepEqual(resolveFenceposts('25%', '25%', 10), [3, 2]);
    assert.deepEqual(resolveFenceposts('10%', '10%', 3), [1, 0]);
    assert.deepEqual(resolveFenceposts(0, '10%', 3), [0, 1]);
    const d = { spec: { replicas: 0, strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 2 } } } };
    assert.equal(maxUnavailable(d as never), 0);
    assert.equal(maxSurge({ spec: { replicas: 4, strategy: { type: 'Recreate' } } } as never), 0);
  });

  it('hashes stably, changes with collisionCount, and encodes safely', () => {
    const t = { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'x' }] } };
    const reordered = { spec: { containers: [{ image: 'x', name: 'c' }] }, metadata: { labels: { app: 'web' } } };
    assert.equal(computeHash(t), computeHash(reordered));
    assert.notEqual(computeHash(t), computeHash(t, 1));
    assert.match(computeHash(t), /^[bcdfghjklmnpqrstvwxz2456789]+$/);
    assert.equal(safeEncodeString('0123'), '4567');
  });

  it('compares templates ignoring the hash label and typed-client empties', () => {
    const a = { metadata: { labels: { app: 'web', 'pod-template-hash': 'abc' } }, spec: { containers: [{ name: 'c', image: 'x' }] } };
    const b = { metadata: { creationTimestamp: null, labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'x', resources: {} }] } };
    assert.ok(equalIgnoreHash(a, b as never));
    assert.ok(!equalIgnoreHash(a, { ...a, spec: { containers: [{ name: 'c', image: 'y' }] } }));
  });

  it('keeps revision history when a replica set is reused', () => {
    const annotations: Record<string, string> = { 'deployment.kubernetes.io/revision': '1' };
    assert.ok(setNewReplicaSetAnnotations({ metadata: { annotations: { 'kubernetes.io/change-cause': 'undo' } } }, annotations, '3', true));
    assert.deepEqual(annotations, { 'deployment.kubernetes.io/revision': '3', 'deployment.kubernetes.io/revision-history': '1', 'kubernetes.io/change-cause': 'undo' });
  });
});
