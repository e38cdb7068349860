// Unit tests of the RFC 6902 JSON patch: operations, and upstream's 400/413/422 answers.
// Pure; no I/O.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StatusError } from '../../api/errors.js';
import { applyJSONPatch } from './json-patch.js';

const pod = () => ({ metadata: { name: 'p', labels: { app: 'a' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } });

function statusOf(fn: () => unknown): StatusError {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof StatusError, `expected a StatusError, got ${String(err)}`);
    return err;
  }
  assert.fail('expected an error');
}

test('applies add, replace, remove, move, copy and test operations', () => {
  const original = pod();
  const out = applyJSONPatch(original, [
    { op: 'test', path: '/metadata/labels/app', value: 'a' },
    { op: 'add', path: '/metadata/labels/tier', value: 'web' },
    { op: 'replace', path: '/spec/containers/0/image', value: 'nginx:1.26' },
    { op: 'copy', from: '/metadata/labels/app', path: '/metadata/labels/copied' },
    { op: 'move', from: '/metadata/labels/copied', path: '/metadata/labels/moved' },
    { op: 'remove', path: '/metadata/labels/app' },
    { op: 'add', path: '/spec/containers/-', value: { name: 'd', image: 'busybox' } },
  ]);
  assert.deepEqual(out, {
    metadata: { name: 'p', labels: { tier: 'web', moved: 'a' } },
    spec: { containers: [{ name: 'c', image: 'nginx:1.26' }, { name: 'd', image: 'busybox' }] },
  });
  assert.deepEqual(original, pod(), 'input is not mutated');
});

test('a failed test operation is upstream\'s generic 422 Invalid', () => {
  const err = statusOf(() => applyJSONPatch(pod(), [{ op: 'test', path: '/metadata/labels/app', value: 'other' }]));
  assert.equal(err.code, 422);
  assert.equal(err.reason, 'Invalid');
  assert.equal(err.message, 'the server rejected our request due to an error in our request');
});

test('operations on missing paths and unknown ops are 422', () => {
  for (const op of [
    { op: 'remove', path: '/metadata/annotations/x' },
    { op: 'replace', path: '/spec/nothing', value: 1 },
    { op: 'add', path: '/a/b/c', value: 1 },
    { op: 'frobnicate', path: '/metadata' },
  ]) {
    assert.equal(statusOf(() => applyJSONPatch(pod(), [op])).code, 422, JSON.stringify(op));
  }
});

test('a body that is not a list of operations is 400', () => {
  const err = statusOf(() => applyJSONPatch(pod(), { op: 'add' }));
  assert.equal(err.code, 400);
  assert.equal(err.message, 'json: cannot unmarshal object into Go value of type jsonpatch.Patch');
  assert.equal(statusOf(() => applyJSONPatch(pod(), ['x'])).code, 400);
});

test('too many operations is 413', () => {
  const ops = Array.from({ length: 10001 }, () => ({ op: 'test', path: '/metadata/name', value: 'p' }));
  const err = statusOf(() => applyJSONPatch(pod(), ops));
  assert.equal(err.code, 413);
  assert.match(err.message, /The allowed maximum operations in a JSON patch is 10000, got 10001/);
});
