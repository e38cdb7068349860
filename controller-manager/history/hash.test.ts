// Unit tests of revision hashing and naming: Go's FNV variants, rand.SafeEncodeString, canonical JSON.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { canonicalJson, computeTemplateHash, controllerRevisionName, fnv1_32, fnv1a_32, hashRevisionData, safeEncodeString } from './hash.js';

test('FNV-1 and FNV-1a match Go hash/fnv', () => {
  assert.equal(fnv1_32(Buffer.from('')), 0x811c9dc5);
  assert.equal(fnv1_32(Buffer.from('a')), 0x050c5d7e);
  assert.equal(fnv1a_32(Buffer.from('a')), 0xe40c292c);
  assert.equal(fnv1a_32(Buffer.from('foobar')), 0xbf9cf968);
});

test('safeEncodeString maps bytes onto upstream alphabet', () => {
  assert.equal(safeEncodeString('123'), '567');
  assert.match(hashRevisionData('{"spec":{}}', 0), /^[bcdfghjklmnpqrstvwxz2456789]+$/);
});

test('canonical JSON sorts keys at every level and escapes HTML as Go does', () => {
  assert.equal(canonicalJson({ b: 1, a: { d: [{ z: 1, y: '<&>' }], c: null } }), '{"a":{"c":null,"d":[{"y":"\\u003c\\u0026\\u003e","z":1}]},"b":1}');
});

test('hashes ignore key order and change with the collision count', () => {
  assert.equal(computeTemplateHash({ a: 1, b: 2 }), computeTemplateHash({ b: 2, a: 1 }));
  assert.notEqual(computeTemplateHash({ a: 1 }, 0), computeTemplateHash({ a: 1 }, 1));
  assert.notEqual(hashRevisionData('x', 0), hashRevisionData('x', 1));
  assert.equal(controllerRevisionName('x'.repeat(300), 'h').length, 225);
});
