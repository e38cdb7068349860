// Unit tests of the strategic merge patch against upstream's results for kubectl's patches,
// directives and errors. Pure; no I/O.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StatusError } from '../../api/errors.js';
import { strategicMergePatch } from './strategic-merge-patch.js';

const DEPLOYMENT = { group: 'apps', version: 'v1', kind: 'Deployment' };
const POD = { group: '', version: 'v1', kind: 'Pod' };

const OLD_LAST_APPLIED =
  '{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"annotations":{},"name":"web","namespace":"default"},"spec":{"replicas":2,"selector":{"matchLabels":{"app":"web"}},"template":{"metadata":{"labels":{"app":"web"}},"spec":{"containers":[{"image":"nginx:1.25","name":"nginx"},{"command":["sleep","3600"],"image":"busybox","name":"sidecar"}]}}}}\n';
const NEW_LAST_APPLIED = OLD_LAST_APPLIED.replace('nginx:1.25', 'nginx:1.26');

function liveDeployment() {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      name: 'web',
      namespace: 'default',
      uid: 'u1',
      resourceVersion: '10',
      generation: 1,
      annotations: {
        'deployment.kubernetes.io/revision': '1',
        'kubectl.kubernetes.io/last-applied-configuration': OLD_LAST_APPLIED,
      },
    },
    spec: {
      replicas: 2,
      selector: { matchLabels: { app: 'web' } },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '25%', maxSurge: '25%' } },
      template: {
        metadata: { labels: { app: 'web' } },
        spec: {
          containers: [
            { name: 'nginx', image: 'nginx:1.25', ports: [{ containerPort: 80, protocol: 'TCP' }], imagePullPolicy: 'IfNotPresent', resources: {} },
            { name: 'sidecar', image: 'busybox', command: ['sleep', '3600'], imagePullPolicy: 'Always', resources: {} },
          ],
          restartPolicy: 'Always',
        },
      },
    },
    status: { replicas: 2, conditions: [{ type: 'Available', status: 'True' }] },
  };
}

function statusOf(fn: () => unknown): StatusError {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof StatusError, `expected a StatusError, got ${String(err)}`);
    return err;
  }
  assert.fail('expected an error');
}

test("kubectl client-side apply's patch changes the image and keeps everything else", () => {
  const live = liveDeployment();
  // What `kubectl apply` (1.32) sends after the manifest's nginx image changed.
  const patch = {
    metadata: { annotations: { 'kubectl.kubernetes.io/last-applied-configuration': NEW_LAST_APPLIED } },
    spec: {
      template: {
        spec: {
          '$setElementOrder/containers': [{ name: 'nginx' }, { name: 'sidecar' }],
          containers: [{ image: 'nginx:1.26', name: 'nginx' }],
        },
      },
    },
  };
  const expected = liveDeployment();
  expected.metadata.annotations['kubectl.kubernetes.io/last-applied-configuration'] = NEW_LAST_APPLIED;
  expected.spec.template.spec.containers[0].image = 'nginx:1.26';
  assert.deepEqual(strategicMergePatch(live, patch, DEPLOYMENT), expected);
  assert.deepEqual(live, liveDeployment(), 'input is not mutated');
});

test('$setElementOrder reorders merged containers', () => {
  const out = strategicMergePatch(
    liveDeployment(),
    { spec: { template: { spec: { '$setElementOrder/containers': [{ name: 'sidecar' }, { name: 'nginx' }] } } } },
    DEPLOYMENT,
  ) as ReturnType<typeof liveDeployment>;
  assert.deepEqual(
    out.spec.template.spec.containers.map((c) => c.name),
    ['sidecar', 'nginx'],
  );
});

test('a new container is appended and a changed env merges by name', () => {
  const live = liveDeployment();
  (live.spec.template.spec.containers[0] as Record<string, unknown>).env = [
    { name: 'A', value: '1' },
    { name: 'B', value: '2' },
  ];
  const out = strategicMergePatch(
    live,
    {
      spec: {
        template: {
          spec: {
            containers: [
              { name: 'nginx', env: [{ name: 'B', value: 'two' }, { name: 'C', value: '3' }] },
              { name: 'extra', image: 'redis' },
            ],
          },
        },
      },
    },
    DEPLOYMENT,
  ) as ReturnType<typeof liveDeployment>;
  const containers = out.spec.template.spec.containers as Record<string, unknown>[];
  // Upstream's ordering: patch items keep their patch order, server-only items slot in where the
  // live order places them relative to the patch items; an unseen item goes before them.
  assert.deepEqual(containers.map((c) => c.name), ['nginx', 'extra', 'sidecar']);
  assert.deepEqual(containers[0].env, [
    { name: 'A', value: '1' },
    { name: 'B', value: 'two' },
    { name: 'C', value: '3' },
  ]);
  assert.deepEqual(containers[0].ports, [{ containerPort: 80, protocol: 'TCP' }], 'fields not in the patch stay');
});

test('$patch: delete removes a container by its merge key', () => {
  const out = strategicMergePatch(
    liveDeployment(),
    {
      spec: {
        template: {
          spec: {
            '$setElementOrder/containers': [{ name: 'nginx' }],
            containers: [{ $patch: 'delete', name: 'sidecar' }],
          },
        },
      },
    },
    DEPLOYMENT,
  ) as ReturnType<typeof liveDeployment>;
  assert.deepEqual(out.spec.template.spec.containers.map((c) => c.name), ['nginx']);
});

test('$patch: replace on a list and on a map', () => {
  const out = strategicMergePatch(
    liveDeployment(),
    {
      metadata: { annotations: { $patch: 'replace', only: 'this' } },
      spec: { template: { spec: { containers: [{ name: 'solo', image: 'x' }, { $patch: 'replace' }] } } },
    },
    DEPLOYMENT,
  ) as ReturnType<typeof liveDeployment>;
  assert.deepEqual(out.metadata.annotations, { only: 'this' });
  assert.deepEqual(out.spec.template.spec.containers, [{ name: 'solo', image: 'x' }]);
});

test('$patch: delete on a map empties it; null deletes a key', () => {
  const out = strategicMergePatch(
    liveDeployment(),
    { metadata: { annotations: { $patch: 'delete' } }, spec: { replicas: null } },
    DEPLOYMENT,
  ) as Record<string, Record<string, unknown>>;
  assert.deepEqual(out.metadata.annotations, {});
  assert.equal('replicas' in out.spec, false);
});

test('finalizers merge as a set and $deleteFromPrimitiveList removes from it', () => {
  const live = { metadata: { name: 'p', finalizers: ['a', 'b'] } };
  assert.deepEqual(strategicMergePatch(live, { metadata: { finalizers: ['b', 'c'] } }, POD), {
    metadata: { name: 'p', finalizers: ['a', 'b', 'c'] },
  });
  assert.deepEqual(strategicMergePatch(live, { metadata: { '$deleteFromPrimitiveList/finalizers': ['a'] } }, POD), {
    metadata: { name: 'p', finalizers: ['b'] },
  });
});

test('tolerations (no patch strategy) are replaced, conditions merge by type', () => {
  const live = {
    spec: { tolerations: [{ key: 'a', operator: 'Exists' }] },
    status: { conditions: [{ type: 'Ready', status: 'False' }, { type: 'Initialized', status: 'True' }] },
  };
  const out = strategicMergePatch(
    live,
    { spec: { tolerations: [{ key: 'b', operator: 'Exists' }] }, status: { conditions: [{ type: 'Ready', status: 'True' }] } },
    POD,
  );
  assert.deepEqual(out, {
    spec: { tolerations: [{ key: 'b', operator: 'Exists' }] },
    status: { conditions: [{ type: 'Ready', status: 'True' }, { type: 'Initialized', status: 'True' }] },
  });
});

test('ownerReferences merge by uid', () => {
  const live = { metadata: { ownerReferences: [{ uid: '1', name: 'a', kind: 'ReplicaSet', apiVersion: 'apps/v1' }] } };
  const out = strategicMergePatch(live, { metadata: { ownerReferences: [{ uid: '2', name: 'b', kind: 'ReplicaSet', apiVersion: 'apps/v1' }] } }, POD) as {
    metadata: { ownerReferences: { uid: string }[] };
  };
  // Without $setElementOrder upstream puts the patch's new item ahead of server-only ones.
  assert.deepEqual(out.metadata.ownerReferences.map((o) => o.uid), ['2', '1']);
});

test('$retainKeys drops the strategy keys that are no longer wanted', () => {
  const out = strategicMergePatch(
    liveDeployment(),
    { spec: { strategy: { $retainKeys: ['type'], rollingUpdate: null, type: 'Recreate' } } },
    DEPLOYMENT,
  ) as ReturnType<typeof liveDeployment>;
  assert.deepEqual(out.spec.strategy, { type: 'Recreate' });
});

test('a patch key outside $retainKeys is 400', () => {
  const err = statusOf(() =>
    strategicMergePatch(liveDeployment(), { spec: { strategy: { $retainKeys: ['type'], rollingUpdate: { maxSurge: 1 } } } }, DEPLOYMENT),
  );
  assert.equal(err.code, 400);
  assert.equal(err.message, 'invalid patch format of retainKeys');
});

test('an item without its merge key is a 400 with upstream\'s text', () => {
  const err = statusOf(() =>
    strategicMergePatch(liveDeployment(), { spec: { template: { spec: { containers: [{ image: 'x' }] } } } }, DEPLOYMENT),
  );
  assert.equal(err.code, 400);
  assert.equal(err.reason, 'BadRequest');
  assert.equal(err.message, 'map: map[image:x] does not contain declared merge key: name');
});

test('an unknown directive is rejected', () => {
  const err = statusOf(() => strategicMergePatch(liveDeployment(), { metadata: { annotations: { $patch: 'frob' } } }, DEPLOYMENT));
  assert.equal(err.message, 'unknown patch type: frob in map: map[$patch:frob]');
});

test('a body that is not an object is 400', () => {
  assert.equal(statusOf(() => strategicMergePatch({}, [] as unknown as object, POD)).code, 400);
});
