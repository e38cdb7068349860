// Tests of HorizontalPodAutoscaler validation with upstream's field paths and messages.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { validateCreate } from './index.js';

const hpa = (spec: object) => ({ apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', metadata: { name: 'h', namespace: 'ns' }, spec });
const ref = { apiVersion: 'apps/v1', kind: 'Deployment', name: 'd' };
const cpu = (target: object) => [{ type: 'Resource', resource: { name: 'cpu', target } }];
const messages = (o: object) => validateCreate(o).map((e) => e.toString());

test('a valid HPA has no errors', () => {
  assert.deepEqual(messages(hpa({ scaleTargetRef: ref, minReplicas: 1, maxReplicas: 3, metrics: cpu({ type: 'Utilization', averageUtilization: 50 }) })), []);
});

test('replica bounds and the target reference', () => {
  assert.deepEqual(messages(hpa({ scaleTargetRef: { apiVersion: 'apps/v1' }, minReplicas: 0, maxReplicas: 0, metrics: cpu({ type: 'Utilization', averageUtilization: 50 }) })), [
    'spec.minReplicas: Invalid value: 0: must be greater than or equal to 1',
    'spec.maxReplicas: Invalid value: 0: must be greater than 0',
    'spec.scaleTargetRef.kind: Required value',
    'spec.scaleTargetRef.name: Required value',
  ]);
});

test('metric targets and behavior policies', () => {
  const errs = messages(hpa({
    scaleTargetRef: ref, maxReplicas: 3,
    metrics: [...cpu({ type: 'Utilization' }), ...cpu({ type: 'Bogus' })],
    behavior: { scaleUp: { policies: [{ type: 'Pods', value: 0, periodSeconds: 1801 }] }, scaleDown: { stabilizationWindowSeconds: 3601, policies: [] } },
  }));
  assert.deepEqual(errs, [
    'spec.metrics[0].resource.target.averageUtilization: Required value: must set either a target raw value or a target utilization',
    'spec.metrics[1].resource.target.type: Invalid value: "Bogus": must be either Utilization, Value, or AverageValue',
    'spec.behavior.scaleUp.policies[0].value: Invalid value: 0: must be greater than zero',
    'spec.behavior.scaleUp.policies[0].periodSeconds: Invalid value: 1801: must be less than or equal to 1800',
    'spec.behavior.scaleDown.stabilizationWindowSeconds: Invalid value: 3601: must be less than or equal to 3600',
    'spec.behavior.scaleDown.policies: Required value: must specify at least one Policy',
  ]);
});

test('maxReplicas below minReplicas', () => {
  assert.deepEqual(messages(hpa({ scaleTargetRef: ref, minReplicas: 5, maxReplicas: 3, metrics: cpu({ type: 'Utilization', averageUtilization: 50 }) })), [
    'spec.maxReplicas: Invalid value: 3: must be greater than or equal to `minReplicas`',
  ]);
});
