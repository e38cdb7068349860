// Unknown fields and wrong JSON types reported the way upstream's strict decoder words them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkStructure, definitionFor, knownKinds, strictDecodingMessage, unknownFieldMessage } from './structural.js';

const DEPLOY = { group: 'apps', version: 'v1', kind: 'Deployment' };

function deployment(): Record<string, any> {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'default', labels: { app: 'web' }, annotations: { 'a.b/c': 'x' } },
    spec: {
      replicas: 3,
      selector: { matchLabels: { app: 'web' } },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: 1 } },
      template: {
        metadata: { labels: { app: 'web' } },
        spec: {
          containers: [
            {
              name: 'web',
              image: 'busybox:latest',
              command: ['sh', '-c', 'sleep 3600'],
              ports: [{ containerPort: 80, protocol: 'TCP' }],
              env: [{ name: 'A', value: '1' }],
              resources: { limits: { cpu: '100m', memory: '64Mi' }, requests: { cpu: 0.1 } },
              readinessProbe: { httpGet: { path: '/', port: 'http' }, periodSeconds: 5 },
            },
          ],
          terminationGracePeriodSeconds: 30,
        },
      },
    },
  };
}

test('a valid Deployment, Pod, Service and ConfigMap have no unknown fields or type errors', () => {
  const clean = { unknownFields: [], typeErrors: [] };
  assert.deepEqual(checkStructure(DEPLOY, deployment(), 'Strict'), clean);
  const pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'p', creationTimestamp: '2024-01-02T03:04:05Z', ownerReferences: [{ apiVersion: 'v1', kind: 'X', name: 'x', uid: 'u', controller: true }] },
    spec: { containers: [{ name: 'c', image: 'busybox' }], nodeName: 'n1', tolerations: [{ key: 'k', operator: 'Exists', tolerationSeconds: 300 }] },
    status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: null }], podIP: '10.244.0.5' },
  };
  assert.deepEqual(checkStructure({ group: '', version: 'v1', kind: 'Pod' }, pod, 'Strict'), clean);
  const svc = { apiVersion: 'v1', kind: 'Service', metadata: { name: 's' }, spec: { selector: { app: 'web' }, ports: [{ port: 80, targetPort: 8080 }, { name: 'h', port: 81, targetPort: 'http' }] } };
  assert.deepEqual(checkStructure({ group: '', version: 'v1', kind: 'Service' }, svc, 'Strict'), clean);
  const cm = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: { 'k.txt': 'v' }, binaryData: { b: 'AAE=' }, immutable: false };
  assert.deepEqual(checkStructure({ group: '', version: 'v1', kind: 'ConfigMap' }, cm, 'Strict'), clean);
});

test('unknown fields carry upstream paths with array indexes, in every mode', () => {
  const d = deployment();
  d.spec.template.spec.containers[0].imagee = 'nginx';
  d.spec.foo = 1;
  d.metadata.bogus = true;
  for (const mode of ['Strict', 'Warn', 'Ignore'] as const) {
    const r = checkStructure(DEPLOY, d, mode);
    // Document order, as the decoder meets them.
    assert.deepEqual(r.unknownFields, ['metadata.bogus', 'spec.template.spec.containers[0].imagee', 'spec.foo']);
    assert.deepEqual(r.typeErrors, []);
  }
  assert.equal(unknownFieldMessage('spec.foo'), 'unknown field "spec.foo"');
  assert.equal(
    strictDecodingMessage(['spec.template.spec.containers[0].imagee']),
    'strict decoding error: unknown field "spec.template.spec.containers[0].imagee"',
  );
});

test('field names match case-sensitively, as upstream decodes', () => {
  const d = deployment();
  d.spec.Replicas = 2;
  assert.deepEqual(checkStructure(DEPLOY, d, 'Strict').unknownFields, ['spec.Replicas']);
});

test('wrong JSON types produce Go UnmarshalTypeError text', () => {
  const d = deployment();
  d.spec.replicas = '3';
  d.spec.template.spec.containers[0].image = 5;
  d.spec.template.spec.containers[0].ports[0].containerPort = 80.5;
  d.metadata.labels.app = 1;
  d.spec.paused = 'yes';
  d.spec.template.spec.containers[0].env = { A: '1' };
  const r = checkStructure(DEPLOY, d, 'Strict');
  assert.deepEqual(r.unknownFields, []);
  assert.deepEqual(r.typeErrors, [
    { path: 'metadata.labels.app', message: 'json: cannot unmarshal number into Go struct field ObjectMeta.metadata.labels of type string' },
    { path: 'spec.replicas', message: 'json: cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas of type int32' },
    { path: 'spec.template.spec.containers[0].image', message: 'json: cannot unmarshal number into Go struct field Container.spec.template.spec.containers.image of type string' },
    {
      path: 'spec.template.spec.containers[0].ports[0].containerPort',
      message: 'json: cannot unmarshal number 80.5 into Go struct field ContainerPort.spec.template.spec.containers.ports.containerPort of type int32',
    },
    { path: 'spec.template.spec.containers[0].env', message: 'json: cannot unmarshal object into Go struct field Container.spec.template.spec.containers.env of type []v1.EnvVar' },
    { path: 'spec.paused', message: 'json: cannot unmarshal string into Go struct field DeploymentSpec.spec.paused of type bool' },
  ]);
});

test('int64 fields accept values beyond int32; int32 fields refuse them', () => {
  const d = deployment();
  d.spec.template.spec.terminationGracePeriodSeconds = 3_000_000_000;
  assert.deepEqual(checkStructure(DEPLOY, d, 'Strict').typeErrors, []);
  d.spec.replicas = 3_000_000_000;
  assert.equal(
    checkStructure(DEPLOY, d, 'Strict').typeErrors[0]!.message,
    'json: cannot unmarshal number 3000000000 into Go struct field DeploymentSpec.spec.replicas of type int32',
  );
});

test('IntOrString, Quantity and Time check their own JSON forms', () => {
  const d = deployment();
  d.spec.strategy.rollingUpdate.maxSurge = true;
  d.spec.template.spec.containers[0].resources.limits.cpu = 'lots';
  d.metadata.creationTimestamp = 5;
  const msgs = checkStructure(DEPLOY, d, 'Strict').typeErrors.map((e) => `${e.path}: ${e.message}`);
  assert.deepEqual(msgs, [
    'metadata.creationTimestamp: json: cannot unmarshal number into Go value of type string',
    'spec.strategy.rollingUpdate.maxSurge: json: cannot unmarshal bool into Go value of type int32',
    "spec.template.spec.containers[0].resources.limits.cpu: quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'",
  ]);
});

test('free-form fields accept anything and null is accepted everywhere', () => {
  const rev = { apiVersion: 'apps/v1', kind: 'ControllerRevision', metadata: { name: 'r', managedFields: [{ manager: 'k', fieldsType: 'FieldsV1', fieldsV1: { 'f:spec': { 'f:x': {} } } }] }, revision: 1, data: { spec: { anything: [1, 'two'] } } };
  assert.deepEqual(checkStructure({ group: 'apps', version: 'v1', kind: 'ControllerRevision' }, rev, 'Strict'), { unknownFields: [], typeErrors: [] });
  const d = deployment();
  d.spec.replicas = null;
  d.status = null;
  assert.deepEqual(checkStructure(DEPLOY, d, 'Strict'), { unknownFields: [], typeErrors: [] });
});

test('status is checked against its definition', () => {
  const d = deployment();
  d.status = { replicas: 1, conditions: [{ type: 'Available', status: 'True', extra: 1 }] };
  assert.deepEqual(checkStructure(DEPLOY, d, 'Strict').unknownFields, ['status.conditions[0].extra']);
});

test('knownKinds and definitionFor', () => {
  const kinds = knownKinds();
  assert.ok(kinds.some((k) => k.group === 'apps' && k.version === 'v1' && k.kind === 'Deployment'));
  assert.ok(kinds.some((k) => k.group === '' && k.version === 'v1' && k.kind === 'Pod'));
  assert.ok(kinds.some((k) => k.group === 'autoscaling' && k.version === 'v1' && k.kind === 'Scale'));
  assert.equal(definitionFor('apps', 'v1', 'Deployment')!.properties!.spec!.$ref, '#/components/schemas/io.k8s.api.apps.v1.DeploymentSpec');
  assert.equal(definitionFor('apps', 'v1', 'Nope'), undefined);
  assert.throws(() => checkStructure({ group: 'x', version: 'v1', kind: 'Y' }, {}, 'Strict'), /no schema/);
});
