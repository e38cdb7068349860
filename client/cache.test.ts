// Tests the informer cache: keys as MetaNamespaceKeyFunc, get/list, the built-in and custom indexes
// kept right across updates and deletes, and that stored objects are deep-frozen.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { keyOf, splitKey, Store } from './cache.js';
import type { KubeObject } from './objects.js';

const pod = (ns: string, name: string, extra: { labels?: Record<string, string>; nodeName?: string; rv?: string } = {}): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { namespace: ns, name, labels: extra.labels, resourceVersion: extra.rv ?? '1' },
  spec: extra.nodeName === undefined ? {} : { nodeName: extra.nodeName },
});

describe('keyOf / splitKey', () => {
  it('uses namespace/name, or name when cluster-scoped', () => {
    assert.equal(keyOf(pod('default', 'web')), 'default/web');
    assert.equal(keyOf({ metadata: { name: 'node-1' } }), 'node-1');
    assert.deepEqual(splitKey('default/web'), { namespace: 'default', name: 'web' });
    assert.deepEqual(splitKey('node-1'), { name: 'node-1' });
    assert.throws(() => splitKey('a/b/c'), /unexpected key format: "a\/b\/c"/);
    assert.throws(() => keyOf({ metadata: {} }), /no metadata.name/);
  });
});

describe('Store', () => {
  it('gets by key or by object, lists, and deletes', () => {
    const s = new Store();
    s.put(pod('a', 'x'));
    s.put(pod('b', 'y'));
    assert.equal(s.size, 2);
    assert.equal(s.getByKey('a/x')?.metadata?.name, 'x');
    assert.equal(s.get('b/y')?.metadata?.namespace, 'b');
    assert.equal(s.get(pod('b', 'y'))?.metadata?.namespace, 'b');
    assert.deepEqual(s.listKeys().sort(), ['a/x', 'b/y']);
    assert.equal(s.list().length, 2);
    assert.equal(s.delete('a/x')?.metadata?.name, 'x');
    assert.equal(s.delete('a/x'), undefined);
    assert.equal(s.getByKey('a/x'), undefined);
    assert.deepEqual(s.listKeys(), ['b/y']);
  });

  it('put returns the replaced object', () => {
    const s = new Store();
    assert.equal(s.put(pod('a', 'x', { rv: '1' })), undefined);
    assert.equal(s.put(pod('a', 'x', { rv: '2' }))?.metadata?.resourceVersion, '1');
    assert.equal(s.getByKey('a/x')?.metadata?.resourceVersion, '2');
  });

  it('indexes by namespace, label and node name, following updates and deletes', () => {
    const s = new Store();
    s.put(pod('a', 'x', { labels: { app: 'web', tier: 'fe' }, nodeName: 'n1' }));
    s.put(pod('a', 'y', { labels: { app: 'db' } }));
    s.put(pod('b', 'z', { labels: { app: 'web' }, nodeName: 'n1' }));
    s.put({ metadata: { name: 'cluster-thing' } });
    const names = (objs: readonly KubeObject[]) => objs.map((o) => keyOf(o)).sort();

    assert.deepEqual(names(s.byIndex('byNamespace', 'a')), ['a/x', 'a/y']);
    assert.deepEqual(names(s.byIndex('byNamespace', '')), ['cluster-thing']);
    assert.deepEqual(names(s.byIndex('byLabel', 'app=web')), ['a/x', 'b/z']);
    assert.deepEqual(names(s.byIndex('byLabel', 'tier=fe')), ['a/x']);
    assert.deepEqual(names(s.byIndex('byNodeName', 'n1')), ['a/x', 'b/z']);
    assert.deepEqual(s.listIndexValues('byNodeName'), ['n1'], 'unbound pods are not indexed');

    // x moves to n2 and loses its tier label; z is deleted.
    s.put(pod('a', 'x', { labels: { app: 'web' }, nodeName: 'n2', rv: '2' }));
    s.delete('b/z');
    assert.deepEqual(names(s.byIndex('byNodeName', 'n1')), []);
    assert.deepEqual(names(s.byIndex('byNodeName', 'n2')), ['a/x']);
    assert.deepEqual(names(s.byIndex('byLabel', 'tier=fe')), []);
    assert.deepEqual(names(s.byIndex('byLabel', 'app=web')), ['a/x']);
    assert.deepEqual(s.indexKeys('byNamespace', 'b'), []);
    assert.ok(!s.listIndexValues('byLabel').includes('tier=fe'), 'empty index values are dropped');
  });

  it('supports custom indexers and refuses unknown or clashing names', () => {
    const s = new Store({ byOwner: (o) => (o.metadata?.ownerReferences ?? []).map((r) => r.uid) });
    s.put({ metadata: { namespace: 'a', name: 'p', ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'rs', uid: 'u1' }] } });
    s.put({ metadata: { namespace: 'a', name: 'q' } });
    assert.deepEqual(s.indexKeys('byOwner', 'u1'), ['a/p']);
    assert.throws(() => s.byIndex('nope', 'x'), /Index with name nope does not exist/);
    assert.throws(() => new Store({ byLabel: () => [] }), /indexer "byLabel" already exists/);
  });

  it('deep-freezes what it stores', () => {
    const s = new Store();
    s.put(pod('a', 'x', { labels: { app: 'web' }, nodeName: 'n1' }));
    const got = s.getByKey('a/x')! as KubeObject;
    assert.ok(Object.isFrozen(got));
    assert.throws(() => {
      (got.metadata!.labels as Record<string, string>).app = 'hacked';
    }, TypeError);
    assert.throws(() => {
      (got.spec as { nodeName: string }).nodeName = 'n9';
    }, TypeError);
    assert.equal(s.byIndex('byLabel', 'app=web').length, 1);
    const copy = structuredClone(got);
    copy.metadata!.name = 'changed';
    assert.equal(s.getByKey('a/x')?.metadata?.name, 'x', 'a clone is the way to change an object');
  });
});
