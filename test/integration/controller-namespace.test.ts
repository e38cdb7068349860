// The namespace controller (with the garbage collector and the job controller, as in a real
// controller-manager) on a real apiserver and etcd: `kubectl delete namespace` leaves it Terminating
// while content remains, everything in it is deleted, and then the namespace itself disappears.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { createClient, loadClientConfig, NotFoundError, type Client, type KubeObject } from '../../client/index.js';
import { garbageCollectorController } from '../../controller-manager/garbage-collector/index.js';
import { jobController } from '../../controller-manager/job/index.js';
import { namespaceController } from '../../controller-manager/namespace/index.js';
import { startTestCluster, type TestCluster } from '../support/cluster.js';
import { testControllerContext, type TestControllerContext } from '../support/controller-context.js';

const run = promisify(execFile);
const KUBECTL = '/usr/bin/kubectl';
const NS = 'short-lived';

async function waitFor<T>(what: string, fn: () => Promise<T | undefined | false | null>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('namespace controller on a real apiserver', { timeout: 180_000 }, () => {
  let cluster: TestCluster;
  let client: Client;
  let t: TestControllerContext;
  let running: Promise<unknown>;

  before(async () => {
    cluster = await startTestCluster();
    client = createClient(await loadClientConfig({ kubeconfig: cluster.kubeconfig }));
    t = testControllerContext(client);
    running = Promise.all([namespaceController.start(t.ctx), garbageCollectorController.start(t.ctx), jobController.start(t.ctx)]);
    await t.startInformers();
  });
  after(async () => {
    await t?.stop();
    await running;
    client?.close();
    await cluster?.stop();
  });

  it('empties a deleted namespace and then removes it', async () => {
    await client.resource('namespaces').create({ metadata: { name: NS } });
    await client.resource('configmaps', NS).create({ metadata: { name: 'settings' }, data: { a: '1' } });
    await client.resource('secrets', NS).create({ metadata: { name: 'token' }, stringData: { t: 'x' } });
    await client.resource('services', NS).create({ metadata: { name: 'web' }, spec: { ports: [{ port: 80 }] } });
    await client.resource('pods', NS).create({ metadata: { name: 'loose' }, spec: { containers: [{ name: 'c', image: 'busybox:latest' }] } });
    await client.resource('jobs.batch', NS).create({ metadata: { name: 'work' }, spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'busybox:latest' }] } } } });
    // A configmap whose finalizer holds the namespace until a "controller" (the test) lets go.
    await client.resource('configmaps', NS).create({ metadata: { name: 'held', finalizers: ['example.com/hold'] } });
    await waitFor('the job pod', async () => (await client.resource('pods', NS).list({ labelSelector: 'batch.kubernetes.io/job-name=work' })).items.length === 1);

    if (existsSync(KUBECTL)) await run(KUBECTL, ['--kubeconfig', cluster.kubeconfig, 'delete', 'namespace', NS, '--wait=false'], { timeout: 60_000 });
    else await client.resource('namespaces').delete(NS);

    const stuck = await waitFor('content remaining reported', async () => {
      const ns = await client.resource('namespaces').get(NS);
      const conditions = ((ns.status as { conditions?: { type: string; status: string; message: string }[] }).conditions ?? []);
      return conditions.find((c) => c.type === 'NamespaceFinalizersRemaining' && c.status === 'True') ? ns : undefined;
    });
    assert.equal((stuck.status as { phase: string }).phase, 'Terminating');
    assert.deepEqual(stuck.spec, { finalizers: ['kubernetes'] });
    for (const [resource, name] of [['configmaps', 'settings'], ['secrets', 'token'], ['services', 'web'], ['pods', 'loose'], ['jobs.batch', 'work']] as const) {
      await waitFor(`${resource}/${name} deleted`, async () => {
        try {
          await client.resource(resource, NS).get(name);
          return false;
        } catch (err) {
          return err instanceof NotFoundError;
        }
      });
    }
    await client.resource('configmaps', NS).patch('held', 'json', [{ op: 'remove', path: '/metadata/finalizers' }]);
    await waitFor('namespace gone', async () => {
      try {
        await client.resource('namespaces').get(NS);
        return false;
      } catch (err) {
        return err instanceof NotFoundError;
      }
    });
    const leftovers: KubeObject[] = (await client.resource('pods').list()).items.filter((p) => p.metadata?.namespace === NS);
    assert.deepEqual(leftovers, []);
  });
});
