// The real kube-scheduler program (dist/scheduler/main.js), twice, against a real apiserver and
// etcd: one leads (Lease kube-system/kube-scheduler) and schedules, serves /healthz and /metrics;
// after SIGKILL of the leader the other takes the lease within the lease duration and schedules.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import https from 'node:https';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, it } from 'node:test';
import { createClient, loadClientConfig, type Client } from '../../client/index.js';
import { freePort } from '../support/ports.js';
import { startTestCluster, type TestCluster } from '../support/cluster.js';
import { createNamespace, createNode, nodeOf, pod, waitFor } from './scheduler-support.js';

const MAIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../scheduler/main.js');
const LEASE_SECONDS = 4;

interface Child {
  proc: ChildProcess;
  port: number;
  identity?: string;
  output: string[];
}

let cluster: TestCluster;
let client: Client;
const children: Child[] = [];

async function startScheduler(): Promise<Child> {
  const port = await freePort();
  const proc = spawn(process.execPath, [
    MAIN,
    '--kubeconfig', cluster.kubeconfig,
    '--secure-port', String(port),
    '--bind-address', '127.0.0.1',
    '--leader-elect-lease-duration', `${LEASE_SECONDS}s`,
    '--leader-elect-renew-deadline', '3s',
    '--leader-elect-retry-period', '1s',
  ], { stdio: ['ignore', 'pipe', 'pipe'] });
  const child: Child = { proc, port, output: [] };
  const collect = (chunk: Buffer) => {
    for (const line of chunk.toString().split('\n')) {
      if (!line) continue;
      child.output.push(line);
      try {
        const rec = JSON.parse(line);
        if (rec.identity && rec.msg?.includes('acquired lease')) child.identity = rec.identity;
      } catch {
        // not JSON (a crash): kept in output for the failure message
      }
    }
  };
  proc.stdout!.on('data', collect);
  proc.stderr!.on('data', collect);
  children.push(child);
  return child;
}

function get(port: number, pathname: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    // The scheduler's self-signed serving certificate: only loopback, only in this test.
    https.get({ host: '127.0.0.1', port, path: pathname, rejectUnauthorized: false }, (res) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    }).on('error', reject);
  });
}

async function holder(): Promise<string | undefined> {
  const lease = await client.resource('leases.coordination.k8s.io', 'kube-system').get('kube-scheduler');
  return (lease.spec as any)?.holderIdentity || undefined;
}

before(async () => {
  cluster = await startTestCluster();
  client = createClient(await loadClientConfig({ kubeconfig: cluster.kubeconfig }));
});

after(async () => {
  for (const c of children) {
    if (c.proc.exitCode === null && c.proc.signalCode === null) {
      const exited = new Promise((r) => c.proc.once('exit', r));
      c.proc.kill('SIGTERM');
      await exited;
    }
  }
  client?.close();
  await cluster?.stop();
});

it('one of two schedulers leads; killing it hands over within the lease duration', { timeout: 90_000 }, async () => {
  await createNode(client, 'leader-node');
  await createNamespace(client, 'leader');
  const first = await startScheduler();
  const second = await startScheduler();
  const leaderIdentity = await waitFor('a leader', holder, 30_000);
  const leader = await waitFor('the leader process', async () => [first, second].find((c) => c.identity === leaderIdentity), 10_000)
    .catch((err) => { throw new Error(`${err.message}\n${first.output.join('\n')}\n${second.output.join('\n')}`); });
  const standby = leader === first ? second : first;

  const pods = client.resource('pods', 'leader');
  await pods.create(pod('before'));
  assert.equal(await waitFor('pod bound by the leader', () => nodeOf(client, 'leader', 'before')), 'leader-node');

  // Both serve health; only the leader has scheduled anything.
  assert.equal((await get(leader.port, '/healthz')).body, 'ok');
  assert.equal(await waitFor('standby /healthz', async () => (await get(standby.port, '/healthz')).status), 200);
  const metrics = await waitFor('scheduled attempt in metrics', async () => {
    const m = (await get(leader.port, '/metrics')).body;
    return /scheduler_schedule_attempts_total\{result="scheduled",profile="default-scheduler"\} 1/.test(m) ? m : undefined;
  });
  assert.match(metrics, /scheduler_scheduling_attempt_duration_seconds_bucket/);
  assert.match(metrics, /scheduler_pending_pods\{queue="active"\} 0/);
  assert.doesNotMatch((await get(standby.port, '/metrics')).body, /scheduler_schedule_attempts_total\{result="scheduled"/);

  const killedAt = Date.now();
  const exited = new Promise((r) => leader.proc.once('exit', r));
  leader.proc.kill('SIGKILL');
  await exited;
  await pods.create(pod('after'));
  assert.equal(await waitFor('pod bound by the new leader', () => nodeOf(client, 'leader', 'after'), 30_000), 'leader-node');
  const tookMs = Date.now() - killedAt;
  assert.equal(await holder(), standby.identity, 'the standby holds the lease');
  // Lease duration plus one retry period (and jitter) at most, as upstream's elector promises.
  assert.ok(tookMs < (LEASE_SECONDS + 3) * 1000, `handover took ${tookMs} ms`);
});
