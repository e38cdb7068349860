// Tests of stabilization and scaling policies with a fake clock (no sleeping): the legacy 5-minute
// downscale window and x2-or-4 limit, behavior windows, Pods/Percent policies over periods,
// selectPolicy Min and Disabled, and the conditions' reasons.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Recommender } from './normalize.js';

function clock() {
  let now = Date.parse('2026-01-01T00:00:00Z');
  return { now: () => now, advance: (s: number) => (now += s * 1000) };
}

test('without behavior: downscale waits for the 5-minute window, keeping the highest recommendation', () => {
  const c = clock();
  const r = new Recommender(c.now, 300_000);
  r.recordInitial('ns/h', 5);
  let out = r.normalize('ns/h', 5, 2, 1, 10);
  assert.equal(out.replicas, 5);
  assert.equal(out.ableToScale.reason, 'ScaleDownStabilized');
  assert.equal(out.ableToScale.message, 'recent recommendations were higher than current one, applying the highest recent recommendation');
  c.advance(299);
  assert.equal(r.normalize('ns/h', 5, 2, 1, 10).replicas, 5);
  c.advance(2);
  out = r.normalize('ns/h', 5, 2, 1, 10);
  assert.equal(out.replicas, 2);
  assert.deepEqual(out.ableToScale, { reason: 'ReadyForNewScale', message: 'recommended size matches current size' });
  assert.deepEqual(out.scalingLimited, { status: 'False', reason: 'DesiredWithinRange', message: 'the desired count is within the acceptable range' });
});

test('without behavior: scale up is limited to twice the current count (at least 4), then by max and min', () => {
  const r = new Recommender(clock().now, 300_000);
  let out = r.normalize('a', 2, 10, 1, 20);
  assert.equal(out.replicas, 4);
  assert.deepEqual(out.scalingLimited, { status: 'True', reason: 'ScaleUpLimit', message: 'the desired replica count is increasing faster than the maximum scale rate' });
  out = r.normalize('b', 5, 30, 1, 8);
  assert.equal(out.replicas, 8);
  assert.equal(out.scalingLimited.reason, 'TooManyReplicas');
  out = r.normalize('c', 3, 1, 2, 8);
  assert.equal(out.replicas, 2);
  assert.deepEqual(out.scalingLimited, { status: 'True', reason: 'TooFewReplicas', message: 'the desired replica count is less than the minimum replica count' });
});

test('behavior: the scale-down window of the spec, and the flag default when it is unset', () => {
  const c = clock();
  const r = new Recommender(c.now, 300_000);
  const behavior = r.resolveBehavior({ scaleDown: { stabilizationWindowSeconds: 60 } });
  assert.equal(behavior.scaleDown.stabilizationWindowSeconds, 60);
  assert.deepEqual(behavior.scaleDown.policies, [{ type: 'Percent', value: 100, periodSeconds: 15 }]);
  assert.deepEqual(behavior.scaleUp, {
    stabilizationWindowSeconds: 0,
    selectPolicy: 'Max',
    policies: [{ type: 'Pods', value: 4, periodSeconds: 15 }, { type: 'Percent', value: 100, periodSeconds: 15 }],
  });
  assert.equal(r.resolveBehavior({}).scaleDown.stabilizationWindowSeconds, 300);
  r.recordInitial('k', 4);
  let out = r.normalizeWithBehavior('k', behavior, 4, 1, 1, 10);
  assert.equal(out.replicas, 4);
  assert.equal(out.ableToScale.reason, 'ScaleDownStabilized');
  c.advance(61);
  out = r.normalizeWithBehavior('k', behavior, 4, 1, 1, 10);
  assert.equal(out.replicas, 1);
  assert.equal(out.ableToScale.reason, 'ReadyForNewScale');
});

test('behavior: an upscale window keeps the lowest recent recommendation', () => {
  const c = clock();
  const r = new Recommender(c.now, 300_000);
  const behavior = r.resolveBehavior({ scaleUp: { stabilizationWindowSeconds: 30 } });
  r.recordInitial('k', 2);
  const out = r.normalizeWithBehavior('k', behavior, 2, 6, 1, 10);
  assert.equal(out.replicas, 2);
  assert.deepEqual(out.ableToScale, { reason: 'ScaleUpStabilized', message: 'recent recommendations were lower than current one, applying the lowest recent recommendation' });
  c.advance(31);
  assert.equal(r.normalizeWithBehavior('k', behavior, 2, 6, 1, 10).replicas, 6);
});

test('behavior: a Pods policy limits the change per period, counting earlier scale events', () => {
  const c = clock();
  const r = new Recommender(c.now, 300_000);
  const behavior = r.resolveBehavior({ scaleUp: { policies: [{ type: 'Pods', value: 1, periodSeconds: 60 }] } });
  let out = r.normalizeWithBehavior('k', behavior, 1, 5, 1, 10);
  assert.equal(out.replicas, 2);
  assert.deepEqual(out.scalingLimited, { status: 'True', reason: 'ScaleUpLimit', message: 'the desired replica count is increasing faster than the maximum scale rate' });
  r.recordScale('k', behavior, 1, 2);
  c.advance(30);
  assert.equal(r.normalizeWithBehavior('k', behavior, 2, 5, 1, 10).replicas, 2, 'one pod per minute already used');
  c.advance(31);
  assert.equal(r.normalizeWithBehavior('k', behavior, 2, 5, 1, 10).replicas, 3);
});

test('behavior: selectPolicy Min picks the smaller change; Disabled forbids the direction', () => {
  const r = new Recommender(clock().now, 300_000);
  const min = r.resolveBehavior({ scaleUp: { selectPolicy: 'Min' } });
  assert.equal(r.normalizeWithBehavior('a', min, 2, 10, 1, 20).replicas, 4, 'Pods +4 = 6, Percent +100% = 4: Min takes 4');
  const max = r.resolveBehavior({});
  assert.equal(r.normalizeWithBehavior('b', max, 2, 10, 1, 20).replicas, 6, 'Max takes 6');
  const disabled = r.resolveBehavior({ scaleDown: { selectPolicy: 'Disabled', stabilizationWindowSeconds: 0 } });
  const out = r.normalizeWithBehavior('c', disabled, 5, 1, 1, 20);
  assert.equal(out.replicas, 5);
  assert.equal(out.scalingLimited.reason, 'ScaleDownLimit');
  const percent = r.resolveBehavior({ scaleDown: { stabilizationWindowSeconds: 0, policies: [{ type: 'Percent', value: 50, periodSeconds: 60 }] } });
  assert.equal(r.normalizeWithBehavior('d', percent, 9, 1, 1, 20).replicas, 4, 'int32(9 * 0.5) = 4');
  assert.equal(r.normalizeWithBehavior('e', percent, 9, 6, 1, 20).replicas, 6);
});

test('behavior: max and min still bound the result', () => {
  const r = new Recommender(clock().now, 300_000);
  const b = r.resolveBehavior({ scaleDown: { stabilizationWindowSeconds: 0 } });
  let out = r.normalizeWithBehavior('a', b, 3, 50, 1, 5);
  assert.equal(out.replicas, 5);
  assert.equal(out.scalingLimited.reason, 'TooManyReplicas');
  out = r.normalizeWithBehavior('b', b, 3, 1, 2, 5);
  assert.equal(out.replicas, 2);
  assert.equal(out.scalingLimited.reason, 'TooFewReplicas');
});
