// Table-driven tests of the replica calculator, with cases shaped like upstream's replica_calculator_test:
// scale up/down, tolerance, unready and missing pods, ignored pods, raw (AverageValue) targets, errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Pod } from '../../api/types.js';
import { rawResourceReplicas, resourceReplicas, type CalculatorOptions, type PodMetricsInfo } from './replica-calculator.js';

const NOW = Date.parse('2026-01-01T12:00:00Z');
const ago = (s: number) => new Date(NOW - s * 1000).toISOString();
const opts: CalculatorOptions = { tolerance: 0.1, cpuInitializationPeriodMs: 300_000, delayOfInitialReadinessStatusMs: 30_000, nowMs: NOW };

interface PodSpec {
  ready?: boolean;
  phase?: string;
  request?: string;
  deleting?: boolean;
  /** Ready condition went False shortly after start and never was True (never been ready). */
  neverReady?: boolean;
}

function pods(specs: PodSpec[]): Pod[] {
  return specs.map((s, i) => ({
    metadata: { name: `p${i}`, namespace: 'ns', ...(s.deleting ? { deletionTimestamp: ago(1) } : {}) },
    spec: { containers: [{ name: 'c', image: 'x', resources: s.request === undefined ? {} : { requests: { cpu: s.request, memory: s.request } } }] },
    status: {
      phase: s.phase ?? 'Running',
      startTime: ago(600),
      conditions: [{ type: 'Ready', status: s.ready === false ? 'False' : 'True', lastTransitionTime: s.neverReady ? ago(590) : ago(500) }],
    },
  })) as Pod[];
}

function metrics(values: (number | undefined)[]): PodMetricsInfo {
  const out: PodMetricsInfo = new Map();
  values.forEach((v, i) => {
    if (v !== undefined) out.set(`p${i}`, { value: v, timestampMs: NOW - 5_000, windowMs: 15_000 });
  });
  return out;
}

const utilizationCases: { name: string; current: number; target: number; pods: PodSpec[]; usage: (number | undefined)[]; replicas: number; utilization: number }[] = [
  { name: 'scale up', current: 3, target: 30, pods: [{ request: '1' }, { request: '1' }, { request: '1' }], usage: [300, 500, 700], replicas: 5, utilization: 50 },
  { name: 'scale down', current: 5, target: 50, pods: Array(5).fill({ request: '1' }), usage: [100, 300, 500, 250, 250], replicas: 3, utilization: 28 },
  { name: 'within tolerance', current: 3, target: 90, pods: Array(3).fill({ request: '1100m' }), usage: [1010, 1030, 1020], replicas: 3, utilization: 92 },
  {
    name: 'scale up with an unready pod counts it as idle',
    current: 3, target: 30,
    pods: [{ request: '1', ready: false, neverReady: true }, { request: '1' }, { request: '1' }],
    usage: [300, 500, 700], replicas: 4, utilization: 60,
  },
  {
    name: 'pending pods are unready; failed and deleting pods are ignored',
    current: 4, target: 50,
    pods: [{ request: '1', phase: 'Pending' }, { request: '1', phase: 'Failed' }, { request: '1', deleting: true }, { request: '1' }],
    usage: [undefined, 900, 900, 900], replicas: 4, utilization: 90,
  },
  { name: 'missing metrics on a scale down count as at request', current: 4, target: 50, pods: Array(4).fill({ request: '1' }), usage: [100, 100, 100, undefined], replicas: 3, utilization: 10 },
  { name: 'missing metrics on a scale up count as idle', current: 4, target: 50, pods: Array(4).fill({ request: '1' }), usage: [900, 900, 900, undefined], replicas: 6, utilization: 90 },
  { name: 'missing metrics that reverse the direction keep the count', current: 4, target: 50, pods: Array(4).fill({ request: '1' }), usage: [600, 600, 600, undefined], replicas: 4, utilization: 60 },
];

for (const c of utilizationCases) {
  test(`utilization: ${c.name}`, () => {
    const result = resourceReplicas(c.current, c.target, 'cpu', undefined, pods(c.pods), metrics(c.usage), opts);
    assert.equal(result.replicas, c.replicas);
    assert.equal(result.utilization, c.utilization);
  });
}

test('utilization: a pod that became ready less than a window ago is unready during CPU initialization', () => {
  const list = pods([{ request: '1' }, { request: '1' }]);
  list[0]!.status!.startTime = ago(60);
  list[0]!.status!.conditions![0]!.lastTransitionTime = ago(10);
  // p0's sample is from 5 s ago with a 15 s window: not a full window since it turned ready.
  const result = resourceReplicas(2, 50, 'cpu', undefined, list, metrics([2000, 1000]), opts);
  // p0 unready and p1 at 100%: scale up counting p0 as idle -> 50% -> ratio 1.0 -> keep 2
  assert.equal(result.replicas, 2);
  assert.equal(result.utilization, 100);
});

test('utilization: memory ignores readiness', () => {
  const list = pods([{ request: '100Mi', ready: false, neverReady: true }, { request: '100Mi' }]);
  const mib = 1024 * 1024 * 1000;
  const result = resourceReplicas(2, 50, 'memory', undefined, list, metrics([100 * mib, 100 * mib]), opts);
  assert.equal(result.replicas, 4);
  assert.equal(result.utilization, 100);
});

test('utilization errors: no metrics at all, a missing request, no pods', () => {
  assert.throws(() => resourceReplicas(2, 50, 'cpu', undefined, pods([{ request: '1' }, { request: '1' }]), metrics([]), opts), {
    message: 'did not receive metrics for targeted pods (pods might be unready)',
  });
  assert.throws(() => resourceReplicas(2, 50, 'cpu', undefined, pods([{ request: '1' }, {}]), metrics([100, 100]), opts), {
    message: 'missing request for cpu in container c of Pod p1',
  });
  assert.throws(() => resourceReplicas(2, 50, 'cpu', undefined, [], metrics([]), opts), { message: 'no pods returned by selector while calculating replica count' });
});

test('average value: usage per pod against the target, with tolerance and missing pods', () => {
  const two = pods([{ request: '1' }, { request: '1' }]);
  assert.deepEqual(rawResourceReplicas(2, 250, 'cpu', two, metrics([400, 600]), opts), { replicas: 4, rawUsage: 500 });
  assert.deepEqual(rawResourceReplicas(2, 480, 'cpu', two, metrics([400, 600]), opts), { replicas: 2, rawUsage: 500 });
  // scale down with a missing pod assumed at target: (100 + 1000) / 2 = 550 vs 1000 -> ceil(0.55 * 2) = 2: no change
  assert.deepEqual(rawResourceReplicas(2, 1000, 'cpu', two, metrics([100, undefined]), opts), { replicas: 2, rawUsage: 100 });
  const four = pods(Array(4).fill({ request: '1' }));
  // (100+100+100+1000)/4 = 325 vs 1000 -> ceil(0.325*4) = 2
  assert.deepEqual(rawResourceReplicas(4, 1000, 'cpu', four, metrics([100, 100, 100, undefined]), opts), { replicas: 2, rawUsage: 100 });
});
