// Unit tests for resource quantities: parse, canonical strings (upstream's outputs), exact arithmetic.
// No I/O.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseQuantity, Quantity, QuantityParseError, ErrFormatWrong, ErrSuffix } from './quantity.js';

test('parse -> canonical toString and format', () => {
  const cases: [string | number, string, Quantity['format']][] = [
    ['0', '0', 'DecimalSI'],
    ['0m', '0', 'DecimalSI'],
    ['0Ki', '0', 'BinarySI'],
    ['1', '1', 'DecimalSI'],
    ['1000m', '1', 'DecimalSI'],
    ['1500m', '1500m', 'DecimalSI'],
    ['0.5', '500m', 'DecimalSI'],
    ['1.5', '1500m', 'DecimalSI'],
    ['0.1', '100m', 'DecimalSI'],
    ['100m', '100m', 'DecimalSI'],
    ['2000', '2k', 'DecimalSI'],
    ['1k', '1k', 'DecimalSI'],
    ['1000k', '1M', 'DecimalSI'],
    ['128974848', '128974848', 'DecimalSI'],
    ['129e6', '129e6', 'DecimalExponent'],
    ['129M', '129M', 'DecimalSI'],
    ['1e3', '1e3', 'DecimalExponent'],
    ['1E3', '1E3', 'DecimalExponent'],
    ['100E1', '1e3', 'DecimalExponent'],
    ['1000E-3', '1', 'DecimalExponent'],
    ['1e-2', '10e-3', 'DecimalExponent'],
    ['5.5e5', '550e3', 'DecimalExponent'],
    ['1e-10', '1e-9', 'DecimalExponent'],
    ['1n', '1n', 'DecimalSI'],
    ['0.5n', '1n', 'DecimalSI'],
    ['-0.5n', '-1n', 'DecimalSI'],
    ['1u', '1u', 'DecimalSI'],
    ['1E', '1E', 'DecimalSI'],
    ['1000E', '1000E', 'DecimalSI'],
    ['100Mi', '100Mi', 'BinarySI'],
    ['1.5Gi', '1536Mi', 'BinarySI'],
    ['1024Ki', '1Mi', 'BinarySI'],
    ['1536Ki', '1536Ki', 'BinarySI'],
    ['1Ki', '1Ki', 'BinarySI'],
    ['8Ki', '8Ki', 'BinarySI'],
    ['0.5Ki', '512', 'BinarySI'],
    ['1.1Ki', '1126400m', 'BinarySI'],
    ['0.5Mi', '512Ki', 'BinarySI'],
    ['-1Ki', '-1Ki', 'BinarySI'],
    ['-1536Mi', '-1536Mi', 'BinarySI'],
    ['8Ei', '9223372036854775807', 'BinarySI'],
    ['-2m', '-2m', 'DecimalSI'],
    ['-1000m', '-1', 'DecimalSI'],
    // Upstream hands back a string that is already canonical as it was written.
    ['+1', '+1', 'DecimalSI'],
    ['1.000001', '1.000001', 'DecimalSI'],
    ['1.0000000001', '1000000001n', 'DecimalSI'],
    [0.5, '500m', 'DecimalSI'],
    [2, '2', 'DecimalSI'],
  ];
  for (const [input, want, format] of cases) {
    const q = parseQuantity(input);
    assert.equal(q.toString(), want, String(input));
    assert.equal(q.format, format, String(input));
    // The canonical string parses back to the same value.
    assert.equal(parseQuantity(q.toString()).cmp(q), 0, `round trip of ${input}`);
  }
});

test('parse errors carry upstream messages', () => {
  const cases: [string, string][] = [
    ['', ErrFormatWrong],
    ['aoeu', ErrFormatWrong],
    ['1.1.M', ErrFormatWrong],
    ['1+1.0M', ErrFormatWrong],
    [' 1', ErrFormatWrong],
    ['1 ', ErrFormatWrong],
    ['1x', ErrFormatWrong],
    ['1i', ErrSuffix],
    ['0.1mi', ErrSuffix],
    ['-3.01e-', ErrSuffix],
    ['.5i', ErrSuffix],
    ['1e', ErrSuffix],
    ['1Ki3', ErrSuffix],
    ['1KiB', ErrFormatWrong],
  ];
  for (const [input, want] of cases) {
    assert.throws(
      () => parseQuantity(input),
      (err: unknown) => {
        assert.ok(err instanceof QuantityParseError, input);
        assert.equal(err.name, 'QuantityParseError');
        assert.equal(err.message, want, input);
        return true;
      },
    );
  }
  assert.equal(ErrFormatWrong, "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'");
  assert.throws(() => parseQuantity(Number.NaN), QuantityParseError);
});

test('exact arithmetic, format of the left operand unless it is zero', () => {
  const cases: [string, '+' | '-', string, string][] = [
    ['0.1', '+', '0.2', '300m'],
    ['1Gi', '+', '512Mi', '1536Mi'],
    ['100m', '+', '900m', '1'],
    ['1', '-', '1500m', '-500m'],
    ['0', '+', '1Gi', '1Gi'],
    ['1Gi', '-', '1Gi', '0'],
    ['1', '+', '1Ki', '1025'],
    ['1Ki', '+', '1', '1025'],
    ['1n', '+', '1E', '1000000000000000000000000001n'],
  ];
  for (const [a, op, b, want] of cases) {
    const qa = parseQuantity(a);
    const r = op === '+' ? qa.add(parseQuantity(b)) : qa.sub(parseQuantity(b));
    assert.equal(r.toString(), want, `${a} ${op} ${b}`);
  }
  // Immutable: add returns a new quantity.
  const a = parseQuantity('1');
  a.add('1');
  assert.equal(a.toString(), '1');
  assert.equal(a.add('1').format, 'DecimalSI');
  // Ten additions of 0.1 are exactly 1.
  let sum = parseQuantity('0');
  for (let i = 0; i < 10; i++) sum = sum.add('0.1');
  assert.equal(sum.cmp('1'), 0);
  assert.equal(sum.toString(), '1');
});

test('cmp and isZero', () => {
  const cases: [string, string, -1 | 0 | 1][] = [
    ['1', '1000m', 0],
    ['1Ki', '1024', 0],
    ['1k', '1Ki', -1],
    ['1Gi', '1G', 1],
    ['-1', '0', -1],
    ['0.1', '100m', 0],
    ['1e3', '1k', 0],
    ['500Mi', '0.5Gi', -1],
  ];
  for (const [a, b, want] of cases) {
    assert.equal(parseQuantity(a).cmp(parseQuantity(b)), want, `${a} vs ${b}`);
    assert.equal(parseQuantity(b).cmp(a), (want === 0 ? 0 : -want) as -1 | 0 | 1, `${b} vs ${a}`);
  }
  assert.equal(parseQuantity('0').isZero(), true);
  assert.equal(parseQuantity('0Mi').isZero(), true);
  assert.equal(parseQuantity('1n').isZero(), false);
  assert.equal(parseQuantity('-1n').sign(), -1);
});

test('value() and milliValue() round up', () => {
  const cases: [string, number, number][] = [
    ['1', 1, 1000],
    ['1.5', 2, 1500],
    ['100m', 1, 100],
    ['1n', 1, 1],
    ['0', 0, 0],
    ['1.0001m', 1, 2],
    ['-1.5', -2, -1500],
    ['1Gi', 1073741824, 1073741824000],
    ['250m', 1, 250],
  ];
  for (const [s, v, mv] of cases) {
    const q = parseQuantity(s);
    assert.equal(q.value(), v, `${s} value`);
    assert.equal(q.milliValue(), mv, `${s} milliValue`);
  }
  assert.equal(parseQuantity('8Ei').valueBig(), 2n ** 63n - 1n);
});

test('constructors and JSON', () => {
  assert.equal(Quantity.fromMilli(1500).toString(), '1500m');
  assert.equal(Quantity.fromMilli(2000).toString(), '2');
  assert.equal(Quantity.fromValue(2048, 'BinarySI').toString(), '2Ki');
  assert.equal(Quantity.fromValue(1000).toString(), '1k');
  assert.equal(Quantity.fromNanos(1n).toString(), '1n');
  assert.equal(JSON.stringify({ cpu: parseQuantity('1000m'), memory: parseQuantity('1.5Gi') }), '{"cpu":"1","memory":"1536Mi"}');
});
