// Unit tests of the garbage collector: the whole controller against the in-memory apiserver, each
// propagation policy and dangling references, asserting the writes it makes and what is left.
import assert from 'node:assert/strict';
import { after, before, beforeEach, afterEach, describe, it } from 'node:test';
import { NotFoundError, type KubeObject } from '../../client/index.js';
import { startMemoryApiserver, type MemoryApiserver } from '../../test/support/memory-apiserver.js';
import { testControllerContext, type TestControllerContext } from '../../test/support/controller-context.js';
import { garbageCollectorController } from './index.js';
import { monitoredResources } from './monitored-resources.js';

async function waitFor<T>(what: string, fn: () => Promise<T | undefined | false | null> | T | undefined | false | null, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

function bodyOf(w: { body?: unknown }): any {
  return typeof w.body === 'string' || Buffer.isBuffer(w.body) ? JSON.parse(String(w.body)) : w.body;
}

let api: MemoryApiserver;
let seq = 0;
before(async () => {
  api = await startMemoryApiserver();
});
after(async () => {
  await api.stop();
});

describe('garbage collector', () => {
  let t: TestControllerContext;
  let running: Promise<void>;
  let ns: string;
  const cms = () => api.client.resource('configmaps', ns);

  beforeEach(async () => {
    ns = `gc-${++seq}`;
    await api.client.resource('namespaces').create({ metadata: { name: ns } });
    t = testControllerContext(api.client);
    running = garbageCollectorController.start(t.ctx);
    await t.startInformers();
  });
  afterEach(async () => {
    await t.stop();
    await running;
  });

  async function owner(name: string, ownerOf?: KubeObject, block = true): Promise<KubeObject> {
    const ownerReferences = ownerOf ? [{ apiVersion: 'v1', kind: 'ConfigMap', name: ownerOf.metadata!.name!, uid: ownerOf.metadata!.uid!, blockOwnerDeletion: block }] : undefined;
    return cms().create({ metadata: { name, ownerReferences } });
  }
  async function exists(name: string): Promise<KubeObject | undefined> {
    try {
      return await cms().get(name);
    } catch (err) {
      if (err instanceof NotFoundError) return undefined;
      throw err;
    }
  }
  async function inGraph(...objs: KubeObject[]) {
    // The informers have seen them once the GC knows every uid.
    await waitFor('graph', async () => {
      const gcInformer = t.ctx.informers.informer('configmaps');
      return objs.every((o) => gcInformer.store.getByKey(`${ns}/${o.metadata!.name}`));
    });
  }

  it('watches every deletable resource of the catalogue except events', () => {
    const names = monitoredResources().map((r) => `${r.plural}.${r.group}`);
    assert.ok(names.includes('pods.'));
    assert.ok(names.includes('replicasets.apps'));
    assert.ok(names.includes('jobs.batch'));
    assert.ok(!names.includes('events.'));
  });

  it('Background: deletes the dependents after the owner is gone', async () => {
    const o = await owner('bg-owner');
    const d1 = await owner('bg-dep1', o);
    const d2 = await owner('bg-dep2', o, false);
    await inGraph(o, d1, d2);
    api.clearWrites();
    await cms().delete('bg-owner', { propagationPolicy: 'Background' });
    await waitFor('dependents gone', async () => !(await exists('bg-dep1')) && !(await exists('bg-dep2')));
    const deletes = api.writes.filter((w) => w.verb === 'delete' && w.path.includes('/bg-dep'));
    assert.equal(deletes.length, 2);
    for (const w of deletes) {
      assert.equal(bodyOf(w).propagationPolicy, 'Background');
      assert.ok(bodyOf(w).preconditions.uid, 'deleted with a uid precondition');
    }
  });

  it('Foreground: the owner stays with its finalizer until the dependents are gone', async () => {
    const o = await owner('fg-owner');
    const child = await owner('fg-child', o);
    const grandchild = await owner('fg-grandchild', child);
    await inGraph(o, child, grandchild);
    api.clearWrites();
    const deleting = await cms().delete('fg-owner', { propagationPolicy: 'Foreground' });
    assert.deepEqual(deleting.metadata?.finalizers, ['foregroundDeletion']);
    assert.ok(deleting.metadata?.deletionTimestamp);
    await waitFor('all gone', async () => !(await exists('fg-owner')) && !(await exists('fg-child')) && !(await exists('fg-grandchild')));
    const order = api.writes.filter((w) => w.statusCode < 300).map((w) => `${w.verb} ${w.path.split('/').pop()}`);
    const grandchildGone = order.indexOf('delete fg-grandchild');
    const finalizerOff = order.lastIndexOf('patch fg-owner');
    assert.ok(grandchildGone >= 0, order.join('\n'));
    assert.ok(order.includes('delete fg-child'), order.join('\n'));
    assert.ok(finalizerOff > grandchildGone, `the owner's finalizer goes last:\n${order.join('\n')}`);
    // The child had a dependent of its own, so it was deleted in the foreground too.
    const childDelete = api.writes.find((w) => w.verb === 'delete' && w.path.endsWith('/fg-child'));
    assert.equal(bodyOf(childDelete!).propagationPolicy, 'Foreground');
  });

  it('Orphan: the dependents stay with the ownerReference removed', async () => {
    const o = await owner('or-owner');
    const d = await owner('or-dep', o);
    const other = await owner('or-other');
    const both = await cms().create({ metadata: { name: 'or-both', ownerReferences: [
      { apiVersion: 'v1', kind: 'ConfigMap', name: 'or-owner', uid: o.metadata!.uid! },
      { apiVersion: 'v1', kind: 'ConfigMap', name: 'or-other', uid: other.metadata!.uid! },
    ] } });
    await inGraph(o, d, other, both);
    await cms().delete('or-owner', { propagationPolicy: 'Orphan' });
    await waitFor('owner gone', async () => !(await exists('or-owner')));
    const dep = await exists('or-dep');
    assert.ok(dep, 'dependent kept');
    assert.deepEqual(dep.metadata?.ownerReferences ?? [], []);
    const kept = await exists('or-both');
    assert.deepEqual(kept?.metadata?.ownerReferences?.map((r) => r.name), ['or-other']);
  });

  it('deletes dependents of an owner that never existed, and only drops the dangling reference when another owner lives', async () => {
    const live = await owner('dg-live');
    await cms().create({ metadata: { name: 'dg-orphan', ownerReferences: [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'dg-missing', uid: '00000000-0000-0000-0000-000000000001' }] } });
    // Same name as a live object but another uid: still dangling.
    await cms().create({ metadata: { name: 'dg-wrong-uid', ownerReferences: [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'dg-live', uid: '00000000-0000-0000-0000-000000000002' }] } });
    await cms().create({ metadata: { name: 'dg-mixed', ownerReferences: [
      { apiVersion: 'v1', kind: 'ConfigMap', name: 'dg-missing', uid: '00000000-0000-0000-0000-000000000003' },
      { apiVersion: 'v1', kind: 'ConfigMap', name: 'dg-live', uid: live.metadata!.uid! },
    ] } });
    await waitFor('dangling dependents deleted', async () => !(await exists('dg-orphan')) && !(await exists('dg-wrong-uid')));
    const mixed = await waitFor('dangling reference dropped', async () => {
      const m = await exists('dg-mixed');
      return m?.metadata?.ownerReferences?.length === 1 ? m : undefined;
    });
    assert.equal(mixed.metadata?.ownerReferences?.[0]?.name, 'dg-live');
    assert.ok(await exists('dg-live'));
  });
});
