// Unit tests of the modify verbs' shared helpers: argument forms, names, and the patch diffs kubectl sends.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { applyMergePatch, applyStrategicPatch, createMergePatch, dryRunSuffix, parseDryRun, createStrategicPatch, objectName, parseDuration, parseJsonOrYaml, parseResourceArgs, rfc3339Now } from './modify-common.js';
import { toKubectlYaml as toYaml } from './printers/yaml-json.js';

describe('modify-common', () => {
  it('parses TYPE NAME and TYPE/NAME forms', () => {
    const a = parseResourceArgs(['deploy', 'web', 'api']);
    assert.deepEqual(a.map((r) => [r.info.plural, r.name]), [['deployments', 'web'], ['deployments', 'api']]);
    const b = parseResourceArgs(['cm/x', 'po/y']);
    assert.deepEqual(b.map((r) => [r.info.plural, r.name]), [['configmaps', 'x'], ['pods', 'y']]);
    assert.throws(() => parseResourceArgs(['nosuchtype', 'x']), /doesn't have a resource type "nosuchtype"/);
  });

  it('names objects as kubectl’s name printer', () => {
    assert.equal(objectName({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' } }), 'deployment.apps/web');
    assert.equal(objectName({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' } }), 'configmap/x');
    assert.equal(objectName({ apiVersion: 'autoscaling/v1', kind: 'Scale', metadata: { name: 'w' } }), 'scale.autoscaling/w');
  });

  it('creates RFC 7386 merge patches', () => {
    assert.deepEqual(createMergePatch({ metadata: { labels: { a: '1' } } }, { metadata: { labels: { a: '1', b: '2' } } }), { metadata: { labels: { b: '2' } } });
    assert.deepEqual(createMergePatch({ metadata: { labels: { a: '1', b: '2' } } }, { metadata: { labels: { b: '2' } } }), { metadata: { labels: { a: null } } });
    // An emptied map disappears, as Go's omitempty makes it.
    assert.deepEqual(createMergePatch({ metadata: { labels: { a: '1' } } }, { metadata: { labels: {} } }), { metadata: { labels: null } });
    assert.deepEqual(createMergePatch({ a: 1 }, { a: 1 }), {});
  });

  it('creates two-way strategic merge patches with list directives', () => {
    const from = { spec: { template: { spec: { containers: [{ name: 'a', image: 'x' }, { name: 'b', image: 'y' }] } } } };
    const to = { spec: { template: { spec: { containers: [{ name: 'a', image: 'z' }, { name: 'b', image: 'y' }] } } } };
    assert.equal(
      JSON.stringify(createStrategicPatch(from, to)),
      '{"spec":{"template":{"spec":{"$setElementOrder/containers":[{"name":"a"},{"name":"b"}],"containers":[{"image":"z","name":"a"}]}}}}',
    );
    const removed = createStrategicPatch({ env: [{ name: 'A', value: '1' }, { name: 'B', value: '2' }] }, { env: [{ name: 'B', value: '2' }] });
    assert.deepEqual(removed, { '$setElementOrder/env': [{ name: 'B' }], env: [{ $patch: 'delete', name: 'A' }] });
    assert.deepEqual(createStrategicPatch({ spec: { paused: true } }, { spec: {} }), { spec: { paused: null } });
    assert.deepEqual(createStrategicPatch({ args: ['a'] }, { args: ['b'] }), { args: ['b'] });
  });

  it('parses JSON or YAML patches and Go durations', () => {
    assert.deepEqual(parseJsonOrYaml('{"a":1}'), { a: 1 });
    assert.deepEqual(parseJsonOrYaml('spec: {replicas: 3}'), { spec: { replicas: 3 } });
    assert.equal(parseDuration('1m30s'), 90_000);
    assert.equal(parseDuration('0'), 0);
    assert.equal(parseDuration('250ms'), 250);
    assert.throws(() => parseDuration('soon'), /invalid duration/);
  });

  it('prints YAML and times as kubectl does', () => {
    assert.equal(toYaml({ b: { c: ['x'] }, a: '1', t: '2026-01-01T00:00:00Z' }), 'a: "1"\nb:\n  c:\n  - x\nt: "2026-01-01T00:00:00Z"\n');
    assert.match(rfc3339Now(new Date('2026-01-02T03:04:05.678Z')), /^2026-01-0\dT\d\d:\d\d:05(Z|[+-]\d\d:\d\d)$/);
  });

  it('applies patches locally for --dry-run=client', () => {
    const obj = { spec: { replicas: 1, template: { spec: { containers: [{ name: 'a', image: 'x' }, { name: 'b', image: 'y' }] } } } };
    const patched = applyStrategicPatch(obj, { spec: { template: { spec: { containers: [{ name: 'b', image: 'z' }, { name: 'c', image: 'w' }] } } } }) as any;
    assert.deepEqual(patched.spec.template.spec.containers, [{ name: 'a', image: 'x' }, { name: 'b', image: 'z' }, { name: 'c', image: 'w' }]);
    const deleted = applyStrategicPatch(obj, { spec: { replicas: null, template: { spec: { containers: [{ $patch: 'delete', name: 'a' }] } } } }) as any;
    assert.deepEqual(deleted, { spec: { template: { spec: { containers: [{ name: 'b', image: 'y' }] } } } });
    assert.deepEqual(applyMergePatch({ a: { b: 1, c: 2 } }, { a: { b: null, d: 3 } }), { a: { c: 2, d: 3 } });
    // A strategic patch round-trips the diff it was made from.
    const to = { spec: { replicas: 1, template: { spec: { containers: [{ name: 'a', image: 'q' }, { name: 'b', image: 'y' }] } } } };
    assert.deepEqual(applyStrategicPatch(obj, createStrategicPatch(obj, to)), to);
  });

  it('parses --dry-run values as kubectl', () => {
    assert.equal(parseDryRun(undefined), 'none');
    assert.equal(parseDryRun(true), 'client');
    assert.equal(parseDryRun('server'), 'server');
    assert.throws(() => parseDryRun('bogus'), /Invalid dry-run value \(bogus\)\. Must be "none", "server", or "client"\./);
    assert.equal(dryRunSuffix('client'), ' (dry run)');
    assert.equal(dryRunSuffix('server'), ' (server dry run)');
    assert.equal(dryRunSuffix('none'), '');
  });
});
