// Unit tests of static pod manifests (upstream's file source defaults).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { isStaticPod, staticPodFromManifest } from './static-pods.js';

describe('staticPodFromManifest', () => {
  const manifest = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'etcd' }, spec: { containers: [{ name: 'main', image: 'busybox' }] } };

  it('names the pod after the node, derives a stable uid, annotates and defaults it', () => {
    const a = staticPodFromManifest(manifest, '/m/etcd.yaml', 'node1');
    const b = staticPodFromManifest(manifest, '/m/etcd.yaml', 'node1');
    assert.equal(a.metadata!.name, 'etcd-node1');
    assert.equal(a.metadata!.namespace, 'default');
    assert.equal(a.metadata!.uid, b.metadata!.uid);
    assert.match(a.metadata!.uid!, /^[0-9a-f]{32}$/);
    assert.equal(a.metadata!.annotations!['kubernetes.io/config.hash'], a.metadata!.uid);
    assert.equal(a.metadata!.annotations!['kubernetes.io/config.source'], 'file');
    assert.equal(a.spec!.nodeName, 'node1');
    assert.equal(a.spec!.restartPolicy, 'Always');
    assert.ok(a.spec!.tolerations!.some((t) => t.operator === 'Exists' && t.effect === 'NoExecute'));
    assert.ok(isStaticPod(a));
    assert.notEqual(staticPodFromManifest(manifest, '/m/etcd.yaml', 'node2').metadata!.uid, a.metadata!.uid);
  });

  it('rejects what is not a pod', () => {
    assert.throws(() => staticPodFromManifest({ kind: 'Service', apiVersion: 'v1', metadata: { name: 'x' } }, 'f', 'n'), /kind must be Pod/);
    assert.throws(() => staticPodFromManifest({ kind: 'Pod', apiVersion: 'v1', metadata: {}, spec: { containers: [{}] } }, 'f', 'n'), /metadata.name/);
  });
});
