// Unit tests of the Metrics API's computation: summaries decoded as metrics-server decodes them, CPU
// as a rate between two cumulative samples, the window and timestamp, memory working set, restarts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatGoDuration } from './go-duration.js';
import { nodeMetrics, podMetrics } from './objects.js';
import { decodeSummary, type Summary } from './points.js';
import { UsageStore } from './usage-store.js';

const T0 = Date.parse('2026-01-01T00:00:00Z');
const iso = (ms: number) => new Date(ms).toISOString();

function summary(atMs: number, nodeCpuNs: number, containerCpuNs: Record<string, number>, start = T0 - 3_600_000): Summary {
  return {
    node: { nodeName: 'n1', startTime: iso(start), cpu: { time: iso(atMs), usageCoreNanoSeconds: nodeCpuNs }, memory: { time: iso(atMs), workingSetBytes: 2 * 1024 * 1024 * 1024 } },
    pods: [
      {
        podRef: { name: 'web', namespace: 'ns' },
        containers: Object.entries(containerCpuNs).map(([name, cpu]) => ({
          name, startTime: iso(start), cpu: { time: iso(atMs), usageCoreNanoSeconds: cpu }, memory: { time: iso(atMs), workingSetBytes: 10 * 1024 * 1024 },
        })),
      },
    ],
  };
}

const node = { metadata: { name: 'n1', labels: { 'kubernetes.io/hostname': 'n1' } } };
const pod = { metadata: { name: 'web', namespace: 'ns', labels: { app: 'web' } } };

test('one sample gives no metrics; two give the CPU rate over their window and the last working set', () => {
  const store = new UsageStore();
  store.store([decodeSummary('n1', summary(T0, 1e12, { app: 5e9, sidecar: 1e9 }))]);
  assert.equal(store.node('n1'), undefined);
  assert.equal(store.pod('ns', 'web'), undefined);
  // 15 s later: node used 1.5 cores, app 0.25 cores, sidecar 1 millicore
  store.store([decodeSummary('n1', summary(T0 + 15_000, 1e12 + 22.5e9, { app: 5e9 + 3.75e9, sidecar: 1e9 + 15e6 }))]);
  const now = new Date(T0 + 16_000);
  assert.deepEqual(nodeMetrics(node, store, now), {
    kind: 'NodeMetrics',
    apiVersion: 'metrics.k8s.io/v1beta1',
    metadata: { name: 'n1', creationTimestamp: '2026-01-01T00:00:16Z', labels: { 'kubernetes.io/hostname': 'n1' } },
    timestamp: '2026-01-01T00:00:15Z',
    window: '15s',
    usage: { cpu: '1500m', memory: '2Gi' },
  });
  assert.deepEqual(podMetrics(pod, store, now), {
    kind: 'PodMetrics',
    apiVersion: 'metrics.k8s.io/v1beta1',
    metadata: { name: 'web', namespace: 'ns', creationTimestamp: '2026-01-01T00:00:16Z', labels: { app: 'web' } },
    timestamp: '2026-01-01T00:00:15Z',
    window: '15s',
    containers: [
      { name: 'app', usage: { cpu: '250m', memory: '10Mi' } },
      { name: 'sidecar', usage: { cpu: '1m', memory: '10Mi' } },
    ],
  });
});

test('a rate that is not whole millicores is printed in nanocores; odd windows as Go durations', () => {
  const store = new UsageStore();
  store.store([decodeSummary('n1', summary(T0, 0, { app: 0 }))]);
  store.store([decodeSummary('n1', summary(T0 + 1_500, 1_234_567, { app: 1 }))]);
  assert.equal(store.node('n1')?.usage.cpu, '823044n');
  assert.equal(nodeMetrics(node, store, new Date(T0))?.window, '1.5s');
  assert.equal(formatGoDuration(15_036_000_000), '15.036s');
  assert.equal(formatGoDuration(60_500_000_000), '1m0.5s');
  assert.equal(formatGoDuration(500_000_000), '500ms');
  assert.equal(formatGoDuration(0), '0s');
});

test('a restarted container (new start time, counter reset) starts over instead of a negative rate', () => {
  const store = new UsageStore();
  store.store([decodeSummary('n1', summary(T0, 1e12, { app: 5e9 }))]);
  store.store([decodeSummary('n1', summary(T0 + 15_000, 1e12 + 15e9, { app: 1e6 }, T0 + 10_000))]);
  assert.equal(store.pod('ns', 'web'), undefined, 'only one sample since the restart');
  store.store([decodeSummary('n1', summary(T0 + 30_000, 1e12 + 30e9, { app: 1e6 + 1.5e9 }, T0 + 10_000))]);
  assert.equal(store.pod('ns', 'web')?.containers[0]?.usage.cpu, '100m');
});

test('an unchanged timestamp keeps the previous pair; a pod that is no longer reported is forgotten', () => {
  const store = new UsageStore();
  store.store([decodeSummary('n1', summary(T0, 0, { app: 0 }))]);
  store.store([decodeSummary('n1', summary(T0 + 10_000, 10e9, { app: 1e9 }))]);
  store.store([decodeSummary('n1', summary(T0 + 10_000, 10e9, { app: 1e9 }))]);
  assert.equal(store.node('n1')?.usage.cpu, '1');
  store.store([decodeSummary('n1', { node: summary(T0 + 20_000, 20e9, {}).node, pods: [] })]);
  assert.equal(store.pod('ns', 'web'), undefined);
  assert.equal(store.node('n1')?.usage.cpu, '1');
  store.store([]);
  assert.equal(store.node('n1'), undefined, 'a node whose scrape failed has no metrics');
});

test('decodeSummary skips pods with a container lacking CPU or memory, as metrics-server', () => {
  const s = summary(T0, 1, { app: 1 });
  s.pods!.push({ podRef: { name: 'half', namespace: 'ns' }, containers: [{ name: 'a', cpu: { time: iso(T0), usageCoreNanoSeconds: 1 } }] });
  const batch = decodeSummary('n1', s);
  assert.deepEqual(batch.pods.map((p) => p.name), ['web']);
  assert.equal(batch.node?.memoryBytes, 2 * 1024 * 1024 * 1024);
});
