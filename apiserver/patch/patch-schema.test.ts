// Unit tests of the patch metadata: the built-in type graph and the OpenAPI adapter.
// Pure; no I/O.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { builtinSchemaFor, builtinSchemaForObject, openAPIPatchSchema, type OpenAPINode } from '../../api/patch-schema.js';
import { strategicMergePatchWithSchema } from './strategic-merge-patch.js';

test('built-in kinds resolve through their group, version and kind', () => {
  const containers = builtinSchemaFor({ group: 'apps', version: 'v1', kind: 'Deployment' })
    .field('spec')
    ?.schema?.field('template')
    ?.schema?.field('spec')
    ?.schema?.field('containers');
  assert.equal(containers?.mergeKey, 'name');
  assert.equal(containers?.strategy, 'merge');
  assert.deepEqual(containers?.schema?.field('ports')?.listMapKeys, ['containerPort', 'protocol']);
  assert.equal(containers?.schema?.field('volumeMounts')?.mergeKey, 'mountPath');
  const rbac = builtinSchemaFor({ group: 'rbac.authorization.k8s.io', version: 'v1', kind: 'Role' });
  assert.equal(rbac.field('rules')?.listType, 'atomic');
  // Kinds outside the table still know ObjectMeta.
  const other = builtinSchemaForObject({ apiVersion: 'example.com/v1', kind: 'Widget' });
  assert.equal(other.field('metadata')?.schema?.field('ownerReferences')?.mergeKey, 'uid');
  assert.equal(other.field('spec'), undefined);
});

test('an OpenAPI definitions document drives a strategic merge patch', () => {
  const defs: Record<string, OpenAPINode> = {
    'io.k8s.api.core.v1.Pod': {
      properties: { spec: { allOf: [{ $ref: '#/components/schemas/io.k8s.api.core.v1.PodSpec' }] } },
    },
    'io.k8s.api.core.v1.PodSpec': {
      properties: {
        containers: {
          items: { allOf: [{ $ref: '#/components/schemas/io.k8s.api.core.v1.Container' }] },
          'x-kubernetes-patch-merge-key': 'name',
          'x-kubernetes-patch-strategy': 'merge',
          'x-kubernetes-list-type': 'map',
          'x-kubernetes-list-map-keys': ['name'],
        },
      },
    },
    'io.k8s.api.core.v1.Container': {
      properties: {
        ports: {
          items: { $ref: '#/components/schemas/io.k8s.api.core.v1.ContainerPort' },
          'x-kubernetes-list-map-keys': ['containerPort', 'protocol'],
          'x-kubernetes-list-type': 'map',
        },
      },
    },
    'io.k8s.api.core.v1.ContainerPort': { properties: { protocol: { default: 'TCP' } } },
  };
  const schema = openAPIPatchSchema(defs, 'io.k8s.api.core.v1.Pod');
  const ports = schema.field('spec')?.schema?.field('containers')?.schema?.field('ports');
  assert.deepEqual(ports?.keyDefaults, { protocol: 'TCP' });
  const out = strategicMergePatchWithSchema(
    { spec: { containers: [{ name: 'a', image: '1' }, { name: 'b', image: '2' }] } },
    { spec: { containers: [{ name: 'b', image: '3' }] } },
    schema,
  );
  assert.deepEqual(out, { spec: { containers: [{ name: 'a', image: '1' }, { name: 'b', image: '3' }] } });
});
