// A small run of the scheduler benchmark (5 nodes x 60 pods) on a private cluster: every pod is
// bound by the scheduler program and the figures it prints are real rates.
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { startTestCluster, type TestCluster } from '../../test/support/cluster.js';
import { formatResult, runBench } from './run.js';

let cluster: TestCluster;
before(async () => {
  cluster = await startTestCluster();
});
after(async () => {
  await cluster?.stop();
});

it('schedules every pod and reports both rates', { timeout: 120_000 }, async () => {
  const r = await runBench(cluster.kubeconfig, { nodes: 5, pods: 60, concurrency: 8, timeoutMs: 60_000 });
  assert.equal(r.pods, 60);
  assert.ok(r.podsScheduledPerSecond > 0 && Number.isFinite(r.podsScheduledPerSecond));
  assert.ok(r.rawBindingsPerSecond > 0 && Number.isFinite(r.rawBindingsPerSecond));
  assert.match(formatResult(r), /scheduled: +[\d.]+ pods\/s .* raw pods\/binding: [\d.]+ bindings\/s/s);
});
