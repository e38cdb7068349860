// The write verbs' pure rules: grace period and cascade flags, --validate, and the objects of the
// imperative `create` forms.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gracePeriodOf, parseCascade } from './write-delete.js';
import { buildGenerated } from './write-create.js';
import { parseValidate } from './write-common.js';

test('grace period: 0 without --force is 1, --force alone is 0, --now is 1', () => {
  assert.equal(gracePeriodOf({}), -1);
  assert.equal(gracePeriodOf({ gracePeriod: '0' }), 1);
  assert.equal(gracePeriodOf({ gracePeriod: '0', force: true }), 0);
  assert.equal(gracePeriodOf({ force: true }), 0);
  assert.equal(gracePeriodOf({ gracePeriod: '30', force: true }), 30);
  assert.equal(gracePeriodOf({ now: true }), 1);
  assert.throws(() => gracePeriodOf({ now: true, gracePeriod: '5' }), /--now and --grace-period cannot be specified together/);
});

test('cascade values map to propagation policies', () => {
  assert.equal(parseCascade(undefined), 'Background');
  assert.equal(parseCascade('foreground'), 'Foreground');
  assert.equal(parseCascade('orphan'), 'Orphan');
  assert.equal(parseCascade('false'), 'Orphan');
  assert.throws(() => parseCascade('sideways'), /invalid cascade value \(sideways\)/);
});

test('--validate maps to fieldValidation', () => {
  assert.equal(parseValidate(undefined), 'Strict');
  assert.equal(parseValidate('false'), 'Ignore');
  assert.equal(parseValidate('warn'), 'Warn');
});

test('create deployment builds kubectl\'s object', () => {
  const d = buildGenerated('deployment', 'web', { image: ['registry.io/team/nginx:1.25'], replicas: '3', port: '80' }) as any;
  assert.deepEqual(d.metadata, { creationTimestamp: null, name: 'web', labels: { app: 'web' } });
  assert.equal(d.spec.replicas, 3);
  assert.deepEqual(d.spec.template.spec.containers, [{ image: 'registry.io/team/nginx:1.25', name: 'nginx', resources: {}, ports: [{ containerPort: 80 }] }]);
  assert.throws(() => buildGenerated('deployment', 'x', {}), /required flag\(s\) "image" not set/);
});

test('create configmap/secret from literals; a repeated key is an error', () => {
  const cm = buildGenerated('configmap', 'c', { fromLiteral: ['a=b=c'] }, 'ns') as any;
  assert.deepEqual(cm.data, { a: 'b=c' });
  assert.equal(cm.metadata.namespace, 'ns');
  const s = buildGenerated('secret', 's', { fromLiteral: ['k=v'] }) as any;
  assert.deepEqual(s.data, { k: 'dg==' });
  assert.equal(s.type, undefined);
  assert.throws(() => buildGenerated('configmap', 'c', { fromLiteral: ['a=1', 'a=2'] }), /cannot add key a/);
  assert.throws(() => buildGenerated('configmap', 'c', { fromLiteral: ['novalue'] }), /invalid literal source novalue, expected key=value/);
});
