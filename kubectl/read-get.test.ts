// Unit tests of `get`'s argument parsing, output-format parsing and helpers (no server involved).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { asList, compareSortValues, expandAll, kindPrefix, parseGetArgs, parseOutput } from './read-get.js';
import { CliError } from './errors.js';

describe('get arguments', () => {
  it('reads TYPE[,TYPE] NAME... and TYPE/NAME forms', () => {
    const r = parseGetArgs(['po,deploy', 'a', 'b']);
    assert.deepEqual(r.map((x) => [x.info.plural, x.names]), [['pods', ['a', 'b']], ['deployments', ['a', 'b']]]);
    const s = parseGetArgs(['svc/web', 'svc/api', 'cm/x']);
    assert.deepEqual(s.map((x) => [x.info.plural, x.names]), [['services', ['web', 'api']], ['configmaps', ['x']]]);
  });

  it('expands all in discovery order (groups as listed, resources by name)', () => {
    assert.deepEqual(expandAll().map((r) => r.plural), ['pods', 'services', 'daemonsets', 'deployments', 'replicasets', 'statefulsets', 'horizontalpodautoscalers', 'cronjobs', 'jobs']);
    assert.deepEqual(parseGetArgs(['all']).length, 9);
  });

  it('rejects unknown types with kubectl message', () => {
    assert.throws(() => parseGetArgs(['foo']), (e: unknown) => e instanceof CliError && e.message === 'the server doesn\'t have a resource type "foo"');
  });
});

describe('get output formats', () => {
  it('parses -o values and refuses unknown ones', () => {
    assert.deepEqual(parseOutput(undefined), { kind: 'table', wide: false });
    assert.deepEqual(parseOutput('wide'), { kind: 'table', wide: true });
    assert.deepEqual(parseOutput('jsonpath={.a}'), { kind: 'jsonpath', template: '{.a}' });
    assert.deepEqual(parseOutput('custom-columns=A:.a'), { kind: 'custom-columns', spec: 'A:.a' });
    assert.throws(() => parseOutput('bogus'), /unable to match a printer suitable for the output format "bogus"/);
  });

  it('names kinds as kubectl does and builds the v1 List', () => {
    assert.equal(kindPrefix(parseGetArgs(['deploy'])[0].info), 'deployment.apps');
    assert.equal(kindPrefix(parseGetArgs(['po'])[0].info), 'pod');
    assert.deepEqual(asList([]), { apiVersion: 'v1', items: [], kind: 'List', metadata: { resourceVersion: '' } });
  });

  it('sorts absent values first, numbers numerically', () => {
    assert.deepEqual([3, undefined, 10, 1].map((v) => ({ v })).sort((a, b) => compareSortValues(a.v, b.v)).map((x) => x.v), [undefined, 1, 3, 10]);
    assert.deepEqual(['b', 'a', 'C'].sort(compareSortValues), ['C', 'a', 'b']);
  });
});
