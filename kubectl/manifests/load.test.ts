// Manifest reading: documents, lists, empty documents, kubectl's error wording, -R directories.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expandPath, loadManifests, parseManifestText } from './load.js';
import { resolveDoc } from './resolve.js';

test('multi-document YAML skips empty documents and keeps indexes', () => {
  const r = parseManifestText('---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n---\n# nothing\n---\napiVersion: v1\nkind: Secret\nmetadata: {name: b}\n', 'f.yaml');
  assert.deepEqual(r.errors, []);
  assert.deepEqual(r.docs.map((d) => [d.index, d.object.kind]), [[0, 'ConfigMap'], [2, 'Secret']]);
});

test('YAML 1.1 as kubectl reads it: yes/on are booleans, timestamps stay strings', () => {
  const r = parseManifestText('apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\ndata: {yes: on, d: 2001-12-14}\n', 'f.yaml');
  assert.deepEqual(r.docs[0].object.data, { true: true, d: '2001-12-14' });
});

test('a JSON List is expanded into its items', () => {
  const list = { apiVersion: 'v1', kind: 'List', items: [{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a' } }, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'b' } }] };
  const r = parseManifestText(JSON.stringify(list), 'l.json');
  assert.deepEqual(r.docs.map((d) => (d.object.metadata as { name: string }).name), ['a', 'b']);
});

test('a missing kind is reported as kubectl words it, with and without validation', () => {
  const text = 'apiVersion: v1\nmetadata:\n  name: x\n';
  assert.equal(parseManifestText(text, 'f.yaml').errors[0].message, `unable to decode "f.yaml": Object 'Kind' is missing in '{"apiVersion":"v1","metadata":{"name":"x"}}'`);
  assert.equal(
    parseManifestText(text, 'f.yaml', true).errors[0].message,
    'error validating "f.yaml": error validating data: kind not set; if you choose to ignore these errors, turn validation off with --validate=false',
  );
});

test('a YAML syntax error names the file and line; documents before it are kept', () => {
  const r = parseManifestText('apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n---\na: [b\nc: d\n', 'bad.yaml');
  assert.equal(r.docs.length, 1);
  assert.match(r.errors[0].message, /^error parsing bad\.yaml: error converting YAML to JSON: yaml: line \d+: /);
});

test('directories: top level only, or recursively with -R; only .json/.yaml/.yml', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'k8ts-load-'));
  try {
    mkdirSync(path.join(dir, 'sub'));
    for (const f of ['a.yaml', 'b.json', 'c.txt', 'sub/d.yml']) writeFileSync(path.join(dir, f), '{}');
    assert.deepEqual(expandPath(dir, false).map((f) => path.relative(dir, f)), ['a.yaml', 'b.json']);
    assert.deepEqual(expandPath(dir, true).map((f) => path.relative(dir, f)), ['a.yaml', 'b.json', 'sub/d.yml']);
    assert.throws(() => expandPath(path.join(dir, 'nope.yaml'), false), /the path ".*nope\.yaml" does not exist/);
    assert.throws(() => loadManifests(['https://example.com/x.yaml']), /URL is not supported/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('stdin is read for -f - and named STDIN', () => {
  const r = loadManifests(['-'], { stdin: () => 'apiVersion: v1\nkind: Namespace\nmetadata: {name: n}\n' });
  assert.equal(r.docs[0].source, 'STDIN');
});

const doc = (object: Record<string, unknown>) => ({ source: 'f.yaml', index: 0, object });

test('namespace: the document\'s, else -n or the context\'s; cluster-scoped kinds get none', () => {
  const cm = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a' } };
  assert.equal(resolveDoc(doc(cm), 'ctx', false).namespace, 'ctx');
  assert.equal((resolveDoc(doc(cm), 'ctx', false).object.metadata as { namespace: string }).namespace, 'ctx');
  assert.equal(resolveDoc(doc({ ...cm, metadata: { name: 'a', namespace: 'mine' } }), 'ctx', false).namespace, 'mine');
  assert.equal(resolveDoc(doc({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'n' } }), 'ctx', true).namespace, undefined);
  assert.equal(resolveDoc(doc({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd' } }), 'x', false).info.plural, 'deployments');
});

test('-n conflicting with the document and unknown kinds fail as kubectl says', () => {
  assert.throws(
    () => resolveDoc(doc({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a', namespace: 'a' } }), 'b', true),
    { message: `the namespace from the provided object "a" does not match the namespace "b". You must pass '--namespace=a' to perform this operation.` },
  );
  assert.throws(() => resolveDoc(doc({ apiVersion: 'v1', kind: 'Foo', metadata: { name: 'x' } }), 'b', false), {
    message: 'resource mapping not found for name: "x" namespace: "" from "f.yaml": no matches for kind "Foo" in version "v1"\nensure CRDs are installed first',
  });
});
