// Checks the committed definitions.json is what the generator produces from kubernetes-types now,
// and that its shape follows the brief (upstream names, required as the .d.ts says, GVKs).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { definitionsPath, generateDefinitions, serialise, upstreamPrefix } from './generate.js';
import { DEFINITIONS } from './definitions.js';
import { RESOURCES } from '../resources.js';

const generated = generateDefinitions();

test('committed definitions.json equals a fresh generation (run node dist/api/schema/generate.js)', () => {
  const committed = JSON.parse(readFileSync(definitionsPath(), 'utf8'));
  assert.deepEqual(committed, generated);
  assert.equal(readFileSync(definitionsPath(), 'utf8'), serialise(generated));
});

test('the runtime copy loaded by import is the committed one', () => {
  assert.deepEqual(DEFINITIONS, generated);
});

test('every kind of api/resources.ts, its List and its subresource kinds have definitions with a GVK', () => {
  for (const res of RESOURCES) {
    const prefix = upstreamPrefix(`${res.group === '' ? 'core' : res.group.split('.')[0]}/${res.version}`);
    for (const kind of [res.kind, `${res.kind}List`]) {
      const def = generated[`${prefix}.${kind}`];
      assert.ok(def, `${prefix}.${kind}`);
      assert.deepEqual(def['x-kubernetes-group-version-kind'], [{ group: res.group, kind, version: res.version }]);
    }
  }
  assert.ok(generated['io.k8s.api.autoscaling.v1.Scale']);
  assert.ok(generated['io.k8s.api.core.v1.Binding']);
  for (const n of ['ObjectMeta', 'ListMeta', 'Status', 'DeleteOptions', 'WatchEvent']) assert.ok(generated[`io.k8s.apimachinery.pkg.apis.meta.v1.${n}`], n);
});

test('property types, required and descriptions follow the .d.ts', () => {
  const spec = generated['io.k8s.api.apps.v1.DeploymentSpec']!;
  assert.deepEqual(spec.required, ['selector', 'template']);
  assert.equal(spec.properties!.replicas!.type, 'integer');
  assert.equal(spec.properties!.replicas!.format, 'int32');
  assert.match(spec.properties!.replicas!.description!, /Number of desired pods/);
  assert.equal(spec.properties!.template!.$ref, '#/components/schemas/io.k8s.api.core.v1.PodTemplateSpec');
  const deploy = generated['io.k8s.api.apps.v1.Deployment']!;
  assert.equal(deploy.required, undefined, 'apiVersion/kind are optional in kubernetes-types');
  const meta = generated['io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta']!.properties!;
  assert.deepEqual(meta.labels!.additionalProperties, { type: 'string' });
  assert.equal(meta.generation!.format, 'int64');
  assert.equal(meta.creationTimestamp!.$ref, '#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.Time');
  const port = generated['io.k8s.api.core.v1.ServicePort']!.properties!;
  assert.equal(port.targetPort!.$ref, '#/components/schemas/io.k8s.apimachinery.pkg.util.intstr.IntOrString');
  const limits = generated['io.k8s.api.core.v1.ResourceRequirements']!.properties!.limits!;
  assert.deepEqual(limits.additionalProperties, { $ref: '#/components/schemas/io.k8s.apimachinery.pkg.api.resource.Quantity' });
  assert.equal(generated['io.k8s.apimachinery.pkg.runtime.RawExtension']!.type, 'object');
  assert.equal(generated['io.k8s.apimachinery.pkg.apis.meta.v1.FieldsV1']!.type, 'object');
});

test('every $ref in definitions.json names an existing definition', () => {
  const missing: string[] = [];
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(visit);
    else if (node && typeof node === 'object') {
      for (const [k, v] of Object.entries(node)) {
        if (k === '$ref') {
          const name = String(v).replace('#/components/schemas/', '');
          if (!(name in generated)) missing.push(name);
        } else visit(v);
      }
    }
  };
  visit(generated);
  assert.deepEqual(missing, []);
});
