// Unit tests for field selectors: parse, escaping, matching and upstream's error messages.
// No I/O.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  parseFieldSelector,
  escapeValue,
  unescapeValue,
  fieldSelectorFromSet,
  everythingFields,
  requireFieldsSupported,
} from './fields.js';
import { SelectorParseError } from './labels.js';
import { BadRequestError } from './errors.js';

test('parse -> requirements and canonical toString', () => {
  const cases: [string, [string, '=' | '!=', string][], string][] = [
    ['', [], ''],
    [',', [], ''],
    ['a=b', [['a', '=', 'b']], 'a=b'],
    ['a==b', [['a', '=', 'b']], 'a=b'],
    ['a!=b', [['a', '!=', 'b']], 'a!=b'],
    ['a=', [['a', '=', '']], 'a='],
    ['metadata.name=x,spec.nodeName=', [['metadata.name', '=', 'x'], ['spec.nodeName', '=', '']], 'metadata.name=x,spec.nodeName='],
    ['z=1,a=2', [['a', '=', '2'], ['z', '=', '1']], 'a=2,z=1'],
    ['a=b\\,c', [['a', '=', 'b,c']], 'a=b\\,c'],
    ['a=b\\=c', [['a', '=', 'b=c']], 'a=b\\=c'],
    ['a=b\\\\c', [['a', '=', 'b\\c']], 'a=b\\\\c'],
    ['a=b\\\\,c=d', [['a', '=', 'b\\'], ['c', '=', 'd']], 'a=b\\\\,c=d'],
    ['a!=b!c', [['a', '!=', 'b!c']], 'a!=b!c'],
    ['a= b ', [['a', '=', ' b ']], 'a= b '],
    ['status.phase!=Running,status.phase!=Pending', [['status.phase', '!=', 'Pending'], ['status.phase', '!=', 'Running']], 'status.phase!=Pending,status.phase!=Running'],
  ];
  for (const [input, reqs, str] of cases) {
    const sel = parseFieldSelector(input);
    assert.deepEqual(
      sel.requirements.map((r) => [r.field, r.operator, r.value]),
      reqs,
      input,
    );
    assert.equal(sel.toString(), str, input);
    assert.equal(parseFieldSelector(str).toString(), str, `round trip of ${input}`);
    assert.deepEqual(sel.fields(), reqs.map((r) => r[0]));
    assert.equal(sel.empty(), reqs.length === 0);
  }
});

test('parse errors carry upstream messages', () => {
  const cases: [string, string][] = [
    ['a', "invalid selector: 'a'; can't understand 'a'"],
    ['a=b,c', "invalid selector: 'a=b,c'; can't understand 'c'"],
    ['a<b', "invalid selector: 'a<b'; can't understand 'a<b'"],
    ['a=b=c', 'invalid field selector: unescaped character in value: 61'],
    ['a===b', 'invalid field selector: unescaped character in value: 61'],
    ['a=b\\', 'invalid field selector: invalid escape sequence: \\'],
    ['a=b\\x', 'invalid field selector: invalid escape sequence: \\x'],
    ['a=\\!', 'invalid field selector: invalid escape sequence: \\!'],
  ];
  for (const [input, want] of cases) {
    assert.throws(
      () => parseFieldSelector(input),
      (err: unknown) => {
        assert.ok(err instanceof SelectorParseError, input);
        assert.equal(err.message, want, input);
        return true;
      },
    );
  }
});

test('escapeValue / unescapeValue are inverse', () => {
  const values = ['', 'plain', 'a,b', 'a=b', 'a\\b', '\\,=\\', 'x!y', 'ünï'];
  for (const v of values) assert.equal(unescapeValue(escapeValue(v)), v, v);
  assert.equal(escapeValue('a\\,='), 'a\\\\\\,\\=');
});

test('matches, with absent fields read as empty', () => {
  const obj: Record<string, string> = { 'metadata.name': 'web', 'spec.nodeName': 'node-1', 'status.phase': 'Running' };
  const get = (f: string) => obj[f];
  const cases: [string, boolean][] = [
    ['', true],
    ['metadata.name=web', true],
    ['metadata.name==web', true],
    ['metadata.name=db', false],
    ['metadata.name!=db', true],
    ['metadata.name!=web', false],
    ['metadata.name=web,spec.nodeName=node-1', true],
    ['metadata.name=web,spec.nodeName=node-2', false],
    ['metadata.namespace=', true],
    ['metadata.namespace=x', false],
    ['metadata.namespace!=', false],
    ['metadata.namespace!=x', true],
    ['status.phase!=Pending,status.phase!=Succeeded', true],
  ];
  for (const [s, want] of cases) assert.equal(parseFieldSelector(s).matches(get), want, s);
});

test('fieldSelectorFromSet, everythingFields, requiresExactMatch', () => {
  const s = fieldSelectorFromSet({ 'spec.nodeName': 'n,1', 'metadata.name': 'a' });
  assert.equal(s.toString(), 'metadata.name=a,spec.nodeName=n\\,1');
  assert.equal(s.requiresExactMatch('spec.nodeName'), 'n,1');
  assert.equal(parseFieldSelector('spec.nodeName!=x').requiresExactMatch('spec.nodeName'), undefined);
  assert.equal(everythingFields().empty(), true);
  assert.equal(everythingFields().matches(() => 'anything'), true);
});

test('requireFieldsSupported', () => {
  const supported = ['metadata.name', 'metadata.namespace', 'spec.nodeName'];
  requireFieldsSupported(parseFieldSelector('metadata.name=a,spec.nodeName=b'), supported, 'pods');
  assert.throws(
    () => requireFieldsSupported(parseFieldSelector('metadata.name=a,spec.foo=b'), supported, 'pods'),
    (err: unknown) => {
      assert.ok(err instanceof BadRequestError);
      assert.equal(err.message, 'field label not supported: spec.foo');
      assert.equal(err.code, 400);
      assert.equal(err.reason, 'BadRequest');
      return true;
    },
  );
});
