// Unit tests of the RFC 7386 merge patch: null deletion, recursive merge, bad bodies.
// Pure; no I/O.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StatusError } from '../../api/errors.js';
import { applyMergePatch } from './merge-patch.js';

test('null deletes, objects merge, lists and scalars replace', () => {
  const original = {
    metadata: { name: 'cm', labels: { a: '1', b: '2' }, annotations: { x: 'y' } },
    data: { k: 'v' },
    list: [1, 2, 3],
  };
  const out = applyMergePatch(original, {
    metadata: { labels: { a: null, c: '3' }, annotations: null },
    data: { k: 'w' },
    list: [9],
    added: { nested: null, kept: 1 },
  });
  assert.deepEqual(out, {
    metadata: { name: 'cm', labels: { b: '2', c: '3' } },
    data: { k: 'w' },
    list: [9],
    added: { kept: 1 },
  });
  assert.deepEqual(original.metadata.labels, { a: '1', b: '2' }, 'input is not mutated');
});

test('a patch that is not an object is 400 Invalid JSON Patch', () => {
  for (const p of [null, 'x', 3]) {
    assert.throws(
      () => applyMergePatch({}, p),
      (err: unknown) => err instanceof StatusError && err.code === 400 && err.message === 'Invalid JSON Patch',
    );
  }
});

test('a __proto__ key is data, not a prototype', () => {
  const out = applyMergePatch({}, JSON.parse('{"__proto__":{"polluted":true}}')) as Record<string, unknown>;
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
  assert.ok(Object.prototype.hasOwnProperty.call(out, '__proto__'));
});
