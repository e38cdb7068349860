// Client-side apply's patch against PATCH bodies the stock kubectl 1.32 sent for the same inputs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { builtinSchemaForObject } from '../../api/patch-schema.js';
import { parseManifestText } from '../manifests/load.js';
import { resolveDoc } from '../manifests/resolve.js';
import { CAPTURED } from './three-way.fixtures.js';
import { lastAppliedOf, modifiedConfiguration } from './last-applied.js';
import { threeWayPatchJSON, createThreeWayMergePatch } from './three-way.js';
import { goJson } from '../printers/go-json.js';
import { EMPTY_SCHEMA } from '../../api/patch-schema.js';

for (const c of CAPTURED) {
  test(`patch for ${c.file} is byte-for-byte kubectl's`, () => {
    const [doc] = parseManifestText(c.yaml, c.file).docs;
    const obj = resolveDoc(doc, 'default', false).object;
    const current = JSON.parse(c.current) as Record<string, unknown>;
    const modified = modifiedConfiguration(obj, true).object;
    const patch = threeWayPatchJSON(lastAppliedOf(current), modified, current, builtinSchemaForObject(obj));
    assert.equal(patch, c.patch);
  });
}

test('an unchanged object gives an empty patch', () => {
  const c = CAPTURED[0];
  const current = JSON.parse(c.current) as Record<string, unknown>;
  const last = lastAppliedOf(current)!;
  const modified = modifiedConfiguration(last, true).object;
  assert.equal(threeWayPatchJSON(last, modified, current, builtinSchemaForObject(last)), '{}');
});

test('last-applied is Go JSON with sorted keys, empty annotations and a newline', () => {
  const { lastApplied, object } = modifiedConfiguration({ kind: 'ConfigMap', apiVersion: 'v1', metadata: { name: 'x' }, data: { b: '<', a: '1' } }, true);
  assert.equal(lastApplied, '{"apiVersion":"v1","data":{"a":"1","b":"\\u003c"},"kind":"ConfigMap","metadata":{"annotations":{},"name":"x"}}\n');
  assert.equal((object.metadata as { annotations: Record<string, string> }).annotations['kubectl.kubernetes.io/last-applied-configuration'], lastApplied);
});

test('scalar merge lists get $deleteFromPrimitiveList and $setElementOrder', () => {
  const schema = builtinSchemaForObject({ apiVersion: 'v1', kind: 'ConfigMap' });
  const original = { metadata: { finalizers: ['a', 'b'] } };
  const modified = { metadata: { finalizers: ['a', 'c'] } };
  const patch = createThreeWayMergePatch(original, modified, original, schema);
  assert.equal(goJson(patch), '{"metadata":{"$deleteFromPrimitiveList/finalizers":["b"],"$setElementOrder/finalizers":["a","c"],"finalizers":["c"]}}');
});

test('lists without a merge key are replaced; removed map keys become null', () => {
  const original = { spec: { list: [1, 2], gone: 'x', keep: 1 } };
  const modified = { spec: { list: [2], keep: 1 } };
  assert.equal(threeWayPatchJSON(original, modified, original, EMPTY_SCHEMA), '{"spec":{"gone":null,"list":[2]}}');
});

test('fields set only on the live object are left alone', () => {
  const original = { spec: { a: 1 } };
  const modified = { spec: { a: 1 } };
  const current = { spec: { a: 1, defaulted: true }, status: { x: 1 } };
  assert.equal(threeWayPatchJSON(original, modified, current, EMPTY_SCHEMA), '{}');
});

test('retainKeys strategy lists the kept keys (deployment strategy)', () => {
  const schema = builtinSchemaForObject({ apiVersion: 'apps/v1', kind: 'Deployment' });
  const original = { spec: { strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1 } } } };
  const modified = { spec: { strategy: { type: 'Recreate' } } };
  assert.equal(
    threeWayPatchJSON(original, modified, original, schema),
    '{"spec":{"strategy":{"$retainKeys":["type"],"rollingUpdate":null,"type":"Recreate"}}}',
  );
});
