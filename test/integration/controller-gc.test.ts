// The garbage collector on a real apiserver and etcd: cascading delete in the three modes, driven by
// the stock `kubectl delete --cascade=background|foreground|orphan` (and the client's propagationPolicy
// where kubectl is missing): Background removes the dependents, Foreground keeps the owner with its
// finalizer until the dependents are gone, Orphan keeps the dependents without the ownerReference.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { createClient, loadClientConfig, NotFoundError, type Client, type KubeObject } from '../../client/index.js';
import { garbageCollectorController } from '../../controller-manager/garbage-collector/index.js';
import { startTestCluster, type TestCluster } from '../support/cluster.js';
import { testControllerContext, type TestControllerContext } from '../support/controller-context.js';

const run = promisify(execFile);
const KUBECTL = '/usr/bin/kubectl';
const NS = 'gc-cascade';

async function waitFor<T>(what: string, fn: () => Promise<T | undefined | false | null>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('garbage collector: cascading delete', { timeout: 180_000 }, () => {
  let cluster: TestCluster;
  let client: Client;
  let t: TestControllerContext;
  let gc: Promise<void>;

  before(async () => {
    cluster = await startTestCluster();
    client = createClient(await loadClientConfig({ kubeconfig: cluster.kubeconfig }));
    await client.resource('namespaces').create({ metadata: { name: NS } });
    t = testControllerContext(client);
    gc = garbageCollectorController.start(t.ctx);
    await t.startInformers();
  });
  after(async () => {
    await t?.stop();
    await gc;
    client?.close();
    await cluster?.stop();
  });

  /** Deletes with kubectl when it is installed (what a user types), else with the client. */
  async function cascadeDelete(resource: string, name: string, cascade: 'background' | 'foreground' | 'orphan'): Promise<void> {
    if (existsSync(KUBECTL)) {
      await run(KUBECTL, ['--kubeconfig', cluster.kubeconfig, '-n', NS, 'delete', resource, name, `--cascade=${cascade}`, '--wait=false'], { timeout: 60_000 });
    } else {
      const policy = ({ background: 'Background', foreground: 'Foreground', orphan: 'Orphan' } as const)[cascade];
      await client.resource(resource, NS).delete(name, { propagationPolicy: policy });
    }
  }

  async function get(resource: string, name: string): Promise<KubeObject | undefined> {
    try {
      return await client.resource(resource, NS).get(name);
    } catch (err) {
      if (err instanceof NotFoundError) return undefined;
      throw err;
    }
  }

  /** A ReplicaSet (no controller runs for it here) and pods and a ConfigMap that name it as owner. */
  async function family(name: string, holdOne = false): Promise<{ owner: KubeObject; pods: string[] }> {
    const owner = await client.resource('replicasets.apps', NS).create({
      metadata: { name },
      spec: { replicas: 0, selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'c', image: 'busybox:latest' }] } } },
    });
    const ref = { apiVersion: 'apps/v1', kind: 'ReplicaSet', name, uid: owner.metadata!.uid!, controller: true, blockOwnerDeletion: true };
    const pods: string[] = [];
    for (let i = 0; i < 2; i++) {
      const pod = await client.resource('pods', NS).create({
        metadata: { name: `${name}-${i}`, labels: { app: name }, ownerReferences: [ref], finalizers: holdOne && i === 0 ? ['test.k8ts.io/hold'] : undefined },
        spec: { containers: [{ name: 'c', image: 'busybox:latest' }] },
      });
      pods.push(pod.metadata!.name!);
    }
    await client.resource('configmaps', NS).create({ metadata: { name: `${name}-cm`, ownerReferences: [{ ...ref, controller: false, blockOwnerDeletion: false }] } });
    // The GC must have seen the dependents before the owner goes.
    const informer = t.ctx.informers.informer('pods');
    await waitFor('dependents in the graph', async () => pods.every((p) => informer.store.getByKey(`${NS}/${p}`)) && t.ctx.informers.informer('configmaps').store.getByKey(`${NS}/${name}-cm`));
    return { owner, pods };
  }

  it('--cascade=background: the owner goes at once and the dependents follow', async () => {
    const { pods } = await family('bg');
    await cascadeDelete('replicaset', 'bg', 'background');
    assert.equal(await get('replicasets.apps', 'bg'), undefined, 'the owner is gone at once');
    await waitFor('dependents gone', async () => {
      for (const p of pods) if (await get('pods', p)) return false;
      return !(await get('configmaps', 'bg-cm'));
    });
  });

  it('--cascade=foreground: the owner stays, finalized, until its blocking dependents are gone', async () => {
    const { pods } = await family('fg', true);
    await cascadeDelete('replicaset', 'fg', 'foreground');
    // One pod holds its own finalizer, so it stays Terminating, and so does the owner.
    const held = await waitFor('held pod terminating', async () => {
      const pod = await get('pods', pods[0]!);
      return pod?.metadata?.deletionTimestamp ? pod : undefined;
    });
    assert.ok(held);
    await waitFor('other pod gone', async () => !(await get('pods', pods[1]!)));
    const owner = await get('replicasets.apps', 'fg');
    assert.ok(owner, 'owner still there while a dependent remains');
    assert.ok(owner.metadata?.deletionTimestamp);
    assert.deepEqual(owner.metadata?.finalizers, ['foregroundDeletion']);
    // The hold goes: the last dependent leaves, then the owner.
    await client.resource('pods', NS).patch(pods[0]!, 'json', [{ op: 'remove', path: '/metadata/finalizers' }]);
    await waitFor('owner gone', async () => !(await get('replicasets.apps', 'fg')));
    assert.equal(await get('pods', pods[0]!), undefined);
    assert.equal(await get('configmaps', 'fg-cm'), undefined, 'non-blocking dependents are deleted too');
  });

  it('--cascade=orphan: the dependents stay with the ownerReference removed', async () => {
    const { pods } = await family('or');
    await cascadeDelete('replicaset', 'or', 'orphan');
    await waitFor('owner gone', async () => !(await get('replicasets.apps', 'or')));
    for (const p of pods) {
      const pod = await get('pods', p);
      assert.ok(pod, `${p} kept`);
      assert.deepEqual(pod.metadata?.ownerReferences ?? [], []);
    }
    const cm = await get('configmaps', 'or-cm');
    assert.ok(cm);
    assert.deepEqual(cm.metadata?.ownerReferences ?? [], []);
  });
});
