// Tests of the HorizontalPodAutoscaler defaults (autoscaling/v2), through applyDefaults as the apiserver calls it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyDefaults } from './index.js';

const hpa = (spec: object) => ({ apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', metadata: { name: 'h' }, spec });

test('minReplicas 1 and a CPU 80% metric when none is given; no behavior is invented', () => {
  const o: any = hpa({ scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'd' }, maxReplicas: 3 });
  applyDefaults(o);
  assert.equal(o.spec.minReplicas, 1);
  assert.deepEqual(o.spec.metrics, [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } } }]);
  assert.equal(o.spec.behavior, undefined);
});

test('a given behavior gets the rules it lacks; what the user set stays', () => {
  const o: any = hpa({ maxReplicas: 3, minReplicas: 2, behavior: { scaleDown: { stabilizationWindowSeconds: 30, policies: [{ type: 'Pods', value: 1, periodSeconds: 60 }] } } });
  applyDefaults(o);
  assert.equal(o.spec.minReplicas, 2);
  assert.deepEqual(o.spec.behavior, {
    scaleUp: { selectPolicy: 'Max', stabilizationWindowSeconds: 0, policies: [{ type: 'Pods', value: 4, periodSeconds: 15 }, { type: 'Percent', value: 100, periodSeconds: 15 }] },
    scaleDown: { selectPolicy: 'Max', stabilizationWindowSeconds: 30, policies: [{ type: 'Pods', value: 1, periodSeconds: 60 }] },
  });
  const empty: any = hpa({ maxReplicas: 3, behavior: {} });
  applyDefaults(empty);
  assert.deepEqual(empty.spec.behavior.scaleDown, { selectPolicy: 'Max', policies: [{ type: 'Percent', value: 100, periodSeconds: 15 }] }, 'the scale-down window stays unset: the controller flag fills it');
});
