// Unit tests of the Job controller: reconcile against the in-memory apiserver with an injected
// clock, asserting the writes it makes and the Job status a user would read.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { pino } from 'pino';
import { startMemoryApiserver, type MemoryApiserver } from '../../test/support/memory-apiserver.js';
import { testControllerContext, type TestControllerContext } from '../../test/support/controller-context.js';
import { ConflictError } from '../../client/index.js';
import { newQueue } from '../controller.js';
import { JobController } from './job-controller.js';
import type { Job, Pod } from './types.js';

async function waitFor<T>(what: string, fn: () => T | undefined | false | null, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** The recorded request body, parsed (the log keeps what the client sent). */
function bodyOf(w: { body?: unknown }): unknown {
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

interface Rig {
  t: TestControllerContext;
  controller: JobController;
  clock: { now: number };
  ns: string;
  job(name: string): Readonly<Job> | undefined;
  pods(jobName: string): Readonly<Pod>[];
  /** Reconciles once the Job cache has caught up with the Job's latest write (as the queue would). */
  sync(name: string): ReturnType<JobController['reconcile']>;
}

async function rig(): Promise<Rig> {
  const ns = `jobs-${++seq}`;
  await api.client.resource('namespaces').create({ metadata: { name: ns } });
  const t = testControllerContext(api.client);
  const clock = { now: Date.now() };
  const jobs = t.ctx.informers.informer<Job>('jobs.batch');
  const pods = t.ctx.informers.informer<Pod>('pods');
  const controller = new JobController({
    client: api.client,
    jobs,
    pods,
    queue: newQueue('job-test'),
    recorder: t.ctx.recorder('job-controller'),
    logger: pino({ level: 'silent' }),
    now: () => clock.now,
  });
  controller.register();
  await t.startInformers();
  return {
    t,
    controller,
    clock,
    ns,
    job: (name) => jobs.store.getByKey(`${ns}/${name}`),
    async sync(name) {
      const live = await api.client.resource<Job>('jobs.batch', ns).get(name);
      await waitFor(`job ${name} cache current`, () => jobs.store.getByKey(`${ns}/${name}`)?.metadata?.resourceVersion === live.metadata?.resourceVersion);
      return controller.reconcile(`${ns}/${name}`);
    },
    pods: (jobName) => pods.store.byIndex('byNamespace', ns).filter((p) => p.metadata?.labels?.['job-name'] === jobName && !p.metadata?.deletionTimestamp),
  };
}

function jobManifest(name: string, spec: Record<string, unknown> = {}): Job {
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name },
    spec: {
      template: { spec: { restartPolicy: 'Never', containers: [{ name: 'main', image: 'busybox:latest', command: ['true'] }] } },
      ...spec,
    },
  } as Job;
}

async function finishPod(r: Rig, pod: Readonly<Pod>, phase: 'Succeeded' | 'Failed', exitCode = phase === 'Succeeded' ? 0 : 1, at = new Date(r.clock.now)): Promise<void> {
  await api.client.resource('pods', r.ns).patch(pod.metadata!.name!, 'merge', {
    status: {
      phase,
      containerStatuses: [{ name: 'main', image: 'busybox:latest', imageID: '', ready: false, restartCount: 0, state: { terminated: { exitCode, reason: phase === 'Succeeded' ? 'Completed' : 'Error', finishedAt: at.toISOString().replace(/\.\d+Z$/, 'Z') } } }],
    },
  }, {}, r.ns, 'status');
  await waitFor(`pod ${pod.metadata!.name} ${phase}`, () => r.t.ctx.informers.informer<Pod>('pods').store.getByKey(`${r.ns}/${pod.metadata!.name}`)?.status?.phase === phase);
}

function condition(job: Readonly<Job> | undefined, type: string) {
  return job?.status?.conditions?.find((c) => c.type === type);
}

describe('job controller', () => {
  let r: Rig;
  beforeEach(async () => {
    r = await rig();
    api.clearWrites();
  });

  it('runs pods one after another up to completions and marks the Job Complete', async () => {
    await api.client.resource('jobs.batch', r.ns).create(jobManifest('two', { completions: 2, parallelism: 1 }));
    await waitFor('job in cache', () => r.job('two'));
    api.clearWrites();
    await r.sync('two');
    const creates = api.writes.filter((w) => w.verb === 'create' && w.path.endsWith('/pods'));
    assert.equal(creates.length, 1);
    const body = bodyOf(creates[0]!) as Pod;
    assert.equal(body.metadata?.generateName, 'two-');
    assert.deepEqual(body.metadata?.finalizers, ['batch.kubernetes.io/job-tracking']);
    assert.equal(body.metadata?.ownerReferences?.[0]?.kind, 'Job');
    assert.equal(body.metadata?.ownerReferences?.[0]?.controller, true);
    assert.equal(body.metadata?.ownerReferences?.[0]?.blockOwnerDeletion, true);
    const [first] = await waitFor('one pod', () => r.pods('two').length === 1 && r.pods('two'));
    await waitFor('active 1', () => r.job('two')?.status?.active === 1);
    assert.ok(r.job('two')?.status?.startTime, 'startTime is set');

    // Idempotent: a second sync with one active pod creates nothing.
    api.clearWrites();
    await r.sync('two');
    assert.equal(api.writes.filter((w) => w.verb === 'create').length, 0);

    await finishPod(r, first!, 'Succeeded');
    api.clearWrites();
    await r.sync('two');
    const statusWrites = api.writes.filter((w) => w.path.endsWith('/jobs/two/status'));
    // First the uid goes into uncountedTerminatedPods, then (after the finalizer patch) into succeeded.
    assert.deepEqual((bodyOf(statusWrites[0]!) as Job).status?.uncountedTerminatedPods?.succeeded, [first!.metadata!.uid]);
    const finalizerPatch = api.writes.findIndex((w) => w.verb === 'patch' && w.path.endsWith(`/pods/${first!.metadata!.name}`));
    assert.ok(finalizerPatch > api.writes.indexOf(statusWrites[0]!), 'finalizer removed after the uid is recorded');
    await waitFor('succeeded 1', () => r.job('two')?.status?.succeeded === 1 && r.job('two'));
    await waitFor('second pod', () => r.pods('two').filter((p) => p.status?.phase === 'Pending').length === 1);
    const gone = await api.client.resource<Pod>('pods', r.ns).get(first!.metadata!.name!);
    assert.deepEqual(gone.metadata?.finalizers ?? [], []);

    const second = r.pods('two').find((p) => p.status?.phase === 'Pending')!;
    await finishPod(r, second, 'Succeeded');
    await r.sync('two');
    const done = await waitFor('complete', () => condition(r.job('two'), 'Complete')?.status === 'True' && r.job('two'));
    assert.equal(done.status?.succeeded, 2);
    assert.equal(done.status?.active, 0);
    assert.equal(condition(done, 'Complete')?.reason, 'CompletionsReached');
    assert.equal(condition(done, 'SuccessCriteriaMet')?.status, 'True');
    assert.ok(done.status?.completionTime);
    await r.t.stop();
    const events = await api.client.resource('events', r.ns).list();
    const reasons = events.items.map((e) => e.reason);
    assert.ok(reasons.includes('SuccessfulCreate'));
    assert.ok(reasons.includes('Completed'));
  });

  it('waits 10 s after a failure, then retries, and fails at backoffLimit with BackoffLimitExceeded', async () => {
    await api.client.resource('jobs.batch', r.ns).create(jobManifest('flaky', { backoffLimit: 1 }));
    await waitFor('job in cache', () => r.job('flaky'));
    await r.sync('flaky');
    const [p1] = await waitFor('pod', () => r.pods('flaky').length === 1 && r.pods('flaky'));
    await finishPod(r, p1!, 'Failed');
    api.clearWrites();
    const result = await r.sync('flaky');
    assert.equal(api.writes.filter((w) => w.verb === 'create' && w.path.endsWith('/pods')).length, 0, 'no pod during the backoff');
    assert.ok(result && result.requeueAfterMs! > 9000 && result.requeueAfterMs! <= 10_000, `requeue after the backoff, got ${JSON.stringify(result)}`);
    await waitFor('failed 1', () => r.job('flaky')?.status?.failed === 1);
    assert.equal(condition(r.job('flaky'), 'Failed'), undefined);

    r.clock.now += 10_000;
    await r.sync('flaky');
    const p2 = await waitFor('retry pod', () => r.pods('flaky').find((p) => p.status?.phase === 'Pending'));
    await finishPod(r, p2, 'Failed');
    await r.sync('flaky');
    const failed = await waitFor('failed', () => condition(r.job('flaky'), 'Failed')?.status === 'True' && r.job('flaky'));
    assert.equal(failed.status?.failed, 2);
    assert.equal(condition(failed, 'Failed')?.reason, 'BackoffLimitExceeded');
    assert.equal(condition(failed, 'Failed')?.message, 'Job has reached the specified backoff limit');
    assert.equal(condition(failed, 'FailureTarget')?.reason, 'BackoffLimitExceeded');
    assert.equal(failed.status?.completionTime, undefined);
    await r.t.stop();
    const events = await api.client.resource('events', r.ns).list();
    assert.ok(events.items.some((e) => e.reason === 'BackoffLimitExceeded' && e.type === 'Warning'));
  });

  it('gives Indexed pods their index, hostname and JOB_COMPLETION_INDEX and tracks completedIndexes', async () => {
    await api.client.resource('jobs.batch', r.ns).create(jobManifest('idx', { completions: 3, parallelism: 2, completionMode: 'Indexed' }));
    await waitFor('job in cache', () => r.job('idx'));
    await r.sync('idx');
    const pods = await waitFor('two pods', () => r.pods('idx').length === 2 && r.pods('idx'));
    const byIndex = new Map(pods.map((p) => [p.metadata!.annotations!['batch.kubernetes.io/job-completion-index'], p]));
    assert.deepEqual([...byIndex.keys()].sort(), ['0', '1']);
    const p0 = byIndex.get('0')!;
    assert.equal(p0.metadata?.labels?.['batch.kubernetes.io/job-completion-index'], '0');
    assert.equal(p0.spec?.hostname, 'idx-0');
    assert.ok(p0.metadata?.name?.startsWith('idx-0-'));
    assert.deepEqual(p0.spec?.containers[0]?.env?.find((e) => e.name === 'JOB_COMPLETION_INDEX')?.valueFrom?.fieldRef?.fieldPath, "metadata.labels['batch.kubernetes.io/job-completion-index']");

    await finishPod(r, byIndex.get('1')!, 'Succeeded');
    await r.sync('idx');
    await waitFor('index 1 completed', () => r.job('idx')?.status?.completedIndexes === '1');
    const third = await waitFor('pod for index 2', () => r.pods('idx').find((p) => p.metadata?.annotations?.['batch.kubernetes.io/job-completion-index'] === '2'));
    await finishPod(r, p0, 'Succeeded');
    await finishPod(r, third, 'Succeeded');
    await r.sync('idx');
    const done = await waitFor('complete', () => condition(r.job('idx'), 'Complete')?.status === 'True' && r.job('idx'));
    assert.equal(done.status?.completedIndexes, '0-2');
    assert.equal(done.status?.succeeded, 3);
    await r.t.stop();
  });

  it('fails a Job past activeDeadlineSeconds with DeadlineExceeded and deletes its pods', async () => {
    await api.client.resource('jobs.batch', r.ns).create(jobManifest('slow', { activeDeadlineSeconds: 30 }));
    await waitFor('job in cache', () => r.job('slow'));
    const first = await r.sync('slow');
    assert.ok(first && first.requeueAfterMs! <= 30_000 && first.requeueAfterMs! > 29_000, 'requeued at the deadline');
    await waitFor('pod', () => r.pods('slow').length === 1);
    await waitFor('started', () => r.job('slow')?.status?.startTime);
    r.clock.now += 31_000;
    api.clearWrites();
    await r.sync('slow');
    assert.equal(api.writes.filter((w) => w.verb === 'delete' && w.path.includes('/pods/')).length, 1);
    await waitFor('failure target', () => condition(r.job('slow'), 'FailureTarget')?.reason === 'DeadlineExceeded');
    // The deleted pod counts as failed once its finalizer goes; then the Job is Failed.
    await waitFor('pod terminating', () => r.t.ctx.informers.informer<Pod>('pods').store.byIndex('byNamespace', r.ns).some((p) => p.metadata?.deletionTimestamp));
    await r.sync('slow');
    const failed = await waitFor('failed', () => condition(r.job('slow'), 'Failed')?.status === 'True' && r.job('slow'));
    assert.equal(condition(failed, 'Failed')?.reason, 'DeadlineExceeded');
    assert.equal(condition(failed, 'Failed')?.message, 'Job was active longer than specified deadline');
    await waitFor('pods gone', () => r.t.ctx.informers.informer<Pod>('pods').store.byIndex('byNamespace', r.ns).length === 0);
    await r.t.stop();
  });

  it('creates nothing for a suspended Job and says so in the Suspended condition', async () => {
    await api.client.resource('jobs.batch', r.ns).create(jobManifest('paused', { suspend: true, parallelism: 2, completions: 2 }));
    await waitFor('job in cache', () => r.job('paused'));
    await r.sync('paused');
    assert.equal(api.writes.filter((w) => w.verb === 'create' && w.path.endsWith('/pods')).length, 0);
    const job = await waitFor('suspended', () => condition(r.job('paused'), 'Suspended')?.status === 'True' && r.job('paused'));
    assert.equal(condition(job, 'Suspended')?.reason, 'JobSuspended');
    assert.equal(job.status?.startTime, undefined);
    await r.t.stop();
  });

  it('removes the tracking finalizer from pods of a Job that is gone', async () => {
    await api.client.resource('jobs.batch', r.ns).create(jobManifest('gone'));
    await waitFor('job in cache', () => r.job('gone'));
    await r.sync('gone');
    const [pod] = await waitFor('pod', () => r.pods('gone').length === 1 && r.pods('gone'));
    await api.client.resource('jobs.batch', r.ns).delete('gone', { propagationPolicy: 'Orphan' });
    await api.client.resource('jobs.batch', r.ns).patch('gone', 'json', [{ op: 'remove', path: '/metadata/finalizers' }], {}, r.ns).catch(() => undefined);
    await waitFor('job gone from cache', () => !r.job('gone'));
    await r.controller.reconcile(`orphan-pod:${r.ns}/${pod!.metadata!.name}`);
    const live = await api.client.resource<Pod>('pods', r.ns).get(pod!.metadata!.name!);
    assert.deepEqual(live.metadata?.finalizers ?? [], []);
    await r.t.stop();
  });

  it('never creates twice while the informer has not seen its pods (expectations)', async () => {
    await api.client.resource('jobs.batch', r.ns).create(jobManifest('eager', { parallelism: 3, completions: 3 }));
    await waitFor('job in cache', () => r.job('eager'));
    api.clearWrites();
    // The work queue never runs one key twice at once; back-to-back runs must not double-create.
    // A run on a stale Job may hit a write conflict: the queue would retry it, so this does too.
    const sync = async () => {
      for (let i = 0; ; i++) {
        try {
          return await r.sync('eager');
        } catch (err) {
          if (!(err instanceof ConflictError) || i > 20) throw err;
          await new Promise((res) => setTimeout(res, 5));
        }
      }
    };
    await sync();
    await sync();
    await sync();
    assert.equal(api.writes.filter((w) => w.verb === 'create' && w.path.endsWith('/pods')).length, 3);
    await waitFor('three pods', () => r.pods('eager').length === 3);
    await r.t.stop();
  });

  it('fails the Job at once when a podFailurePolicy FailJob rule matches, and ignores Ignore matches', async () => {
    await api.client.resource('jobs.batch', r.ns).create(jobManifest('policy', {
      backoffLimit: 6,
      podFailurePolicy: { rules: [{ action: 'Ignore', onExitCodes: { operator: 'In', values: [2] } }, { action: 'FailJob', onExitCodes: { operator: 'In', values: [42] } }] },
    }));
    await waitFor('job in cache', () => r.job('policy'));
    await r.sync('policy');
    const [p1] = await waitFor('pod', () => r.pods('policy').length === 1 && r.pods('policy'));
    await finishPod(r, p1!, 'Failed', 2);
    await r.sync('policy');
    const p2 = await waitFor('replacement without backoff', () => r.pods('policy').find((p) => p.status?.phase === 'Pending'));
    assert.equal(r.job('policy')?.status?.failed ?? 0, 0, 'an ignored failure does not count');
    await finishPod(r, p2, 'Failed', 42);
    await r.sync('policy');
    const failed = await waitFor('failed', () => condition(r.job('policy'), 'Failed')?.status === 'True' && r.job('policy'));
    assert.equal(condition(failed, 'Failed')?.reason, 'PodFailurePolicy');
    assert.match(condition(failed, 'Failed')!.message!, /^Container main for pod .*\/policy-\w+ failed with exit code 42 matching FailJob rule at index 1$/);
    assert.equal(failed.status?.failed, 1);
    await r.t.stop();
  });
});
