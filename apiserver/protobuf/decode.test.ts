// Tests for the Kubernetes protobuf body decoder: hand-written wire bytes for each mapping rule, and
// bodies captured from stock kubectl v1.32.4 (`kubectl create ...` against a loopback recorder), whose
// expected JSON is what the same kubectl prints for `--dry-run=client -o json`. No network I/O.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BadRequestError } from '../../api/errors.js';
import { RESOURCES } from '../../api/resources.js';
import { decodeKubernetesProtobuf, PROTOBUF_CONTENT_TYPE } from './index.js';
import { formatGoDuration } from './decode.js';
import { MESSAGES } from './messages.js';
import { keptFields } from './presence.js';
import { messageForKind, type MessageTable } from './schema.js';

// --- a tiny protobuf writer -------------------------------------------------------------------

function varint(n: number | bigint): Buffer {
  let v = BigInt.asUintN(64, BigInt(n));
  const out: number[] = [];
  while (v >= 0x80n) {
    out.push(Number(v & 0x7fn) | 0x80);
    v >>= 7n;
  }
  out.push(Number(v));
  return Buffer.from(out);
}
const tag = (field: number, wireType: number): Buffer => varint((field << 3) | wireType);
/** A varint field (int32, int64, bool, enum). */
const int = (field: number, n: number | bigint | boolean): Buffer =>
  Buffer.concat([tag(field, 0), varint(typeof n === 'boolean' ? (n ? 1 : 0) : n)]);
/** A length-delimited field: string, bytes, or a nested message made of parts. */
const bytes = (field: number, data: Buffer): Buffer => Buffer.concat([tag(field, 2), varint(data.length), data]);
const str = (field: number, s: string): Buffer => bytes(field, Buffer.from(s, 'utf8'));
const msg = (field: number, ...parts: Buffer[]): Buffer => bytes(field, Buffer.concat(parts));
const entry = (field: number, key: string, value: Buffer): Buffer => msg(field, str(1, key), value);
const double = (field: number, d: number): Buffer => {
  const b = Buffer.alloc(8);
  b.writeDoubleLE(d);
  return Buffer.concat([tag(field, 1), b]);
};

const PREFIX = Buffer.from([0x6b, 0x38, 0x73, 0x00]);
function body(apiVersion: string, kind: string, ...raw: Buffer[]): Buffer {
  return Buffer.concat([PREFIX, msg(1, str(1, apiVersion), str(2, kind)), msg(2, ...raw)]);
}
/** ObjectMeta as Go writes it: every plain string field present even when empty. */
function objectMeta(field: number, name: string, ...extra: Buffer[]): Buffer {
  return msg(field, str(1, name), str(2, ''), str(3, ''), str(4, ''), str(5, ''), str(6, ''), int(7, 0), msg(8), ...extra);
}
const quantity = (field: number, s: string): Buffer => msg(field, str(1, s));

function badRequest(fn: () => unknown, message: RegExp | string): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof BadRequestError, `expected BadRequestError, got ${String(err)}`);
    assert.equal(err.code, 400);
    if (typeof message === 'string') assert.equal(err.message, message);
    else assert.match(err.message, message);
    return true;
  });
}

// --- hand-built bodies ------------------------------------------------------------------------

test('content type constant', () => {
  assert.equal(PROTOBUF_CONTENT_TYPE, 'application/vnd.kubernetes.protobuf');
});

test('Namespace: envelope gives kind/apiVersion; empty strings and unset times become JSON forms', () => {
  const ns = body(
    'v1',
    'Namespace',
    objectMeta(1, 'demo', entry(11, 'team', str(2, 'a')), entry(11, 'blank', str(2, '')), entry(12, '__proto__', str(2, 'p'))),
    msg(2),
  );
  const out = decodeKubernetesProtobuf(ns);
  assert.deepEqual(out, {
    kind: 'Namespace',
    apiVersion: 'v1',
    metadata: { name: 'demo', creationTimestamp: null, labels: { team: 'a', blank: '' }, annotations: JSON.parse('{"__proto__":"p"}') },
    spec: {},
  });
  const annotations = (out.metadata as { annotations: object }).annotations;
  assert.equal(Object.getPrototypeOf(annotations), Object.prototype);
  assert.deepEqual(Object.keys(annotations), ['__proto__']);
});

test('ConfigMap: string data and binaryData (base64), map entries with an absent value', () => {
  const cm = body(
    'v1',
    'ConfigMap',
    objectMeta(1, 'cm', str(3, 'default')),
    entry(2, 'a', str(2, 'b')),
    msg(2, str(1, 'novalue')),
    entry(3, 'bin', bytes(2, Buffer.from([0, 1, 0xfe, 0xff]))),
  );
  assert.deepEqual(decodeKubernetesProtobuf(cm), {
    kind: 'ConfigMap',
    apiVersion: 'v1',
    metadata: { name: 'cm', namespace: 'default', creationTimestamp: null },
    data: { a: 'b', novalue: '' },
    binaryData: { bin: 'AAH+/w==' },
  });
});

test('Secret: bytes map to base64, empty type dropped, immutable=false kept (a Go pointer)', () => {
  const s = body('v1', 'Secret', objectMeta(1, 's'), entry(2, 'password', bytes(2, Buffer.from('hunter2'))), str(3, ''), int(5, false));
  assert.deepEqual(decodeKubernetesProtobuf(s), {
    kind: 'Secret',
    apiVersion: 'v1',
    metadata: { name: 's', creationTimestamp: null },
    data: { password: Buffer.from('hunter2').toString('base64') },
    immutable: false,
  });
  const tls = body('v1', 'Secret', objectMeta(1, 't'), str(3, 'kubernetes.io/tls'));
  assert.equal((decodeKubernetesProtobuf(tls) as { type?: string }).type, 'kubernetes.io/tls');
});

test('Deployment: pod template, Quantity, IntOrString, inline structs, packed and unpacked scalars', () => {
  const container = msg(
    2,
    str(1, 'web'),
    str(2, 'nginx:1.27'),
    str(3, 'sleep'),
    str(3, '3600'),
    str(5, ''),
    msg(6, str(1, ''), int(2, 0), int(3, 80), str(4, 'TCP'), str(5, '')),
    msg(8, entry(1, 'cpu', quantity(2, '500m')), entry(2, 'memory', quantity(2, '64Mi'))),
    // livenessProbe: ProbeHandler is inline in JSON; httpGet.port is an IntOrString (string form).
    msg(10, msg(1, msg(2, str(1, '/healthz'), msg(2, int(1, 1), int(2, 0), str(3, 'http')))), int(2, 0), int(3, 1)),
    // envFrom[0].configMapRef: LocalObjectReference is inline.
    msg(19, msg(2, msg(1, str(1, 'settings')))),
    int(16, false),
  );
  const podSpec = msg(
    2,
    // volumes[0]: VolumeSource is inline, and so is the configMap's LocalObjectReference.
    msg(1, str(1, 'cfg'), msg(2, msg(19, msg(1, str(1, 'settings')), int(3, 0o644)))),
    container,
    str(3, 'Always'),
    int(4, 0),
    msg(14, int(2, 0), bytes(4, Buffer.concat([varint(1000), varint(2000)])), int(4, 3000)),
    int(25, -5),
  );
  const d = body(
    'apps/v1',
    'Deployment',
    objectMeta(1, 'web', entry(11, 'app', str(2, 'web'))),
    msg(2, int(1, 0), msg(2, entry(1, 'app', str(2, 'web'))), msg(3, objectMeta(1, ''), podSpec), msg(4), int(5, 0), int(7, false)),
    msg(3),
  );
  assert.deepEqual(decodeKubernetesProtobuf(d), {
    kind: 'Deployment',
    apiVersion: 'apps/v1',
    metadata: { name: 'web', creationTimestamp: null, labels: { app: 'web' } },
    spec: {
      replicas: 0,
      selector: { matchLabels: { app: 'web' } },
      template: {
        metadata: { creationTimestamp: null },
        spec: {
          volumes: [{ name: 'cfg', configMap: { name: 'settings', defaultMode: 0o644 } }],
          containers: [
            {
              name: 'web',
              image: 'nginx:1.27',
              command: ['sleep', '3600'],
              ports: [{ containerPort: 80, protocol: 'TCP' }],
              resources: { limits: { cpu: '500m' }, requests: { memory: '64Mi' } },
              livenessProbe: { httpGet: { path: '/healthz', port: 'http' }, timeoutSeconds: 1 },
              envFrom: [{ configMapRef: { name: 'settings' } }],
            },
          ],
          restartPolicy: 'Always',
          terminationGracePeriodSeconds: 0,
          securityContext: { runAsUser: 0, supplementalGroups: [1000, 2000, 3000] },
          priority: -5,
        },
      },
      strategy: {},
    },
    status: {},
  });
});

test('Service: IntOrString targetPort as number and as string; nodePort 0 left out', () => {
  const svc = body(
    'v1',
    'Service',
    objectMeta(1, 'svc'),
    msg(
      2,
      msg(1, str(1, 'a'), str(2, 'TCP'), int(3, 80), msg(4, int(1, 0), int(2, 8080), str(3, '')), int(5, 0)),
      msg(1, str(1, ''), str(2, 'UDP'), int(3, 53), msg(4, int(1, 1), int(2, 0), str(3, 'dns'))),
      str(4, 'NodePort'),
    ),
  );
  const out = decodeKubernetesProtobuf(svc) as { spec: unknown };
  assert.deepEqual(out.spec, {
    ports: [
      { name: 'a', protocol: 'TCP', port: 80, targetPort: 8080 },
      { protocol: 'UDP', port: 53, targetPort: 'dns' },
    ],
    type: 'NodePort',
  });
});

test('metav1.Time and MicroTime become RFC 3339 strings; unset times become null', () => {
  const t = (field: number, seconds: number, nanos = 0) => msg(field, int(1, seconds), int(2, nanos));
  const lease = body(
    'coordination.k8s.io/v1',
    'Lease',
    objectMeta(1, 'l'),
    msg(2, str(1, 'node-a'), int(2, 40), t(3, 1704164645, 123456789), t(4, 0), int(5, 0)),
  );
  assert.deepEqual((decodeKubernetesProtobuf(lease) as { spec: unknown }).spec, {
    holderIdentity: 'node-a',
    leaseDurationSeconds: 40,
    acquireTime: '2024-01-02T03:04:05.123456Z',
    renewTime: '1970-01-01T00:00:00.000000Z',
    leaseTransitions: 0,
  });
  const ns = body('v1', 'Namespace', msg(1, str(1, 'x'), t(8, 1704164645, 999_000_000), t(9, -62135596800)));
  assert.deepEqual((decodeKubernetesProtobuf(ns) as { metadata: unknown }).metadata, {
    name: 'x',
    creationTimestamp: '2024-01-02T03:04:05Z',
    deletionTimestamp: null,
  });
});

test('SelfSubjectAccessReview (kubectl auth can-i) decodes under authorization.k8s.io/v1', () => {
  const ssar = body(
    'authorization.k8s.io/v1',
    'SelfSubjectAccessReview',
    objectMeta(1, ''),
    msg(2, msg(1, str(1, 'default'), str(2, 'create'), str(3, ''), str(4, ''), str(5, 'pods'), str(6, ''), str(7, ''))),
    msg(3, int(1, false), int(4, false), str(2, ''), str(3, '')),
  );
  assert.deepEqual(decodeKubernetesProtobuf(ssar), {
    kind: 'SelfSubjectAccessReview',
    apiVersion: 'authorization.k8s.io/v1',
    metadata: { creationTimestamp: null },
    spec: { resourceAttributes: { namespace: 'default', verb: 'create', resource: 'pods' } },
    status: { allowed: false },
  });
});

test('RawExtension and FieldsV1 carry JSON; meta/v1 kinds resolve from any group version', () => {
  const cr = body(
    'apps/v1',
    'ControllerRevision',
    objectMeta(
      1,
      'rev',
      msg(17, str(1, 'kubectl'), str(2, 'Update'), str(3, 'apps/v1'), str(6, 'FieldsV1'), msg(7, str(1, '{"f:data":{}}'))),
    ),
    msg(2, str(1, '{"spec":{"replicas":2}}')),
    int(3, 7),
  );
  const out = decodeKubernetesProtobuf(cr) as Record<string, any>;
  assert.deepEqual(out.data, { spec: { replicas: 2 } });
  assert.equal(out.revision, 7);
  assert.deepEqual(out.metadata.managedFields, [
    { manager: 'kubectl', operation: 'Update', apiVersion: 'apps/v1', fieldsType: 'FieldsV1', fieldsV1: { 'f:data': {} } },
  ]);

  const del = body('v1', 'DeleteOptions', int(1, 0), str(4, 'Foreground'), str(5, 'All'));
  assert.deepEqual(decodeKubernetesProtobuf(del), {
    kind: 'DeleteOptions',
    apiVersion: 'v1',
    gracePeriodSeconds: 0,
    propagationPolicy: 'Foreground',
    dryRun: ['All'],
  });
});

test('scalar widths: negative int32, unsafe int64 as string, sint64, double; unknown fields skipped', () => {
  const table: MessageTable = {
    ...MESSAGES,
    'k8s.io.api.test.v1.Wide': {
      1: { name: 'big', type: 'int64', required: true },
      2: { name: 'zig', type: 'sint64' },
      3: { name: 'ratio', type: 'double' },
      4: { name: 'neg', type: 'int32' },
      5: { name: 'timeout', type: 'message:k8s.io.apimachinery.pkg.apis.meta.v1.Duration' },
    },
  };
  const wide = body(
    'test/v1',
    'Wide',
    int(1, 2n ** 60n),
    int(2, 5), // zigzag 5 -> -3
    double(3, 0.25),
    int(4, -7),
    msg(5, int(1, 5_400_000_000_000n)),
    str(99, 'ignored'),
    Buffer.concat([tag(98, 5), Buffer.alloc(4)]),
  );
  assert.deepEqual(decodeKubernetesProtobuf(wide, table), {
    kind: 'Wide',
    apiVersion: 'test/v1',
    big: '1152921504606846976',
    zig: -3,
    ratio: 0.25,
    neg: -7,
    timeout: '1h30m0s',
  });
});

test('Go duration strings', () => {
  assert.equal(formatGoDuration(0n), '0s');
  assert.equal(formatGoDuration(1500n), '1.5µs');
  assert.equal(formatGoDuration(2_500_000n), '2.5ms');
  assert.equal(formatGoDuration(1_500_000_000n), '1.5s');
  assert.equal(formatGoDuration(3_600_000_000_000n), '1h0m0s');
  assert.equal(formatGoDuration(-90_000_000_000n), '-1m30s');
  assert.equal(formatGoDuration(999n), '999ns');
});

// --- errors -----------------------------------------------------------------------------------

test('malformed bodies are 400 BadRequest with upstream wording', () => {
  badRequest(() => decodeKubernetesProtobuf(Buffer.alloc(0)), 'empty data');
  badRequest(
    () => decodeKubernetesProtobuf(Buffer.from('{"kind":"Namespace"}')),
    'provided data does not appear to be a protobuf message, expected prefix [107 56 115 0]',
  );
  badRequest(() => decodeKubernetesProtobuf(PREFIX), 'empty body');
  const ns = body('v1', 'Namespace', objectMeta(1, 'demo'));
  badRequest(() => decodeKubernetesProtobuf(ns.subarray(0, ns.length - 3)), 'unexpected EOF');
  badRequest(() => decodeKubernetesProtobuf(body('v1', 'Frobnicator')), 'no kind "Frobnicator" is registered for version "v1" in scheme "k8ts"');
  badRequest(() => decodeKubernetesProtobuf(body('v1', '')), /^Object 'Kind' is missing in/);
  badRequest(() => decodeKubernetesProtobuf(body('v1', 'Namespace', int(1, 5))), 'proto: wrong wireType = 0 for field metadata');
  badRequest(() => decodeKubernetesProtobuf(body('apps/v1', 'ControllerRevision', msg(2, str(1, '{not json')))), /JSON/);
});

// --- bodies captured from kubectl v1.32.4 -------------------------------------------------------

const CAPTURED: Array<[string, string, object]> = [
  [
    'kubectl create namespace demo',
    '6b3873000a0f0a02763112094e616d657370616365121c0a140a0464656d6f12001a0022002a0032003800420012001a020a001a002200',
    { kind: 'Namespace', apiVersion: 'v1', metadata: { name: 'demo', creationTimestamp: null }, spec: {}, status: {} },
  ],
  [
    'kubectl create configmap cm1 --from-literal=a=b --from-literal=empty= --from-file=bin=<4 binary bytes>',
    '6b3873000a0f0a0276311209436f6e6669674d617012350a130a03636d3112001a0022002a0032003800420012060a016112016212090a05656d70747912001a0b0a0362696e12040001feff1a002200',
    {
      kind: 'ConfigMap',
      apiVersion: 'v1',
      metadata: { name: 'cm1', creationTimestamp: null },
      data: { a: 'b', empty: '' },
      binaryData: { bin: 'AAH+/w==' },
    },
  ],
  [
    'kubectl create secret generic s1 --from-literal=password=hunter2',
    '6b3873000a0c0a0276311206536563726574122b0a120a02733112001a0022002a0032003800420012130a0870617373776f7264120768756e746572321a001a002200',
    { kind: 'Secret', apiVersion: 'v1', metadata: { name: 's1', creationTimestamp: null }, data: { password: 'aHVudGVyMg==' } },
  ],
  [
    'kubectl create deployment web --image=nginx:1.27 --port=80 --replicas=3',
    '6b3873000a150a07617070732f7631120a4465706c6f796d656e7412bd010a1f0a0377656212001a0022002a003200380042005a0a0a036170701203776562128b010803120c0a0a0a0361707012037765621a710a1c0a0012001a0022002a003200380042005a0a0a036170701203776562125112330a056e67696e78120a6e67696e783a312e32372a00320a0a001000185022002a0042006a007200800100880100900100a201001a00320042004a0052005800600068008201008a01009a0100c2010022020a00280038001a0c0800100018002000280038001a002200',
    {
      kind: 'Deployment',
      apiVersion: 'apps/v1',
      metadata: { name: 'web', creationTimestamp: null, labels: { app: 'web' } },
      spec: {
        replicas: 3,
        selector: { matchLabels: { app: 'web' } },
        template: {
          metadata: { creationTimestamp: null, labels: { app: 'web' } },
          spec: { containers: [{ name: 'nginx', image: 'nginx:1.27', ports: [{ containerPort: 80 }], resources: {} }] },
        },
        strategy: {},
      },
      status: {},
    },
  ],
  [
    'kubectl create service nodeport svc2 --tcp=80:8080',
    '6b3873000a0d0a027631120753657276696365126b0a210a047376633212001a0022002a003200380042005a0b0a0361707012047376633212420a1b0a0738302d38303830120354435018502207080010903f1a002800120b0a036170701204737663321a0022084e6f6465506f72743a00420052005a00600068001a020a001a002200',
    {
      kind: 'Service',
      apiVersion: 'v1',
      metadata: { name: 'svc2', creationTimestamp: null, labels: { app: 'svc2' } },
      spec: { ports: [{ name: '80-8080', protocol: 'TCP', port: 80, targetPort: 8080 }], selector: { app: 'svc2' }, type: 'NodePort' },
      status: { loadBalancer: {} },
    },
  ],
  [
    'kubectl auth can-i create pods',
    '6b3873000a320a17617574686f72697a6174696f6e2e6b38732e696f2f7631121753656c665375626a656374416363657373526576696577123f0a100a0012001a0022002a0032003800420012210a1f0a0764656661756c7412066372656174651a0022002a04706f647332003a001a08080012001a0020001a002200',
    {
      kind: 'SelfSubjectAccessReview',
      apiVersion: 'authorization.k8s.io/v1',
      metadata: { creationTimestamp: null },
      spec: { resourceAttributes: { namespace: 'default', verb: 'create', resource: 'pods' } },
      status: { allowed: false },
    },
  ],
  [
    'kubectl create poddisruptionbudget pdb1 --selector=app=x --min-available=50%',
    '6b3873000a200a09706f6c6963792f76311213506f6444697372757074696f6e427564676574123b0a140a047064623112001a0022002a0032003800420012170a09080110001a03353025120a0a080a036170701201781a0a080018002000280030001a002200',
    {
      kind: 'PodDisruptionBudget',
      apiVersion: 'policy/v1',
      metadata: { name: 'pdb1', creationTimestamp: null },
      spec: { minAvailable: '50%', selector: { matchLabels: { app: 'x' } } },
      status: { disruptionsAllowed: 0, currentHealthy: 0, desiredHealthy: 0, expectedPods: 0 },
    },
  ],
  [
    'kubectl create token sa1 --duration=1h --bound-object-kind=Pod --bound-object-name=p1 --bound-object-uid=123',
    '6b3873000a280a1861757468656e7469636174696f6e2e6b38732e696f2f7631120c546f6b656e5265717565737412310a100a0012001a0022002a0032003800420012171a120a03506f64120276311a027031220331323320901c1a040a0012001a002200',
    {
      kind: 'TokenRequest',
      apiVersion: 'authentication.k8s.io/v1',
      metadata: { creationTimestamp: null },
      spec: { boundObjectRef: { kind: 'Pod', apiVersion: 'v1', name: 'p1', uid: '123' }, expirationSeconds: 3600 },
      status: { token: '', expirationTimestamp: null },
    },
  ],
];

for (const [command, hex, expected] of CAPTURED) {
  test(`captured body: ${command}`, () => {
    assert.deepEqual(decodeKubernetesProtobuf(Buffer.from(hex, 'hex')), expected);
  });
}

// --- the generated table ----------------------------------------------------------------------

test('every served kind, subresource kind and review kind has a message', () => {
  for (const r of RESOURCES) {
    const apiVersion = r.group ? `${r.group}/${r.version}` : r.version;
    assert.ok(messageForKind(MESSAGES, apiVersion, r.kind), `${apiVersion} ${r.kind}`);
    for (const s of r.subresources) {
      const sub = s.group ? `${s.group}/${s.version}` : apiVersion;
      assert.ok(messageForKind(MESSAGES, sub, s.kind), `${sub} ${s.kind}`);
    }
  }
  for (const [v, k] of [
    ['authorization.k8s.io/v1', 'SubjectAccessReview'],
    ['authorization.k8s.io/v1', 'SelfSubjectRulesReview'],
    ['authentication.k8s.io/v1', 'TokenRequest'],
    ['policy/v1', 'Eviction'],
    ['v1', 'Status'],
  ]) {
    assert.ok(messageForKind(MESSAGES, v!, k!), `${v} ${k}`);
  }
});

test('every field that keeps its zero exists in the table as a singular scalar', () => {
  for (const [message, field] of keptFields()) {
    const spec = Object.values(MESSAGES[message] ?? {}).find((f) => f.name === field);
    assert.ok(spec, `${message}.${field}`);
    assert.ok(!spec.type.startsWith('message:') && !spec.repeated && !spec.map, `${message}.${field} is scalar`);
  }
});

test('every message a field refers to is in the table', () => {
  for (const [name, fields] of Object.entries(MESSAGES)) {
    for (const f of Object.values(fields)) {
      const t = f.map ? f.map.value : f.type;
      if (t.startsWith('message:')) assert.ok(MESSAGES[t.slice('message:'.length)], `${name}.${f.name} -> ${t}`);
    }
  }
});
