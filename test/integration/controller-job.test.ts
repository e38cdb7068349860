// The Job, TTL-after-finished and garbage-collector controllers on a real apiserver and etcd, with a
// small stand-in kubelet that finishes each pod (Failed when its command is `false`, else Succeeded):
// a Job retries with backoff then fails at backoffLimit; an Indexed Job completes; a finished Job
// with ttlSecondsAfterFinished is deleted, its pods with it.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createClient, loadClientConfig, NotFoundError, type Client } from '../../client/index.js';
import { jobController } from '../../controller-manager/job/index.js';
import { ttlAfterFinishedController } from '../../controller-manager/ttl-after-finished/index.js';
import { garbageCollectorController } from '../../controller-manager/garbage-collector/index.js';
import type { Job, Pod } from '../../controller-manager/job/types.js';
import { startTestCluster, type TestCluster } from '../support/cluster.js';
import { testControllerContext, type TestControllerContext } from '../support/controller-context.js';

const NS = 'jobs';

async function waitFor<T>(what: string, fn: () => Promise<T | undefined | false | null>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Plays the kubelet's part for job pods: each new pod runs to the end its command implies. */
function fakeKubelet(client: Client, t: TestControllerContext): void {
  const informer = t.ctx.informers.informer<Pod>('pods');
  const finish = async (pod: Readonly<Pod>) => {
    if (pod.metadata?.deletionTimestamp || pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed') return;
    const fails = (pod.spec?.containers[0]?.command ?? []).includes('false');
    const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
    await client.resource('pods', pod.metadata!.namespace).patch(pod.metadata!.name!, 'merge', {
      status: {
        phase: fails ? 'Failed' : 'Succeeded',
        containerStatuses: [{ name: 'main', image: 'busybox:latest', imageID: '', ready: false, restartCount: 0, state: { terminated: { exitCode: fails ? 1 : 0, reason: fails ? 'Error' : 'Completed', startedAt: now, finishedAt: now } } }],
      },
    }, {}, pod.metadata!.namespace, 'status').catch(() => undefined);
  };
  informer.on('add', (pod) => void finish(pod));
}

function job(name: string, spec: Record<string, unknown>, command: string[]): Job {
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name },
    spec: { ...spec, template: { spec: { restartPolicy: 'Never', containers: [{ name: 'main', image: 'busybox:latest', command }] } } },
  } as Job;
}

function condition(j: Job | undefined, type: string) {
  return j?.status?.conditions?.find((c) => c.type === type && c.status === 'True');
}

describe('job controller on a real apiserver', { timeout: 240_000 }, () => {
  let cluster: TestCluster;
  let client: Client;
  let t: TestControllerContext;
  let running: Promise<unknown>;

  before(async () => {
    cluster = await startTestCluster();
    client = createClient(await loadClientConfig({ kubeconfig: cluster.kubeconfig }));
    await client.resource('namespaces').create({ metadata: { name: NS } });
    t = testControllerContext(client);
    running = Promise.all([jobController.start(t.ctx), ttlAfterFinishedController.start(t.ctx), garbageCollectorController.start(t.ctx)]);
    fakeKubelet(client, t);
    await t.startInformers();
  });
  after(async () => {
    await t?.stop();
    await running;
    client?.close();
    await cluster?.stop();
  });

  const jobs = () => client.resource<Job>('jobs.batch', NS);
  const podsOf = async (name: string) => (await client.resource<Pod>('pods', NS).list({ labelSelector: `batch.kubernetes.io/job-name=${name}` })).items;

  it('retries a failing pod after the backoff and fails at backoffLimit with BackoffLimitExceeded', async () => {
    await jobs().create(job('flaky', { backoffLimit: 1 }, ['false']));
    const failed = await waitFor('Failed condition', async () => {
      const j = await jobs().get('flaky');
      return condition(j, 'Failed') ? j : undefined;
    });
    assert.equal(condition(failed, 'Failed')?.reason, 'BackoffLimitExceeded');
    assert.equal(condition(failed, 'Failed')?.message, 'Job has reached the specified backoff limit');
    assert.equal(failed.status?.failed, 2, 'the first pod and one retry');
    assert.equal(failed.status?.active ?? 0, 0);
    const pods = await podsOf('flaky');
    assert.equal(pods.length, 2);
    assert.ok(pods.every((p) => p.status?.phase === 'Failed' && (p.metadata?.finalizers ?? []).length === 0), 'pods released from tracking');
    // The retry waited out the 10 s pod-failure backoff.
    const created = pods.map((p) => Date.parse(p.metadata!.creationTimestamp!)).sort();
    assert.ok(created[1]! - created[0]! >= 9_000, `retry came ${created[1]! - created[0]!} ms after the first pod`);
    const events = (await client.resource('events', NS).list()).items.filter((e) => (e.involvedObject as { name?: string }).name === 'flaky');
    assert.ok(events.some((e) => e.reason === 'BackoffLimitExceeded' && e.type === 'Warning'));
    assert.equal(events.filter((e) => e.reason === 'SuccessfulCreate').reduce((n, e) => n + ((e.count as number) ?? 1), 0), 2);
  });

  it('completes an Indexed Job: one pod per index, completedIndexes 0-2', async () => {
    await jobs().create(job('indexed', { completions: 3, parallelism: 3, completionMode: 'Indexed' }, ['true']));
    const done = await waitFor('Complete condition', async () => {
      const j = await jobs().get('indexed');
      return condition(j, 'Complete') ? j : undefined;
    });
    assert.equal(done.status?.succeeded, 3);
    assert.equal(done.status?.completedIndexes, '0-2');
    assert.ok(done.status?.completionTime);
    const pods = await podsOf('indexed');
    assert.deepEqual(pods.map((p) => p.metadata!.annotations!['batch.kubernetes.io/job-completion-index']).sort(), ['0', '1', '2']);
    assert.deepEqual(pods.map((p) => p.spec!.hostname).sort(), ['indexed-0', 'indexed-1', 'indexed-2']);
  });

  it('deletes a finished Job after ttlSecondsAfterFinished, with its pods', async () => {
    await jobs().create(job('shortlived', { ttlSecondsAfterFinished: 1 }, ['true']));
    await waitFor('Job and pods gone', async () => {
      try {
        await jobs().get('shortlived');
        return false;
      } catch (err) {
        if (!(err instanceof NotFoundError)) throw err;
      }
      return (await podsOf('shortlived')).length === 0;
    });
  });
});

