// Unit tests for name/label/annotation validation: messages must equal upstream's, byte for byte.
// No I/O.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  isDNS1123Subdomain,
  isDNS1123Label,
  isDNS1035Label,
  isQualifiedName,
  isValidLabelValue,
  validateLabels,
  validateAnnotations,
  validateObjectName,
  generateNameSuffix,
} from './names.js';

const SUBDOMAIN_MSG =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const LABEL_MSG =
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
const DNS1035_MSG =
  "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')";
const QNAME_MSG =
  "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
const LABEL_VALUE_MSG =
  "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";

test('isDNS1123Subdomain', () => {
  const cases: [string, string[]][] = [
    ['a', []],
    ['example.com', []],
    ['a-b.c-d.e', []],
    ['1.2.3', []],
    ['a'.repeat(253), []],
    ['', [SUBDOMAIN_MSG]],
    ['A', [SUBDOMAIN_MSG]],
    ['-a', [SUBDOMAIN_MSG]],
    ['a-', [SUBDOMAIN_MSG]],
    ['a..b', [SUBDOMAIN_MSG]],
    ['a_b', [SUBDOMAIN_MSG]],
    ['a.', [SUBDOMAIN_MSG]],
    ['a'.repeat(254), ['must be no more than 253 characters']],
    ['A'.repeat(254), ['must be no more than 253 characters', SUBDOMAIN_MSG]],
  ];
  for (const [v, want] of cases) assert.deepEqual(isDNS1123Subdomain(v), want, v);
});

test('isDNS1123Label', () => {
  const cases: [string, string[]][] = [
    ['a', []],
    ['0', []],
    ['my-name', []],
    ['123-abc', []],
    ['a'.repeat(63), []],
    ['a.b', ['must not contain dots']],
    ['', [LABEL_MSG]],
    ['My-name', [LABEL_MSG]],
    ['a_b', [LABEL_MSG]],
    ['-a', [LABEL_MSG]],
    ['a'.repeat(64), ['must be no more than 63 characters']],
  ];
  for (const [v, want] of cases) assert.deepEqual(isDNS1123Label(v), want, v);
});

test('isDNS1035Label', () => {
  const cases: [string, string[]][] = [
    ['a', []],
    ['my-name', []],
    ['abc-123', []],
    ['1abc', [DNS1035_MSG]],
    ['a.b', [DNS1035_MSG]],
    ['', [DNS1035_MSG]],
    ['a-', [DNS1035_MSG]],
    ['a'.repeat(64), ['must be no more than 63 characters']],
  ];
  for (const [v, want] of cases) assert.deepEqual(isDNS1035Label(v), want, v);
});

test('isQualifiedName', () => {
  const cases: [string, string[]][] = [
    ['simple', []],
    ['now-with-dashes', []],
    ['1-starts-with-num', []],
    ['1234', []],
    ['simple/simple', []],
    ['now-with-dashes/simple', []],
    ['example.com/My_Name.x', []],
    ['app.kubernetes.io/name', []],
    ['a'.repeat(63), []],
    ['a'.repeat(253) + '/' + 'b'.repeat(63), []],
    ['', ['name part must be non-empty', QNAME_MSG]],
    ['a/', ['name part must be non-empty', QNAME_MSG]],
    ['/a', ['prefix part must be non-empty']],
    ['Example.com/a', ['prefix part ' + SUBDOMAIN_MSG]],
    ['-a', [QNAME_MSG]],
    ['a_', [QNAME_MSG]],
    ['a b', [QNAME_MSG]],
    ['a'.repeat(64), ['name part must be no more than 63 characters']],
    [
      'a/b/c',
      [
        "a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')",
      ],
    ],
  ];
  for (const [v, want] of cases) assert.deepEqual(isQualifiedName(v), want, v);
});

test('isValidLabelValue', () => {
  const cases: [string, string[]][] = [
    ['', []],
    ['simple', []],
    ['My_Value.1-2', []],
    ['a'.repeat(63), []],
    ['a'.repeat(64), ['must be no more than 63 characters']],
    ['-a', [LABEL_VALUE_MSG]],
    ['a/b', [LABEL_VALUE_MSG]],
    ['nginx ', [LABEL_VALUE_MSG]],
  ];
  for (const [v, want] of cases) assert.deepEqual(isValidLabelValue(v), want, v);
});

test('validateLabels reports against the map path with the bad key or value', () => {
  assert.deepEqual(validateLabels({ app: 'nginx', 'app.kubernetes.io/name': 'x' }, 'metadata.labels'), []);
  assert.deepEqual(validateLabels(undefined, 'metadata.labels'), []);
  const errs = validateLabels({ '-bad': 'ok', good: 'bad value' }, 'metadata.labels');
  assert.deepEqual(
    errs.map((e) => e.toString()),
    [`metadata.labels: Invalid value: "-bad": ${QNAME_MSG}`, `metadata.labels: Invalid value: "bad value": ${LABEL_VALUE_MSG}`],
  );
  assert.equal(errs[0]!.type, 'FieldValueInvalid');
  const typed = validateLabels({ a: 1 }, 'metadata.labels');
  assert.equal(typed.length, 1);
  assert.equal(typed[0]!.type, 'FieldValueTypeInvalid');
  assert.equal(validateLabels('x', 'metadata.labels')[0]!.type, 'FieldValueTypeInvalid');
});

test('validateAnnotations checks keys case-insensitively and caps total size', () => {
  assert.deepEqual(validateAnnotations({ 'Example.COM/Foo': 'any value at all / with spaces' }, 'metadata.annotations'), []);
  const bad = validateAnnotations({ 'a b': '' }, 'metadata.annotations');
  assert.deepEqual(bad.map((e) => e.toString()), [`metadata.annotations: Invalid value: "a b": ${QNAME_MSG}`]);
  // Exactly at the limit is fine; one byte over is not.
  const key = 'k';
  assert.deepEqual(validateAnnotations({ [key]: 'v'.repeat(256 * 1024 - 1) }, 'metadata.annotations'), []);
  const over = validateAnnotations({ [key]: 'v'.repeat(256 * 1024) }, 'metadata.annotations');
  assert.deepEqual(over.map((e) => e.toString()), ['metadata.annotations: Too long: may not be more than 262144 bytes']);
  assert.equal(over[0]!.type, 'FieldValueTooLong');
});

test('validateObjectName', () => {
  assert.deepEqual(validateObjectName('nginx-1', 'subdomain'), []);
  assert.deepEqual(validateObjectName('a.b', 'subdomain'), []);
  assert.deepEqual(
    validateObjectName('a.b', 'label').map((e) => e.toString()),
    ['metadata.name: Invalid value: "a.b": must not contain dots'],
  );
  assert.deepEqual(
    validateObjectName('1svc', '1035', 'metadata.name').map((e) => e.toString()),
    [`metadata.name: Invalid value: "1svc": ${DNS1035_MSG}`],
  );
  assert.deepEqual(
    validateObjectName('Bad', 'subdomain', 'spec.x').map((e) => e.toString()),
    [`spec.x: Invalid value: "Bad": ${SUBDOMAIN_MSG}`],
  );
  assert.deepEqual(
    validateObjectName('', 'subdomain').map((e) => e.toString()),
    ['metadata.name: Required value: name or generateName is required'],
  );
});

test('generateNameSuffix uses 5 chars of upstream alphabet', () => {
  const seen = new Set<string>();
  for (let i = 0; i < 200; i++) {
    const s = generateNameSuffix();
    assert.match(s, /^[bcdfghjklmnpqrstvwxz2456789]{5}$/);
    seen.add(s);
  }
  assert.ok(seen.size > 150, 'suffixes should vary');
});
