// Unit tests of kubectl's JSONPath templates; expected strings were printed by the stock kubectl 1.32
// on the same data (a List of two ConfigMaps and the five default namespaces).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { goSyntax, jsonpath, JsonPathError, selectValues } from './jsonpath.js';

const cmList = {
  apiVersion: 'v1',
  items: [
    { apiVersion: 'v1', data: { a: 'b' }, kind: 'ConfigMap', metadata: { labels: { tier: 'fe' }, name: 'c1', managedFields: [{ fieldsV1: { 'f:data': { '.': {}, 'f:a': {} } } }] } },
    { apiVersion: 'v1', data: { oct: '0755' }, kind: 'ConfigMap', metadata: { name: 'tricky' } },
  ],
  kind: 'List',
  metadata: { resourceVersion: '' },
};
const nsList = {
  kind: 'List',
  items: ['default', 'demo', 'kube-node-lease', 'kube-public', 'kube-system'].map((name) => ({ metadata: { name, labels: { 'kubernetes.io/metadata.name': name } }, status: { phase: 'Active' } })),
};

describe('jsonpath', () => {
  it('prints fields, wildcards space-separated, maps as compact JSON and literals', () => {
    const t = '{.items[*].metadata.name} {.items[0].metadata.labels}{"\\n"}{.items[0].data.a}{..tier}|{.kind}{range .items[*]}[{.metadata.name}]{end}{.items[?(@.metadata.name=="c1")].data}{.nothere}x{.metadata}{"\\t"}{.items[0].metadata.managedFields[0].fieldsV1}';
    assert.equal(jsonpath(t, cmList), 'c1 tricky {"tier":"fe"}\nbfe|List[c1][tricky]{"a":"b"}x{"resourceVersion":""}\t{"f:data":{".":{},"f:a":{}}}');
  });

  it('indexes, negative indexes and slices as kubectl does', () => {
    assert.equal(
      jsonpath('{.items[-1].metadata.name} {.items[1:3].metadata.name} {.items[0].metadata.name} {.items[:2].metadata.name}', nsList),
      'kube-system demo kube-node-lease default default demo',
    );
  });

  it('filters with == and != and prints every match', () => {
    assert.equal(jsonpath('{.items[?(@.metadata.name!="demo")].metadata.name}', nsList), 'default kube-node-lease kube-public kube-system');
    assert.equal(jsonpath('{.items[*].status}', nsList), Array(5).fill('{"phase":"Active"}').join(' '));
  });

  it('ranges with newline literals', () => {
    assert.equal(jsonpath('{range .items[*]}{.metadata.name}{"\\n"}{end}', nsList), 'default\ndemo\nkube-node-lease\nkube-public\nkube-system\n');
  });

  it('reads escaped dots in keys and plain text outside actions', () => {
    assert.equal(jsonpath('name={.items[0].metadata.labels.kubernetes\\.io/metadata\\.name}!', nsList), 'name=default!');
  });

  it('numeric filters and unions', () => {
    const data = { a: [{ n: 1, v: 'x' }, { n: 5, v: 'y' }, { n: 10, v: 'z' }] };
    assert.equal(jsonpath('{.a[?(@.n>=5)].v}', data), 'y z');
    assert.equal(jsonpath('{.a[0,2].v}', data), 'x z');
    assert.equal(jsonpath('{.a[?(@.v)].n}', data), '1 5 10');
  });

  it('fails out of bounds and on double-quoted keys with kubectl messages', () => {
    assert.throws(() => jsonpath('{.items[5]}', cmList), (e: unknown) => e instanceof JsonPathError && e.message === 'array index out of bounds: index 5, length 2');
    assert.throws(() => jsonpath('{.items[0].metadata["labels"]}', nsList), /invalid array index "labels"/);
    assert.throws(() => jsonpath('{range .items[*]}{.x}', nsList), /unclosed range/);
  });

  it('escapes HTML characters in JSON as Go does', () => {
    assert.equal(jsonpath('{.a}', { a: { h: '<a>&' } }), '{"h":"\\u003ca\\u003e\\u0026"}');
  });

  it('relaxed expressions for custom-columns and sort-by', () => {
    assert.deepEqual(selectValues('.metadata.name', { metadata: { name: 'x' } }), ['x']);
    assert.deepEqual(selectValues('{.spec.containers[*].image}', { spec: { containers: [{ image: 'a' }, { image: 'b' }] } }), ['a', 'b']);
  });

  it('prints Go %#v of decoded JSON', () => {
    assert.equal(goSyntax({ b: [1, 'x', null], a: true }), 'map[string]interface {}{"a":true, "b":[]interface {}{1, "x", interface {}(nil)}}');
  });
});
