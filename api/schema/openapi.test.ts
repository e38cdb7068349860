// The OpenAPI v3 index and documents carry what kubectl 1.32 reads: fieldValidation among the
// parameters of every PATCH operation (QueryParamVerifierV3 reads op.OperationProps.Parameters), GVK extensions, patch content types and patch metadata.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { openApiV3Document, openApiV3Index, patchMetaFor, PATCH_META, groupVersionKey } from './openapi.js';
import { DEFINITIONS } from './definitions.js';
import { RESOURCES, groupVersions } from '../resources.js';

type Obj = Record<string, any>;

test('index lists one entry per group-version with a hash of its document', () => {
  const index = openApiV3Index();
  assert.deepEqual(Object.keys(index.paths), groupVersions().map((gv) => groupVersionKey(gv.group, gv.version)));
  assert.ok(index.paths['api/v1'] && index.paths['apis/apps/v1']);
  const doc = openApiV3Document('apps', 'v1');
  const hash = createHash('sha256').update(JSON.stringify(doc)).digest('hex').toUpperCase();
  assert.equal(index.paths['apis/apps/v1']!.serverRelativeURL, `/openapi/v3/apis/apps/v1?hash=${hash}`);
  assert.deepEqual(openApiV3Index(), index, 'stable between calls');
});

test('apps/v1: deployment item PATCH has fieldValidation and SMP content types', () => {
  const doc = openApiV3Document('apps', 'v1');
  assert.equal(doc.openapi, '3.0.0');
  assert.deepEqual(doc.info, { title: 'Kubernetes', version: 'v1.32.0' });
  const item = doc.paths['/apis/apps/v1/namespaces/{namespace}/deployments/{name}'] as Obj;
  assert.ok(item, 'item path');
  const names = (item.parameters as Obj[]).map((p) => p.name);
  for (const n of ['name', 'namespace', 'pretty']) assert.ok(names.includes(n), n);
  const opNames = (item.patch.parameters as Obj[]).map((p) => p.name);
  for (const n of ['dryRun', 'fieldManager', 'fieldValidation', 'force']) assert.ok(opNames.includes(n), n);
  const fv = (item.patch.parameters as Obj[]).find((p) => p.name === 'fieldValidation')!;
  assert.equal(fv.in, 'query');
  assert.deepEqual(fv.schema.type, 'string');
  assert.match(fv.description, /Strict/);
  assert.deepEqual(item.patch['x-kubernetes-group-version-kind'], { group: 'apps', version: 'v1', kind: 'Deployment' });
  assert.equal(item.patch['x-kubernetes-action'], 'patch');
  assert.equal(item.patch.operationId, 'patchAppsV1NamespacedDeployment');
  const ct = item.patch.requestBody.content as Obj;
  for (const t of ['application/json-patch+json', 'application/merge-patch+json', 'application/strategic-merge-patch+json', 'application/apply-patch+yaml']) {
    assert.deepEqual(ct[t].schema, { $ref: '#/components/schemas/io.k8s.api.apps.v1.Deployment' }, t);
  }
  for (const verb of ['get', 'put', 'delete']) assert.ok(item[verb]['x-kubernetes-group-version-kind'], verb);
  assert.ok(doc.paths['/apis/apps/v1/namespaces/{namespace}/deployments'], 'collection');
  assert.ok(doc.paths['/apis/apps/v1/deployments'], 'all namespaces');
  const scale = doc.paths['/apis/apps/v1/namespaces/{namespace}/deployments/{name}/scale'] as Obj;
  assert.deepEqual(scale.patch['x-kubernetes-group-version-kind'], { group: 'autoscaling', version: 'v1', kind: 'Scale' });
  assert.ok(doc.components.schemas['io.k8s.api.autoscaling.v1.Scale']);
  assert.ok(doc.paths['/apis/apps/v1/namespaces/{namespace}/deployments/{name}/status']);
});

test('core/v1 paths: namespaced, cluster-scoped and subresources', () => {
  const doc = openApiV3Document('', 'v1');
  for (const p of ['/api/v1/namespaces/{namespace}/pods/{name}', '/api/v1/namespaces/{namespace}/pods', '/api/v1/pods', '/api/v1/namespaces/{namespace}/pods/{name}/status', '/api/v1/namespaces/{namespace}/pods/{name}/binding', '/api/v1/nodes/{name}', '/api/v1/nodes', '/api/v1/namespaces/{name}', '/api/v1/namespaces/{name}/finalize']) {
    assert.ok(doc.paths[p], p);
  }
  assert.equal((doc.paths['/api/v1/namespaces/{namespace}/pods/{name}/binding'] as Obj).post['x-kubernetes-group-version-kind'].kind, 'Binding');
  assert.equal((doc.paths['/api/v1/nodes/{name}'] as Obj).get.operationId, 'readCoreV1Node');
});

test('kubectl QueryParamVerifierV3 finds fieldValidation for every kind that can be patched', () => {
  for (const res of RESOURCES) {
    const doc = openApiV3Document(res.group, res.version);
    let matched = 0;
    for (const [path, props] of Object.entries(doc.paths) as [string, Obj][]) {
      const gvk = props.patch?.['x-kubernetes-group-version-kind'];
      if (!gvk || gvk.group !== res.group || gvk.version !== res.version || gvk.kind !== res.kind) continue;
      matched++;
      assert.ok((props.patch.parameters as Obj[]).some((p) => p.name === 'fieldValidation' && p.in === 'query'), path);
    }
    assert.ok(matched > 0, `${res.kind} has a PATCH path`);
  }
});

test('every $ref in every document names a schema in its components', () => {
  for (const gv of groupVersions()) {
    const doc = openApiV3Document(gv.group, gv.version);
    const missing: string[] = [];
    const visit = (node: unknown): void => {
      if (Array.isArray(node)) node.forEach(visit);
      else if (node && typeof node === 'object') {
        for (const [k, v] of Object.entries(node)) {
          if (k === '$ref') {
            const name = String(v).replace('#/components/schemas/', '');
            if (!(name in doc.components.schemas)) missing.push(name);
          } else visit(v);
        }
      }
    };
    visit(doc);
    assert.deepEqual(missing, [], groupVersionKey(gv.group, gv.version));
  }
});

test('components carry upstream patch metadata on list fields', () => {
  const s = openApiV3Document('apps', 'v1').components.schemas;
  const podSpec = s['io.k8s.api.core.v1.PodSpec']!.properties!;
  assert.equal(podSpec.containers!['x-kubernetes-patch-merge-key'], 'name');
  assert.equal(podSpec.containers!['x-kubernetes-patch-strategy'], 'merge');
  assert.equal(podSpec.containers!['x-kubernetes-list-type'], 'map');
  assert.equal(podSpec.volumes!['x-kubernetes-patch-strategy'], 'merge,retainKeys');
  assert.equal(podSpec.tolerations!['x-kubernetes-list-type'], 'atomic');
  assert.deepEqual(podSpec.topologySpreadConstraints!['x-kubernetes-list-map-keys'], ['topologyKey', 'whenUnsatisfiable']);
  const ports = s['io.k8s.api.core.v1.Container']!.properties!.ports!;
  assert.equal(ports['x-kubernetes-patch-merge-key'], 'containerPort');
  assert.deepEqual(ports['x-kubernetes-list-map-keys'], ['containerPort', 'protocol']);
  assert.equal(s['io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta']!.properties!.finalizers!['x-kubernetes-list-type'], 'set');
  assert.equal(s['io.k8s.api.apps.v1.DeploymentStatus']!.properties!.conditions!['x-kubernetes-patch-merge-key'], 'type');
  // The committed definitions stay as generated: extensions live only in served documents.
  assert.equal(DEFINITIONS['io.k8s.api.core.v1.PodSpec']!.properties!.containers!['x-kubernetes-patch-merge-key'], undefined);
});

test('PATCH_META names only existing definitions and fields', () => {
  for (const [def, fields] of Object.entries(PATCH_META)) {
    assert.ok(DEFINITIONS[def], def);
    for (const field of Object.keys(fields)) {
      const prop = DEFINITIONS[def]!.properties![field];
      assert.ok(prop, `${def}.${field}`);
      assert.equal(prop.type, 'array', `${def}.${field} is a list`);
    }
  }
  assert.deepEqual(patchMetaFor('io.k8s.api.core.v1.ServiceSpec', 'ports'), { mergeKey: 'port', strategy: 'merge', listType: 'map', listMapKeys: ['port', 'protocol'] });
  assert.equal(patchMetaFor('io.k8s.api.core.v1.PodSpec', 'nodeName'), undefined);
});

test('documents are frozen and unknown group-versions throw', () => {
  const doc = openApiV3Document('batch', 'v1');
  assert.ok(Object.isFrozen(doc.paths));
  assert.equal(openApiV3Document('batch', 'v1'), doc);
  assert.throws(() => openApiV3Document('nope', 'v1'), /not served/);
});
