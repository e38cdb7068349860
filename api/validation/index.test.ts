// Tests of validateCreate/validateUpdate: upstream's messages and paths for the common mistakes, and a
// fuzz pass that puts wrong-typed junk at every field of every kind and demands no throw.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyDefaults } from '../defaults/index.js';
import { RESOURCES, apiVersionOf } from '../resources.js';
import { validateCreate, validateUpdate } from './index.js';

/** Errors as upstream prints them: `path: message`. */
function create(o: any): string[] {
  applyDefaults(o);
  return validateCreate(o).map((e) => e.toString());
}

function update(n: any, o: any): string[] {
  applyDefaults(n);
  applyDefaults(o);
  return validateUpdate(n, o).map((e) => e.toString());
}

function deployment(): any {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'default' },
    spec: {
      selector: { matchLabels: { app: 'web' } },
      template: {
        metadata: { labels: { app: 'web' } },
        spec: { containers: [{ name: 'nginx', image: 'nginx:1.25', ports: [{ containerPort: 80 }] }] },
      },
    },
  };
}

function pod(): any {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'p', namespace: 'default' },
    spec: { containers: [{ name: 'app', image: 'busybox', command: ['sleep', '3600'] }] },
  };
}

test('valid objects have no errors', () => {
  assert.deepEqual(create(deployment()), []);
  assert.deepEqual(create(pod()), []);
  assert.deepEqual(create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team-a' } }), []);
  assert.deepEqual(create({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'default' }, spec: { selector: { app: 'web' }, ports: [{ port: 80 }] } }), []);
});

test('missing name', () => {
  const d = deployment();
  delete d.metadata.name;
  assert.deepEqual(create(d), ['metadata.name: Required value: name or generateName is required']);
  d.metadata.generateName = 'web-';
  assert.deepEqual(validateCreate(d), []);
});

test('bad name Foo_bar', () => {
  const d = deployment();
  d.metadata.name = 'Foo_bar';
  const errs = create(d);
  assert.equal(errs.length, 1);
  assert.match(errs[0]!, /^metadata\.name: Invalid value: "Foo_bar": a lowercase RFC 1123 subdomain must consist of/);
  const svc = { apiVersion: 'v1', kind: 'Service', metadata: { name: '1web', namespace: 'default' }, spec: { ports: [{ port: 80 }] } };
  assert.match(create(svc)[0]!, /^metadata\.name: Invalid value: "1web": a DNS-1035 label must consist/);
});

test('namespace required for namespaced kinds, forbidden for cluster-scoped', () => {
  const d = deployment();
  delete d.metadata.namespace;
  assert.deepEqual(create(d), ['metadata.namespace: Required value']);
  assert.deepEqual(create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'x', namespace: 'y' } }), ['metadata.namespace: Forbidden: not allowed on this type']);
});

test('selector not matching template labels', () => {
  const d = deployment();
  d.spec.template.metadata.labels = { app: 'other' };
  assert.deepEqual(create(d), ['spec.template.metadata.labels: Invalid value: {"app":"other"}: `selector` does not match template `labels`']);
  const empty = deployment();
  empty.spec.selector = {};
  assert.deepEqual(create(empty), ['spec.selector: Invalid value: {}: empty selector is invalid for deployment']);
  const none = deployment();
  delete none.spec.selector;
  assert.deepEqual(create(none), ['spec.selector: Required value']);
});

test('negative replicas, bad strategy values', () => {
  const d = deployment();
  d.spec.replicas = -1;
  d.spec.revisionHistoryLimit = -2;
  assert.deepEqual(create(d), [
    'spec.replicas: Invalid value: -1: must be greater than or equal to 0',
    'spec.revisionHistoryLimit: Invalid value: -2: must be greater than or equal to 0',
  ]);
  const z = deployment();
  z.spec.strategy = { type: 'RollingUpdate', rollingUpdate: { maxSurge: 0, maxUnavailable: 0 } };
  assert.deepEqual(create(z), ['spec.strategy.rollingUpdate.maxUnavailable: Invalid value: 0: may not be 0 when `maxSurge` is 0']);
  const bad = deployment();
  bad.spec.strategy = { type: 'BlueGreen' };
  assert.deepEqual(create(bad), ['spec.strategy.type: Unsupported value: "BlueGreen": supported values: "Recreate", "RollingUpdate"']);
});

test('duplicate container names, missing image, port 70000', () => {
  const p = pod();
  p.spec.containers.push({ name: 'app', image: '', ports: [{ containerPort: 70000 }] });
  assert.deepEqual(create(p), [
    'spec.containers[1].name: Duplicate value: "app"',
    'spec.containers[1].image: Required value',
    'spec.containers[1].ports[0].containerPort: Invalid value: 70000: must be between 1 and 65535, inclusive',
  ]);
  const none = pod();
  none.spec.containers = [];
  assert.deepEqual(create(none), ['spec.containers: Required value']);
});

test('pod enums, volume mounts and env', () => {
  const p = pod();
  p.spec.restartPolicy = 'Sometimes';
  p.spec.containers[0].volumeMounts = [{ name: 'data', mountPath: '/data' }];
  p.spec.containers[0].env = [{ name: '1BAD' }];
  p.spec.volumes = [{ name: 'cfg', emptyDir: {} }, { name: 'cfg', emptyDir: {} }];
  assert.deepEqual(create(p), [
    'spec.volumes[1].name: Duplicate value: "cfg"',
    "spec.containers[0].env[0].name: Invalid value: \"1BAD\": a valid environment variable name must consist of alphabetic characters, digits, '_', '-', or '.', and must not start with a digit (e.g. 'my.env-name',  or 'MY_ENV.NAME',  or 'MyEnvName1', regex used for validation is '[-._a-zA-Z][-._a-zA-Z0-9]*')",
    // errors.ts prints NotFound without its value; upstream prints `Not found: "data"`.
    'spec.containers[0].volumeMounts[0].name: Not found',
    'spec.restartPolicy: Unsupported value: "Sometimes": supported values: "Always", "OnFailure", "Never"',
  ]);
  const nf = validateCreate(p).find((e) => e.type === 'FieldValueNotFound');
  assert.equal(nf?.badValue, 'data');
});

test('resources: bad quantity and requests above limits', () => {
  const p = pod();
  p.spec.containers[0].resources = { limits: { cpu: 'lots', memory: '64Mi' }, requests: { memory: '128Mi' } };
  // Not defaulted: defaulting would copy the bad cpu limit into requests too.
  const errs = validateCreate(p).map(String);
  assert.deepEqual(errs, [
    "spec.containers[0].resources.limits[cpu]: Invalid value: \"lots\": quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'",
    'spec.containers[0].resources.requests[memory]: Invalid value: "128Mi": must be less than or equal to memory limit of 64Mi',
  ]);
});

test('changing a Deployment selector is rejected', () => {
  const old = deployment();
  const n = deployment();
  n.spec.selector = { matchLabels: { app: 'web', tier: 'front' } };
  n.spec.template.metadata.labels = { app: 'web', tier: 'front' };
  assert.deepEqual(update(n, old), ['spec.selector: Invalid value: {"matchLabels":{"app":"web","tier":"front"}}: field is immutable']);
  const scaled = deployment();
  scaled.spec.replicas = 5;
  assert.deepEqual(update(scaled, deployment()), []);
});

test("changing a Pod's container command is forbidden, its image is allowed", () => {
  const old = pod();
  const n = pod();
  n.spec.containers[0].command = ['sleep', '10'];
  n.spec.containers[0].image = 'busybox:1.36';
  const errs = update(n, old);
  assert.equal(errs.length, 1);
  assert.ok(
    errs[0]!.startsWith(
      'spec: Forbidden: pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)',
    ),
  );
  assert.match(errs[0]!, /spec\.containers\[0\]\.command\[1\]/);
  const before = pod();
  before.spec.containers[0].image = 'busybox:1.35';
  const img = pod();
  img.spec.containers[0].image = 'busybox:1.36';
  img.spec.tolerations = [{ key: 'k', operator: 'Exists', effect: 'NoSchedule' }];
  img.spec.activeDeadlineSeconds = 60;
  assert.deepEqual(update(img, before), []);
  const removed = structuredClone(img);
  removed.spec.tolerations = [];
  assert.deepEqual(update(removed, structuredClone(img)).map((e) => e.split('\n')[0]), [
    'spec.tolerations: Forbidden: existing toleration can not be modified except its tolerationSeconds',
  ]);
});

test('metadata name is immutable on update; resourceVersion may be absent', () => {
  const old = pod();
  old.metadata.resourceVersion = '5';
  old.metadata.uid = 'u1';
  const n = pod();
  n.metadata.name = 'q';
  assert.deepEqual(update(n, old), ['metadata.name: Invalid value: "q": field is immutable']);
});

test('Service: ports, nodePort range, clusterIP immutable', () => {
  const svc = (spec: any): any => ({ apiVersion: 'v1', kind: 'Service', metadata: { name: 's', namespace: 'default' }, spec });
  assert.deepEqual(create(svc({})), ['spec.ports: Required value']);
  assert.deepEqual(create(svc({ clusterIP: 'None' })), []);
  assert.deepEqual(create(svc({ ports: [{ port: 80 }, { port: 81 }] })), ['spec.ports[0].name: Required value', 'spec.ports[1].name: Required value']);
  assert.deepEqual(create(svc({ type: 'NodePort', ports: [{ port: 80, nodePort: 80 }] })), [
    'spec.ports[0].nodePort: Invalid value: 80: provided port is not in the valid range. The range of valid ports is 30000-32767',
  ]);
  assert.deepEqual(create(svc({ type: 'Magic', ports: [{ port: 0 }] })), [
    'spec.type: Unsupported value: "Magic": supported values: "ClusterIP", "NodePort", "LoadBalancer", "ExternalName"',
    'spec.ports[0].port: Invalid value: 0: must be between 1 and 65535, inclusive',
  ]);
  const old = svc({ clusterIP: '10.96.0.10', ports: [{ port: 80 }] });
  const n = svc({ clusterIP: '10.96.0.11', ports: [{ port: 80 }] });
  assert.deepEqual(update(n, old), ['spec.clusterIP: Invalid value: "10.96.0.11": field is immutable']);
  const toExt = svc({ type: 'ExternalName', externalName: 'db.example.com' });
  assert.deepEqual(update(toExt, old), []);
});

test('ConfigMap and Secret keys, duplicates, size, immutability', () => {
  const cm = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'default' }, data: { 'a b': 'x', k: 'v' }, binaryData: { k: 'eA==' } };
  const errs = create(cm);
  assert.equal(errs.length, 2);
  assert.match(errs[0]!, /^data\[a b\]: Invalid value: "a b": a valid config key must consist of alphanumeric characters/);
  assert.equal(errs[1], 'binaryData[k]: Invalid value: "k": duplicate of key present in data');
  const big = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'default' }, data: { k: 'x'.repeat(1024 * 1024 + 1) } };
  assert.deepEqual(create(big), [': Too long: may not be more than 1048576 bytes']);
  const sec = (data: any, immutable?: boolean): any => ({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 's', namespace: 'default' }, data, immutable });
  assert.deepEqual(update(sec({ a: 'Yg==' }, true), sec({ a: 'YQ==' }, true)), ['data: Forbidden: field is immutable when `immutable` is set']);
  assert.deepEqual(update(sec({ a: 'Yg==' }), sec({ a: 'YQ==' })), []);
  const tls = { apiVersion: 'v1', kind: 'Secret', type: 'kubernetes.io/tls', metadata: { name: 't', namespace: 'default' }, data: {} };
  assert.deepEqual(create(tls), ['data[tls.crt]: Required value', 'data[tls.key]: Required value']);
});

test('Job restartPolicy, CronJob schedule, StatefulSet spec updates', () => {
  const job: any = { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'j', namespace: 'default' }, spec: { template: { spec: { containers: [{ name: 'a', image: 'a' }] } } } };
  assert.deepEqual(create(job), ['spec.template.spec.restartPolicy: Unsupported value: "Always": supported values: "OnFailure", "Never"']);
  const cj: any = { apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: 'c', namespace: 'default' }, spec: { schedule: '', jobTemplate: { spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'a', image: 'a' }] } } } } } };
  assert.deepEqual(create(cj), ['spec.schedule: Required value']);
  cj.spec.schedule = '*/5 * * *';
  assert.deepEqual(validateCreate(cj).map(String), ['spec.schedule: Invalid value: "*/5 * * *": expected exactly 5 fields, found 4: [*/5 * * *]']);
  cj.spec.schedule = '*/5 * * * *';
  assert.deepEqual(validateCreate(cj), []);
  const sts = (serviceName: string, replicas: number): any => ({
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name: 'db', namespace: 'default' },
    spec: { serviceName, replicas, selector: { matchLabels: { app: 'db' } }, template: { metadata: { labels: { app: 'db' } }, spec: { containers: [{ name: 'db', image: 'db' }] } } },
  });
  assert.deepEqual(update(sts('db', 3), sts('db', 1)), []);
  const errs = update(sts('other', 1), sts('db', 1));
  assert.equal(errs.length, 1);
  assert.match(errs[0]!, /^spec: Forbidden: updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden/);
});

test('RBAC, PriorityClass, EndpointSlice, Event, Ingress', () => {
  const role = { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name: 'r', namespace: 'default' }, rules: [{ apiGroups: [''], resources: ['pods'], verbs: [] }] };
  assert.deepEqual(create(role), ['rules[0].verbs: Required value: verbs must contain at least one value']);
  const rb = (name: string): any => ({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: { name: 'b', namespace: 'default' }, roleRef: { kind: 'Role', name }, subjects: [{ kind: 'User', name: 'alice' }] });
  assert.deepEqual(create(rb('r')), []);
  assert.equal(update(rb('r2'), rb('r'))[0], 'roleRef: Invalid value: {"kind":"Role","name":"r2","apiGroup":"rbac.authorization.k8s.io"}: cannot change roleRef');
  const pc = { apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name: 'high' }, value: 2_000_000_000 };
  assert.deepEqual(create(pc), ['value: Forbidden: maximum allowed value of a user defined priority is 1000000000']);
  const es = { apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice', metadata: { name: 'e', namespace: 'default' }, addressType: 'IPv5', endpoints: [] };
  assert.deepEqual(create(es), ['addressType: Unsupported value: "IPv5": supported values: "IPv4", "IPv6", "FQDN"']);
  const ev = { apiVersion: 'v1', kind: 'Event', metadata: { name: 'e.1', namespace: 'default' }, involvedObject: { kind: 'Pod', name: 'p', namespace: 'other' } };
  assert.deepEqual(create(ev), ['involvedObject.namespace: Invalid value: "other": does not match event.namespace']);
  const ing = { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: { name: 'i', namespace: 'default' }, spec: { rules: [{ host: 'a.example.com', http: { paths: [{ path: 'x', backend: { service: { name: 'web', port: { number: 80 } } } }] } }] } };
  assert.deepEqual(create(ing), ['spec.rules[0].http.paths[0].pathType: Required value: pathType must be specified']);
});

/** Wrong-typed values to put anywhere. */
const JUNK: unknown[] = [null, -1, 1.5, 'x', true, [1, 'a', null], { a: 1 }, [{ name: 5 }]];

function* mutations(o: any, path: string[] = []): Generator<string[]> {
  if (o === null || typeof o !== 'object') return;
  for (const k of Object.keys(o)) {
    yield [...path, k];
    yield* mutations(o[k], [...path, k]);
  }
}

function setAt(o: any, path: string[], v: unknown): void {
  let cur = o;
  for (const k of path.slice(0, -1)) cur = cur[k];
  cur[path[path.length - 1]!] = v;
}

function sampleOf(kind: string, apiVersion: string): any {
  const meta = { name: 'x', namespace: 'default', labels: { a: 'b' }, ownerReferences: [{ apiVersion: 'v1', kind: 'K', name: 'n', uid: 'u' }], finalizers: ['a/b'] };
  const podSpec = { containers: [{ name: 'c', image: 'i', ports: [{ containerPort: 80 }], env: [{ name: 'A', valueFrom: { fieldRef: { fieldPath: 'x' } } }], resources: { limits: { cpu: '1' } }, volumeMounts: [{ name: 'v', mountPath: '/v' }], livenessProbe: { httpGet: { port: 80 } } }], volumes: [{ name: 'v', configMap: { name: 'c' } }], tolerations: [{ key: 'k', operator: 'Exists' }] };
  const template = { metadata: { labels: { app: 'x' } }, spec: podSpec };
  const selector = { matchLabels: { app: 'x' }, matchExpressions: [{ key: 'k', operator: 'In', values: ['v'] }] };
  return {
    apiVersion,
    kind,
    metadata: meta,
    spec: {
      ...podSpec,
      selector,
      template,
      replicas: 1,
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: '25%' } },
      updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, partition: 0 } },
      ports: [{ port: 80, targetPort: 'http', nodePort: 30001 }],
      schedule: '* * * * *',
      jobTemplate: { spec: { template } },
      rules: [{ host: 'a', http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 's', port: { number: 1 } } } }] } }],
      taints: [{ key: 'k', effect: 'NoSchedule' }],
      accessModes: ['ReadWriteOnce'],
      resources: { requests: { storage: '1Gi' } },
      capacity: { storage: '1Gi' },
      limits: [{ type: 'Container', max: { cpu: '1' } }],
      hard: { pods: '1' },
      finalizers: ['kubernetes'],
      leaseDurationSeconds: 5,
      controller: 'a/b',
    },
    data: { k: 'v' },
    binaryData: { j: 'eA==' },
    rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['get'] }],
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'r' },
    subjects: [{ kind: 'ServiceAccount', name: 's', namespace: 'n' }],
    involvedObject: { namespace: 'default' },
    subsets: [{ addresses: [{ ip: '1.2.3.4' }], ports: [{ port: 80 }] }],
    addressType: 'IPv4',
    endpoints: [{ addresses: ['1.2.3.4'] }],
    value: 1,
    provisioner: 'a/b',
    template: { spec: podSpec },
  };
}

test('fuzz: wrong-typed junk anywhere in every kind never throws', () => {
  let runs = 0;
  for (const res of RESOURCES) {
    const base = sampleOf(res.kind, apiVersionOf(res));
    const paths = [...mutations(base)];
    for (const path of paths) {
      for (const junk of JUNK) {
        const o = structuredClone(base);
        setAt(o, path, structuredClone(junk));
        const old = sampleOf(res.kind, apiVersionOf(res));
        const where = `${res.kind} ${path.join('.')} = ${JSON.stringify(junk)}`;
        assert.doesNotThrow(() => applyDefaults(o), where);
        let errs = validateCreate(o);
        assert.ok(errs.every((e) => e.type !== 'InternalError'), `${where}: ${errs.map(String).join('; ')}`);
        errs = validateUpdate(o, old);
        assert.ok(errs.every((e) => e.type !== 'InternalError'), `${where} (update): ${errs.map(String).join('; ')}`);
        errs = validateUpdate(old, o);
        assert.ok(errs.every((e) => e.type !== 'InternalError'), `${where} (update from junk): ${errs.map(String).join('; ')}`);
        runs++;
      }
    }
    for (const whole of JUNK) {
      assert.doesNotThrow(() => validateCreate(whole));
      assert.doesNotThrow(() => validateUpdate(whole, whole));
      assert.doesNotThrow(() => validateCreate({ apiVersion: apiVersionOf(res), kind: res.kind, metadata: whole, spec: whole }));
    }
  }
  assert.ok(runs > 1000);
});
