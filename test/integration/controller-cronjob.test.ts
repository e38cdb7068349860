// The CronJob controller on a real apiserver and etcd with the real clock: a `*/1 * * * *` CronJob
// gets its Job at the next whole minute (so the test waits at most ~70 s, once), named after the
// scheduled minute, and its status records it. Schedules in general are covered by the unit tests.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createClient, loadClientConfig, type Client } from '../../client/index.js';
import { cronJobController } from '../../controller-manager/cronjob/index.js';
import type { CronJob, Job } from '../../controller-manager/cronjob/types.js';
import { startTestCluster, type TestCluster } from '../support/cluster.js';
import { testControllerContext, type TestControllerContext } from '../support/controller-context.js';

const NS = 'cron';

async function waitFor<T>(what: string, fn: () => Promise<T | undefined | false | null>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

describe('cronjob controller on a real apiserver', { timeout: 180_000 }, () => {
  let cluster: TestCluster;
  let client: Client;
  let t: TestControllerContext;
  let running: Promise<void>;

  before(async () => {
    cluster = await startTestCluster();
    client = createClient(await loadClientConfig({ kubeconfig: cluster.kubeconfig }));
    await client.resource('namespaces').create({ metadata: { name: NS } });
    t = testControllerContext(client);
    running = cronJobController.start(t.ctx);
    await t.startInformers();
  });
  after(async () => {
    await t?.stop();
    await running;
    client?.close();
    await cluster?.stop();
  });

  it('fires a */1 * * * * CronJob at the next minute', async () => {
    const cj = await client.resource<CronJob>('cronjobs.batch', NS).create({
      apiVersion: 'batch/v1',
      kind: 'CronJob',
      metadata: { name: 'every-minute' },
      spec: {
        schedule: '*/1 * * * *',
        jobTemplate: { spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'main', image: 'busybox:latest', command: ['date'] }] } } } },
      },
    } as CronJob);
    const created = Date.parse(cj.metadata!.creationTimestamp!);
    const scheduled = Math.floor(created / 60_000) * 60_000 + 60_000;
    const [job] = await waitFor('the first Job', async () => {
      const items = (await client.resource<Job>('jobs.batch', NS).list()).items;
      return items.length > 0 ? items : undefined;
    }, scheduled - Date.now() + 10_000);
    assert.ok(Date.now() >= scheduled, 'not before its time');
    assert.equal(job!.metadata?.name, `every-minute-${scheduled / 60_000}`);
    assert.equal(job!.metadata?.annotations?.['batch.kubernetes.io/cronjob-scheduled-timestamp'], new Date(scheduled).toISOString().replace(/\.\d+Z$/, 'Z'));
    assert.equal(job!.metadata?.ownerReferences?.[0]?.uid, cj.metadata!.uid);
    const status = await waitFor('status', async () => {
      const live = await client.resource<CronJob>('cronjobs.batch', NS).get('every-minute');
      return live.status?.active?.length ? live.status : undefined;
    }, 10_000);
    assert.equal(status.lastScheduleTime, new Date(scheduled).toISOString().replace(/\.\d+Z$/, 'Z'));
    assert.equal(status.active?.[0]?.name, job!.metadata?.name);
  });
});
