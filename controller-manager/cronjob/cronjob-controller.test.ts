// Unit tests of the CronJob controller against the in-memory apiserver with an injected clock:
// schedules fire at their time, concurrency policies, deadlines, history limits; asserting the writes.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { pino } from 'pino';
import { startMemoryApiserver, type MemoryApiserver } from '../../test/support/memory-apiserver.js';
import { testControllerContext, type TestControllerContext } from '../../test/support/controller-context.js';
import { newQueue } from '../controller.js';
import { CronJobController, SCHEDULED_TIMESTAMP_ANNOTATION } from './cronjob-controller.js';
import type { CronJob, Job } from './types.js';

async function waitFor<T>(what: string, fn: () => T | undefined | false | null, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

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
  controller: CronJobController;
  clock: { now: number };
  ns: string;
  cj(name: string): Readonly<CronJob> | undefined;
  jobs(): Readonly<Job>[];
}

async function rig(): Promise<Rig> {
  const ns = `cron-${++seq}`;
  await api.client.resource('namespaces').create({ metadata: { name: ns } });
  const t = testControllerContext(api.client);
  const clock = { now: Date.now() };
  const cronJobs = t.ctx.informers.informer<CronJob>('cronjobs.batch');
  const jobs = t.ctx.informers.informer<Job>('jobs.batch');
  const controller = new CronJobController({ client: api.client, cronJobs, jobs, queue: newQueue('cronjob-test'), recorder: t.ctx.recorder('cronjob-controller'), logger: pino({ level: 'silent' }), now: () => clock.now });
  controller.register();
  await t.startInformers();
  return {
    t,
    controller,
    clock,
    ns,
    cj: (name) => cronJobs.store.getByKey(`${ns}/${name}`),
    jobs: () => jobs.store.byIndex('byNamespace', ns).filter((j) => !j.metadata?.deletionTimestamp),
  };
}

function manifest(name: string, spec: Record<string, unknown> = {}): CronJob {
  return {
    apiVersion: 'batch/v1',
    kind: 'CronJob',
    metadata: { name },
    spec: {
      schedule: '*/1 * * * *',
      jobTemplate: { metadata: { labels: { app: name } }, spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'main', image: 'busybox:latest' }] } } } },
      ...spec,
    },
  } as CronJob;
}

/** The first whole minute after the CronJob's creation. */
function firstMinute(cj: Readonly<CronJob>): number {
  return Math.floor(Date.parse(cj.metadata!.creationTimestamp!) / 60_000) * 60_000 + 60_000;
}

async function completeJob(r: Rig, job: Readonly<Job>, type: 'Complete' | 'Failed', at: number): Promise<void> {
  const ts = new Date(at).toISOString().replace(/\.\d+Z$/, 'Z');
  const status = type === 'Complete'
    ? { startTime: ts, completionTime: ts, succeeded: 1, conditions: [{ type: 'SuccessCriteriaMet', status: 'True', lastTransitionTime: ts }, { type: 'Complete', status: 'True', lastTransitionTime: ts }] }
    : { startTime: ts, failed: 1, conditions: [{ type: 'FailureTarget', status: 'True', lastTransitionTime: ts }, { type: 'Failed', status: 'True', lastTransitionTime: ts }] };
  await api.client.resource('jobs.batch', r.ns).patch(job.metadata!.name!, 'merge', { status }, {}, r.ns, 'status');
  await waitFor('job finished in cache', () => r.jobs().find((j) => j.metadata?.name === job.metadata?.name && (j.status?.conditions ?? []).some((c) => c.type === type)));
}

async function events(ns: string): Promise<string[]> {
  const list = await api.client.resource('events', ns).list();
  return list.items.map((e) => `${e.reason}: ${e.message}`);
}

describe('cronjob controller', () => {
  let r: Rig;
  beforeEach(async () => {
    r = await rig();
  });

  it('creates one Job per scheduled time, named by the minute, and records it in status', async () => {
    const created = await api.client.resource<CronJob>('cronjobs.batch', r.ns).create(manifest('tick'));
    await waitFor('cronjob in cache', () => r.cj('tick'));
    const t1 = firstMinute(created);
    r.clock.now = t1 - 5_000;
    api.clearWrites();
    const early = await r.controller.reconcile(`${r.ns}/tick`);
    assert.equal(api.writes.length, 0, 'nothing before the first scheduled time');
    assert.equal(early?.requeueAfterMs, 5_100);

    r.clock.now = t1 + 2_000;
    const result = await r.controller.reconcile(`${r.ns}/tick`);
    const create = api.writes.find((w) => w.verb === 'create' && w.path.endsWith('/jobs'));
    assert.ok(create, 'a Job was created');
    const job = bodyOf(create) as Job;
    assert.equal(job.metadata?.name, `tick-${t1 / 60_000}`);
    assert.equal(job.metadata?.annotations?.[SCHEDULED_TIMESTAMP_ANNOTATION], new Date(t1).toISOString().replace(/\.\d+Z$/, 'Z'));
    assert.equal(job.metadata?.labels?.app, 'tick');
    assert.equal(job.metadata?.ownerReferences?.[0]?.kind, 'CronJob');
    assert.equal(job.metadata?.ownerReferences?.[0]?.controller, true);
    assert.equal(result?.requeueAfterMs, 58_100);
    const cj = await waitFor('status', () => r.cj('tick')?.status?.active?.length === 1 && r.cj('tick'));
    assert.equal(cj.status?.lastScheduleTime, new Date(t1).toISOString().replace(/\.\d+Z$/, 'Z'));
    assert.equal(cj.status?.active?.[0]?.name, `tick-${t1 / 60_000}`);

    // The same scheduled time never runs twice.
    await waitFor('job in cache', () => r.jobs().length === 1);
    api.clearWrites();
    await r.controller.reconcile(`${r.ns}/tick`);
    assert.equal(api.writes.filter((w) => w.verb === 'create').length, 0);

    // The job finishes: it leaves the active list, lastSuccessfulTime is set.
    await completeJob(r, r.jobs()[0]!, 'Complete', t1 + 10_000);
    await r.controller.reconcile(`${r.ns}/tick`);
    const after = await waitFor('inactive', () => (!r.cj('tick')?.status?.active && r.cj('tick')?.status?.lastSuccessfulTime ? r.cj('tick') : undefined));
    assert.equal(after.status?.lastSuccessfulTime, new Date(t1 + 10_000).toISOString().replace(/\.\d+Z$/, 'Z'));
    await r.t.stop();
    const seen = await events(r.ns);
    assert.ok(seen.includes(`SuccessfulCreate: Created job tick-${t1 / 60_000}`), seen.join('\n'));
    assert.ok(seen.includes(`SawCompletedJob: Saw completed job: tick-${t1 / 60_000}, condition: Complete`), seen.join('\n'));
  });

  it('Forbid skips a run while one is active; Replace deletes the active one first', async () => {
    const forbid = await api.client.resource<CronJob>('cronjobs.batch', r.ns).create(manifest('forbid', { concurrencyPolicy: 'Forbid' }));
    await api.client.resource<CronJob>('cronjobs.batch', r.ns).create(manifest('replace', { concurrencyPolicy: 'Replace' }));
    await waitFor('cache', () => r.cj('forbid') && r.cj('replace'));
    const t1 = firstMinute(forbid);
    r.clock.now = t1 + 1_000;
    await r.controller.reconcile(`${r.ns}/forbid`);
    await r.controller.reconcile(`${r.ns}/replace`);
    await waitFor('two jobs and statuses', () => r.jobs().length === 2 && r.cj('forbid')?.status?.active && r.cj('replace')?.status?.active);

    r.clock.now = t1 + 61_000;
    api.clearWrites();
    await r.controller.reconcile(`${r.ns}/forbid`);
    assert.equal(api.writes.filter((w) => w.verb === 'create' && w.path.endsWith('/jobs')).length, 0, 'Forbid creates nothing');

    await r.controller.reconcile(`${r.ns}/replace`);
    const del = api.writes.find((w) => w.verb === 'delete' && w.path.endsWith(`/jobs/replace-${t1 / 60_000}`));
    assert.ok(del, 'Replace deletes the running job');
    assert.equal((bodyOf(del) as { propagationPolicy?: string } | undefined)?.propagationPolicy, 'Background');
    assert.ok(api.writes.some((w) => w.verb === 'create' && (bodyOf(w) as Job).metadata?.name === `replace-${t1 / 60_000 + 1}`));
    const cj = await waitFor('replaced', () => (r.cj('replace')?.status?.active?.[0]?.name === `replace-${t1 / 60_000 + 1}` ? r.cj('replace') : undefined));
    assert.equal(cj.status?.active?.length, 1);
    await r.t.stop();
    const seen = await events(r.ns);
    assert.ok(seen.some((e) => e.startsWith('JobAlreadyActive: Not starting job because prior execution is running and concurrency policy is Forbid')));
    assert.ok(seen.includes(`SuccessfulDelete: Deleted job replace-${t1 / 60_000}`));
  });

  it('skips a time past startingDeadlineSeconds, and does nothing while suspended', async () => {
    const late = await api.client.resource<CronJob>('cronjobs.batch', r.ns).create(manifest('late', { startingDeadlineSeconds: 10, schedule: '0 * * * *' }));
    await api.client.resource<CronJob>('cronjobs.batch', r.ns).create(manifest('off', { suspend: true }));
    await waitFor('cache', () => r.cj('late') && r.cj('off'));
    const hour = Math.floor(Date.parse(late.metadata!.creationTimestamp!) / 3_600_000) * 3_600_000 + 3_600_000;
    r.clock.now = hour + 30_000;
    api.clearWrites();
    const next = await r.controller.reconcile(`${r.ns}/late`);
    assert.equal(next?.requeueAfterMs, 3_600_000 - 30_000 + 100, 'looks again at the next hour');
    await r.controller.reconcile(`${r.ns}/off`);
    assert.deepEqual(api.writes.filter((w) => !w.path.includes('/events')), [], 'no job for a missed deadline or a suspended cronjob');
    r.clock.now = hour + 5_000;
    await r.controller.reconcile(`${r.ns}/late`);
    assert.ok(api.writes.some((w) => w.verb === 'create' && w.path.endsWith('/jobs')), 'within the deadline it runs');
    await r.t.stop();
  });

  it('deletes finished Jobs beyond the history limits, oldest first', async () => {
    const cj = await api.client.resource<CronJob>('cronjobs.batch', r.ns).create(manifest('hist', { successfulJobsHistoryLimit: 1, failedJobsHistoryLimit: 0 }));
    await waitFor('cache', () => r.cj('hist'));
    const t1 = firstMinute(cj);
    for (let i = 0; i < 3; i++) {
      r.clock.now = t1 + i * 60_000 + 1_000;
      await r.controller.reconcile(`${r.ns}/hist`);
      await waitFor(`job ${i}`, () => r.jobs().length === i + 1 && r.cj('hist')?.status?.lastScheduleTime === new Date(t1 + i * 60_000).toISOString().replace(/\.\d+Z$/, 'Z'));
    }
    for (let i = 0; i < 3; i++) {
      const job = r.jobs().find((j) => j.metadata?.name === `hist-${t1 / 60_000 + i}`)!;
      await completeJob(r, job, i === 2 ? 'Failed' : 'Complete', t1 + i * 60_000 + 2_000);
    }
    api.clearWrites();
    await r.controller.reconcile(`${r.ns}/hist`);
    const deleted = api.writes.filter((w) => w.verb === 'delete').map((w) => w.path.split('/').pop());
    assert.deepEqual(deleted.sort(), [`hist-${t1 / 60_000}`, `hist-${t1 / 60_000 + 2}`].sort());
    await r.t.stop();
  });
});
