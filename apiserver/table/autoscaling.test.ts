// Tests of the HorizontalPodAutoscaler table cells as kubectl get hpa shows them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatHPAMetrics, horizontalPodAutoscalerPrinter } from './autoscaling.js';

const cpu = { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 50 } } } as const;
const mem = { type: 'Resource', resource: { name: 'memory', target: { type: 'AverageValue', averageValue: '100Mi' } } } as const;

test('TARGETS: name: current/target, <unknown> before the first sync, two metrics at most', () => {
  assert.equal(formatHPAMetrics([cpu], undefined), 'cpu: <unknown>/50%');
  assert.equal(formatHPAMetrics([cpu, mem], [{ type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: 45, averageValue: '45m' } } }]), 'cpu: 45%/50%, memory: <unknown>/100Mi');
  assert.equal(formatHPAMetrics([cpu, mem, cpu], []), 'cpu: <unknown>/50%, memory: <unknown>/100Mi + 1 more...');
  assert.equal(formatHPAMetrics([], []), '<none>');
});

test('the row: reference Kind/name, min <unset> when absent, max, current replicas, age', () => {
  const now = new Date('2026-01-01T00:01:00Z');
  const cells = horizontalPodAutoscalerPrinter.cells(
    { metadata: { name: 'web', creationTimestamp: '2026-01-01T00:00:00Z' }, spec: { scaleTargetRef: { kind: 'Deployment', name: 'web' }, maxReplicas: 5, metrics: [cpu] }, status: { currentReplicas: 2, desiredReplicas: 2 } },
    { now } as never,
  );
  assert.deepEqual(cells, ['web', 'Deployment/web', 'cpu: <unknown>/50%', '<unset>', 5, 2, '60s']);
  assert.deepEqual(horizontalPodAutoscalerPrinter.columns.map((c) => c.name), ['Name', 'Reference', 'Targets', 'MinPods', 'MaxPods', 'Replicas', 'Age']);
});
