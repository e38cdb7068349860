// Unit tests for label selectors: parse, match, canonical strings and upstream's error messages.
// No I/O.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  parseSelector,
  everything,
  nothing,
  selectorFromSet,
  validatedSelectorFromSet,
  selectorFromLabelSelector,
  formatLabelSelector,
  newRequirement,
  SelectorParseError,
} from './labels.js';

const QNAME_DETAIL =
  "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";

const VALUE_DETAIL =
  "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";

test('parse -> canonical toString', () => {
  const cases: [string, string][] = [
    ['', ''],
    ['x=a,y=b,z=c', 'x=a,y=b,z=c'],
    ['z=c,x=a,y=b', 'x=a,y=b,z=c'],
    ['x!=y', 'x!=y'],
    ['x==a', 'x==a'],
    ['x=', 'x='],
    ['x= ', 'x='],
    ['x=,z= ', 'x=,z='],
    ['x= ,z= ', 'x=,z='],
    ['!x', '!x'],
    [' ! x ', '!x'],
    ['x', 'x'],
    ['x>1', 'x>1'],
    ['x>1,z<5', 'x>1,z<5'],
    ['x > 1 , z < 5', 'x>1,z<5'],
    ['x in (b,a)', 'x in (a,b)'],
    ['x in(a, b ,a)', 'x in (a,b)'],
    ['x notin (a)', 'x notin (a)'],
    ['x in ()', 'x in ()'],
    ['x in (,a)', 'x in (,a)'],
    ['x in (a,)', 'x in (,a)'],
    ['x in (a,,b)', 'x in (,a,b)'],
    ['x in (in,notin)', 'x in (in,notin)'],
    ['x=in', 'x=in'],
    ['tier in (a,b),app=nginx,!legacy', 'app=nginx,!legacy,tier in (a,b)'],
    ['\tapp.kubernetes.io/name = web \n', 'app.kubernetes.io/name=web'],
    ['a,b', 'a,b'],
  ];
  for (const [input, want] of cases) {
    const sel = parseSelector(input);
    assert.equal(sel.toString(), want, input);
    // The canonical form parses back to itself.
    assert.equal(parseSelector(sel.toString()).toString(), want, `round trip of ${input}`);
  }
});

test('parse errors carry upstream messages', () => {
  const cases: [string, string][] = [
    ['x=a||y=b', `unable to parse requirement: values[0][x]: Invalid value: "a||y": ${VALUE_DETAIL}`],
    ['x<-5', `unable to parse requirement: values[0][x]: Invalid value: "-5": ${VALUE_DETAIL}`],
    ['x==a==b', "found '==', expected: ',' or 'end of string'"],
    ['!x=a', "found '=', expected: ',' or 'end of string'"],
    ['x<a', `unable to parse requirement: values[0]: Invalid value: "a": for 'Gt', 'Lt' operators, the value must be an integer`],
    ['app:nginx', `unable to parse requirement: <nil>: Invalid value: "app:nginx": ${QNAME_DETAIL}`],
    ['x=a,', "found '', expected: identifier after ','"],
    [',x=a', "found ',', expected: !, identifier, or 'end of string'"],
    ['x in a', "unable to parse requirement: found 'a' expected: '('"],
    ['x in (a', "unable to parse requirement: found '', expected: ',' or ')'"],
    ['x in (a b)', "unable to parse requirement: found 'b', expected: ',' or ')'"],
    ['x in (=)', "unable to parse requirement: found '=', expected: ',', ')' or identifier"],
    ['x (a)', "unable to parse requirement: found '(', expected: in, notin, =, ==, !=, gt, lt"],
    ['x == =', "unable to parse requirement: found '=', expected: identifier"],
    ['!', "unable to parse requirement: found '', expected: identifier"],
    ['x=a b', "found 'b', expected: ',' or 'end of string'"],
  ];
  for (const [input, want] of cases) {
    assert.throws(
      () => parseSelector(input),
      (err: unknown) => {
        assert.ok(err instanceof SelectorParseError, input);
        assert.equal(err.name, 'SelectorParseError');
        assert.equal(err.message, want, input);
        return true;
      },
    );
  }
  assert.throws(
    () => parseSelector('x in (ok,-bad)'),
    (err: unknown) => err instanceof SelectorParseError && err.message.startsWith('unable to parse requirement: values[0][x]: Invalid value: "-bad": a valid label must be'),
  );
});

test('matches', () => {
  const cases: [string, Record<string, string> | undefined, boolean][] = [
    ['', {}, true],
    ['', undefined, true],
    ['x=y', { x: 'y' }, true],
    ['x=y', { x: 'z' }, false],
    ['x=y', {}, false],
    ['x==y', { x: 'y' }, true],
    ['x!=y', { x: 'z' }, true],
    ['x!=y', { x: 'y' }, false],
    ['x!=y', {}, true],
    ['x=', { x: '' }, true],
    ['x=', {}, false],
    ['x in (a,b)', { x: 'b' }, true],
    ['x in (a,b)', { x: 'c' }, false],
    ['x in (a,b)', {}, false],
    ['x notin (a,b)', { x: 'c' }, true],
    ['x notin (a,b)', { x: 'a' }, false],
    ['x notin (a,b)', {}, true],
    ['x', { x: '' }, true],
    ['x', { y: 'x' }, false],
    ['!x', { y: 'x' }, true],
    ['!x', { x: '' }, false],
    ['x>1', { x: '2' }, true],
    ['x>1', { x: '1' }, false],
    ['x>1', { x: 'a' }, false],
    ['x>1', {}, false],
    ['x<1', { x: '-3' }, true],
    ['x<1', { x: '99999999999999999999' }, false],
    ['x=a,y=b', { x: 'a', y: 'b', z: 'c' }, true],
    ['x=a,y=b', { x: 'a' }, false],
    ['toString', {}, false],
    ['!constructor', {}, true],
  ];
  for (const [sel, labels, want] of cases) assert.equal(parseSelector(sel).matches(labels), want, `${sel} vs ${JSON.stringify(labels)}`);
});

test('everything, nothing, empty()', () => {
  assert.equal(everything().empty(), true);
  assert.equal(everything().matches({ a: 'b' }), true);
  assert.equal(everything().toString(), '');
  assert.equal(nothing().empty(), false);
  assert.equal(nothing().matches({}), false);
  assert.equal(nothing().toString(), '');
  assert.equal(parseSelector('').empty(), true);
  assert.equal(parseSelector('a').empty(), false);
  const added = everything().add(newRequirement('b', '=', ['1']), newRequirement('a', 'exists', []));
  assert.equal(added.toString(), 'a,b=1');
  assert.equal(everything().toString(), '', 'add does not mutate');
});

test('selectorFromSet', () => {
  const s = selectorFromSet({ tier: 'web', app: 'nginx' });
  assert.equal(s.toString(), 'app=nginx,tier=web');
  assert.equal(s.matches({ app: 'nginx', tier: 'web', x: 'y' }), true);
  assert.equal(s.matches({ app: 'nginx' }), false);
  assert.equal(selectorFromSet({}).empty(), true);
  assert.equal(selectorFromSet(undefined).matches({ a: 'b' }), true);
  assert.equal(selectorFromSet({ 'bad key': 'x' }).toString(), 'bad key=x');
  assert.throws(() => validatedSelectorFromSet({ 'bad key': 'x' }), SelectorParseError);
});

test('selectorFromLabelSelector: null matches nothing, {} matches everything', () => {
  assert.equal(selectorFromLabelSelector(undefined).matches({}), false);
  assert.equal(selectorFromLabelSelector(null).matches({ a: 'b' }), false);
  assert.equal(selectorFromLabelSelector({}).matches({ a: 'b' }), true);
  assert.equal(selectorFromLabelSelector({ matchLabels: {}, matchExpressions: [] }).empty(), true);
  const s = selectorFromLabelSelector({
    matchLabels: { app: 'nginx' },
    matchExpressions: [
      { key: 'tier', operator: 'In', values: ['b', 'a'] },
      { key: 'env', operator: 'NotIn', values: ['prod'] },
      { key: 'release', operator: 'Exists' },
      { key: 'legacy', operator: 'DoesNotExist', values: [] },
    ],
  });
  assert.equal(s.toString(), 'app=nginx,env notin (prod),!legacy,release,tier in (a,b)');
  assert.equal(s.matches({ app: 'nginx', tier: 'a', release: '1' }), true);
  assert.equal(s.matches({ app: 'nginx', tier: 'a', release: '1', legacy: 'y' }), false);
  assert.equal(s.matches({ app: 'nginx', tier: 'a', release: '1', env: 'prod' }), false);
  assert.equal(s.matches({ app: 'nginx', tier: 'c', release: '1' }), false);
});

test('selectorFromLabelSelector errors', () => {
  const cases: [Parameters<typeof selectorFromLabelSelector>[0], string][] = [
    [{ matchExpressions: [{ key: 'a', operator: 'In', values: [] }] }, `values: Invalid value: []string{}: for 'in', 'notin' operators, values set can't be empty`],
    [{ matchExpressions: [{ key: 'a', operator: 'NotIn' }] }, `values: Invalid value: []string{}: for 'in', 'notin' operators, values set can't be empty`],
    [
      { matchExpressions: [{ key: 'a', operator: 'Exists', values: ['x', 'y'] }] },
      `values: Invalid value: []string{"x", "y"}: values set must be empty for exists and does not exist`,
    ],
    [{ matchExpressions: [{ key: 'a', operator: 'Gt', values: ['1'] }] }, `"Gt" is not a valid label selector operator`],
    [{ matchLabels: { '-a': 'b' } }, `key: Invalid value: "-a": ${QNAME_DETAIL}`],
  ];
  for (const [ls, want] of cases) {
    assert.throws(
      () => selectorFromLabelSelector(ls),
      (err: unknown) => {
        assert.ok(err instanceof SelectorParseError);
        assert.equal(err.message, want);
        return true;
      },
    );
  }
  // Several problems aggregate as upstream's "[a, b]".
  assert.throws(
    () => newRequirement('-a', 'in', []),
    (err: unknown) => err instanceof SelectorParseError && err.message.startsWith('[key: Invalid value: "-a": ') && err.message.endsWith("values set can't be empty]"),
  );
});

test('formatLabelSelector (kubectl SELECTOR column)', () => {
  assert.equal(formatLabelSelector(undefined), '<none>');
  assert.equal(formatLabelSelector({}), '<none>');
  assert.equal(formatLabelSelector({ matchLabels: { app: 'nginx' } }), 'app=nginx');
  assert.equal(
    formatLabelSelector({ matchLabels: { app: 'nginx' }, matchExpressions: [{ key: 'tier', operator: 'In', values: ['a', 'b'] }] }),
    'app=nginx,tier in (a,b)',
  );
  assert.equal(formatLabelSelector({ matchExpressions: [{ key: 'a', operator: 'Bogus' }] }), '<error>');
});
