// Test helper: builds the malformed requests of the apiserver fuzz suite, by category, from a seeded
// PRNG (same seed, same requests). Pure: it sends nothing and must never depend on the clock.
import type { RawRequest } from './raw-https.js';
import type { Prng } from './prng.js';

export const FUZZ_NS = 'fuzz';

export interface FuzzCase extends RawRequest {
  /** Send without a client certificate (to exercise authentication failures). */
  anonymous?: boolean;
  /** The one status upstream answers, when the case pins it down. */
  expectStatus?: number;
}

const NS = FUZZ_NS;
const CM = `/api/v1/namespaces/${NS}/configmaps`;
const DEPLOY = `/apis/apps/v1/namespaces/${NS}/deployments`;
const NSS = '/api/v1/namespaces';

export const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'] as const;

export const PATHS = {
  root: ['/', '/api', '/apis', '/api/v1', '/apis/apps', '/apis/apps/v1', '/version', '/healthz', '/livez', '/readyz', '/openapi/v2', '/openapi/v3', '/openapi/v3/apis/apps/v1', '/metrics'],
  clusterCollection: [NSS, '/api/v1/nodes', '/api/v1/persistentvolumes'],
  clusterItem: [`${NSS}/${NS}-other`, `${NSS}/nope`, '/api/v1/nodes/n1'],
  allNamespaces: ['/api/v1/configmaps', '/apis/apps/v1/deployments', '/api/v1/pods', '/api/v1/secrets'],
  namespacedCollection: [CM, DEPLOY, `/api/v1/namespaces/${NS}/pods`, `/api/v1/namespaces/${NS}/services`, '/api/v1/namespaces/nope/configmaps'],
  namespacedItem: [`${CM}/cm1`, `${DEPLOY}/d1`, `${CM}/missing`, `/api/v1/namespaces/${NS}/pods/p1`, `/api/v1/namespaces/${NS}/secrets/s1`],
  subresource: [
    `${DEPLOY}/d1/scale`, `${DEPLOY}/d1/status`, `${DEPLOY}/missing/scale`, `/api/v1/namespaces/${NS}/pods/p1/log`,
    `/api/v1/namespaces/${NS}/pods/p1/binding`, `/api/v1/namespaces/${NS}/pods/p1/exec`, `/api/v1/namespaces/${NS}/pods/p1/status`,
    `${CM}/cm1/status`, `${NSS}/${NS}/finalize`, `${NSS}/${NS}/status`,
  ],
  unknown: [
    '/nope', '/api/v2', '/apis/nope', '/apis/nope/v1', '/apis/nope/v1/things', '/apis/apps/v9/deployments', '/api/v1/widgets',
    `/api/v1/namespaces/${NS}/widgets`, `${CM}/cm1/nope`, `${CM}/a/b/c/d`, '/api/v1/namespaces//configmaps', '/api//v1', '//',
    '/%', '/%zz', '/api/v1/namespaces/%2e%2e/configmaps', `${CM}/..%2Fx`, `${CM}/%E5%90%8D%E5%89%8D`, `${CM}/%00`,
    `/${'a'.repeat(5000)}`, `${CM}/${'x'.repeat(300)}`, `${DEPLOY}/d1/scale/extra`, '/apis/apps/v1/namespaces/fuzz/deployments/d1/log',
    '/api/v1/namespaces/fuzz/configmaps/cm1/../../secrets', '/api/v1/namespaces/fuzz/configmaps/cm1;x=y', '/api/v1/namespaces/fuzz/configmaps/cm1#frag',
  ],
} as const;

export const ALL_PATHS: string[] = Object.values(PATHS).flat();

const b64 = (s: string) => Buffer.from(s).toString('base64');

// ---- objects the bodies start from ----
const configMap = (name = 'fz') => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: NS }, data: { k: 'v' } });
const deployment = (name = 'fz') => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name, namespace: NS, labels: { app: name } },
  spec: {
    replicas: 1,
    selector: { matchLabels: { app: name } },
    template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'c', image: 'busybox:latest', ports: [{ containerPort: 80 }] }] } },
  },
});
const namespace = (name = 'fz') => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
const pod = (name = 'fz') => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: NS }, spec: { containers: [{ name: 'c', image: 'busybox:latest' }] } });
const service = (name = 'fz') => ({ apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: NS }, spec: { selector: { app: 'x' }, ports: [{ port: 80 }] } });
const secret = (name = 'fz') => ({ apiVersion: 'v1', kind: 'Secret', metadata: { name, namespace: NS }, data: { k: b64('v') } });

/** Where each kind is created, with a fresh valid body. */
const KINDS: Array<{ collection: string; make: (name?: string) => Record<string, any> }> = [
  { collection: CM, make: configMap },
  { collection: DEPLOY, make: deployment },
  { collection: NSS, make: namespace },
  { collection: `/api/v1/namespaces/${NS}/pods`, make: pod },
  { collection: `/api/v1/namespaces/${NS}/services`, make: service },
  { collection: `/api/v1/namespaces/${NS}/secrets`, make: secret },
];

const deepArray = (n: number) => '['.repeat(n) + ']'.repeat(n);
const deepObject = (n: number) => '{"a":'.repeat(n) + '1' + '}'.repeat(n);

export const BAD_JSON: string[] = [
  '{', '{"a":', '}', '[1,2', '"unterminated', 'nul', 'tru', 'NaN', 'undefined', '\u0000', '{"a":1}{"b":2}', "{'a':1}",
  '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"x"},}', '{"metadata":{"name":"x"}', '{"a":1e999999}',
  '{"a":"\\ud800"}', '{"a":"\\x"}', '\ufeff{}', '<xml/>', '---\n: :', '{"metadata":{"name":"a","name":"b"}}',
];

export const WRONG_TYPES: string[] = [
  'null', '[]', '{}', '0', '-1', '3.14', '"str"', 'true', '{"metadata":[]}', '{"metadata":null}', '{"metadata":"x"}',
  '{"metadata":{"name":5}}', '{"metadata":{"name":null}}', '{"metadata":{"labels":[]}}', '{"metadata":{"labels":{"a":1}}}',
  '{"metadata":{"annotations":{"a":{"b":1}}}}', '{"metadata":{"resourceVersion":7}}', '{"metadata":{"resourceVersion":"abc"}}',
  '{"metadata":{"creationTimestamp":"yesterday"}}', '{"metadata":{"finalizers":"x"}}', '{"metadata":{"ownerReferences":[{}]}}',
  '{"metadata":{"ownerReferences":[null]}}', '{"metadata":{"managedFields":[{"fieldsV1":"x"}]}}', '{"metadata":{"uid":[1]}}',
  '{"metadata":{"deletionTimestamp":"2020-01-01T00:00:00Z"}}', '{"metadata":{"generation":"one"}}',
  '{"spec":{"replicas":"x"}}', '{"spec":{"replicas":-1}}', '{"spec":{"replicas":1.5}}', '{"spec":{"replicas":1e40}}',
  '{"spec":[]}', '{"spec":null}', '{"spec":{"template":null}}', '{"spec":{"selector":{"matchLabels":"x"}}}',
  '{"spec":{"selector":{"matchExpressions":[{"key":"a","operator":"Bogus"}]}}}', '{"spec":{"template":{"spec":{"containers":"c"}}}}',
  '{"spec":{"template":{"spec":{"containers":[null]}}}}', '{"spec":{"template":{"spec":{"containers":[{"name":1}]}}}}',
  '{"spec":{"ports":[{"port":"http"}]}}', '{"spec":{"ports":[{"port":70000}]}}', '{"data":{"k":1}}', '{"data":"x"}',
  '{"data":{"":"v"}}', '{"binaryData":{"k":"not base64!"}}', '{"stringData":[1]}', '{"status":"x"}', '{"status":{"phase":7}}',
];

export const NESTED: string[] = [deepArray(1000), deepArray(10_001), deepArray(100_000), deepObject(1000), deepObject(10_001), deepObject(100_000)];

/** Bodies for the wrong-type / bad-JSON categories merged into a real object's envelope when they are objects. */
function onto(base: Record<string, any>, overlay: string): string {
  let value: unknown;
  try {
    value = JSON.parse(overlay);
  } catch {
    return overlay;
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return overlay;
  const merged: Record<string, any> = structuredClone(base);
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    if (v !== null && typeof v === 'object' && !Array.isArray(v) && merged[k] && typeof merged[k] === 'object' && !Array.isArray(merged[k])) {
      merged[k] = { ...merged[k], ...(v as object) };
    } else {
      merged[k] = v;
    }
  }
  return JSON.stringify(merged);
}

const json = { 'Content-Type': 'application/json', Accept: 'application/json' };

export const BAD_NAMES: string[] = [
  'BadName', 'Bad_Name', 'a'.repeat(300), 'a'.repeat(254), '../x', '..', '.', 'x/y', '名前', '', ' ', '-x', 'x-', 'x..y', 'a%2Fb',
  '\u0000', 'ＡＢＣ', 'x\ny', 'x y', 'ä', '🙂', 'a.', '.a', 'a'.repeat(64) + '.b',
];

export const BAD_QUERIES: string[] = [
  'limit=abc', 'limit=-1', 'limit=1e3', 'limit=99999999999999999999', 'labelSelector=a%20in%20(', 'labelSelector=!!', 'labelSelector=a%3D%3D%3Db',
  'labelSelector=' + 'a'.repeat(70) + '%3Db', 'fieldSelector=foo%3Dbar', 'fieldSelector=metadata.name', 'fieldSelector=%3D%3D%3D',
  'watch=1&resourceVersion=abc', 'watch=true&resourceVersion=-5', 'watch=maybe', 'watch=1&timeoutSeconds=abc', 'watch=1&resourceVersionMatch=Exact',
  'continue=garbage', 'continue=eyJ2IjoibWV0YS5rOHMuaW8vdjEiLCJydiI6LTF9', 'continue=%%%', 'limit=1&continue=x&resourceVersion=5',
  'resourceVersion=abc', 'resourceVersionMatch=Bogus', 'resourceVersion=0&resourceVersionMatch=Exact', 'timeoutSeconds=-1',
  'allowWatchBookmarks=yes', 'sendInitialEvents=true', 'pretty=maybe', 'includeObject=Everything', 'limit=1&limit=2',
  'labelSelector=a&labelSelector=(', '%zz=1', 'a=%zz', '=', '&&&', 'watch=1&fieldSelector=spec.nodeName%3D',
];

export const BAD_WRITE_QUERIES: string[] = [
  'dryRun=Maybe', 'dryRun=', 'fieldValidation=Loud', 'fieldManager=' + 'm'.repeat(200), 'fieldManager=%00', 'pretty=x',
  'dryRun=All&dryRun=Maybe', 'fieldValidation=strict', 'force=maybe',
];

export const BAD_DELETE_QUERIES: string[] = [
  'propagationPolicy=Sometimes', 'gracePeriodSeconds=abc', 'gracePeriodSeconds=-5', 'dryRun=Yes', 'orphanDependents=maybe',
  'gracePeriodSeconds=1.5', 'propagationPolicy=',
];

export const BAD_DELETE_BODIES: string[] = [
  '{"propagationPolicy":"Never"}', '{"gracePeriodSeconds":"x"}', '{"preconditions":{"uid":"not-it"}}', '{"preconditions":{"resourceVersion":"1"}}',
  '{"preconditions":"x"}', '{"dryRun":"All"}', '{"dryRun":["Nope"]}', '[]', '"x"', '{', '{"kind":"Pod"}', '{"orphanDependents":"x"}',
];

export const CONTENT_TYPES: string[] = [
  'text/plain', 'application/vnd.kubernetes.protobuf', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x',
  'application/json; charset=utf-16', 'application/cbor', '*/*', 'application/json, text/plain', ';;;', 'application/',
  'application/yaml', 'application/xml', 'APPLICATION/JSON', 'application/json-patch+json', 'application/apply-patch+yaml',
];

export const ACCEPTS: string[] = [
  'application/vnd.kubernetes.protobuf', 'text/html', 'application/json;as=Table;g=meta.k8s.io;v=v9', 'application/json;as=Bogus;g=meta.k8s.io;v=v1',
  'application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1', 'application/json;as=Table;v=v1', ';;;', 'application/json;q=abc',
  'application/json;g=apidiscovery.k8s.io;v=v9;as=APIGroupDiscoveryList', 'image/png, */*;q=0',
];

export const PATCH_TYPES: string[] = [
  'application/json-patch+json', 'application/merge-patch+json', 'application/strategic-merge-patch+json', 'application/apply-patch+yaml',
];

export const JUNK_PATCHES: string[] = [
  '{', '[]', '{}', 'null', '42', '"str"', '[{"op":"explode","path":"/a"}]', '[{"op":"replace","path":"/spec/replicas","value":"x"}]',
  '[{"op":"remove","path":"/metadata"}]', '[{"op":"add","path":"no-slash","value":1}]', '[{"op":"test","path":"/metadata/name","value":"no"}]',
  '[{"op":"move","from":"/nope","path":"/x"}]', '[{"op":"add","path":"/metadata/labels/a~2b","value":"x"}]', '[{}]', '[null]',
  '{"metadata":{"name":"other"}}', '{"metadata":{"namespace":"default"}}', '{"metadata":{"uid":"x"}}', '{"metadata":{"resourceVersion":"1"}}',
  '{"spec":{"replicas":"x"}}', '{"spec":{"replicas":-3}}', '{"$patch":"delete"}', '{"$patch":"replace","data":7}', '{"$retainKeys":[1]}',
  '{"$setElementOrder/containers":[1]}', '{"spec":{"template":{"spec":{"containers":"nope"}}}}',
  '{"spec":{"template":{"spec":{"containers":[{"$patch":"delete"}]}}}}', '{"spec":{"template":{"spec":{"containers":[{"name":"c","$patch":"bogus"}]}}}}',
  '{"kind":"Pod"}', '{"apiVersion":"v9"}', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm1\n  namespace: fuzz\ndata: [1',
  ': : :', 'a: &a [*a]', 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: other}', 'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d1}\nspec: {replicas: x}',
];

/** A YAML "billion laughs" body: every parser must refuse or bound it. */
export const YAML_BOMB = [
  'a: &a ["x","x","x","x","x","x","x","x","x"]',
  ...Array.from({ length: 8 }, (_, i) => `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [${Array(9).fill(`*${String.fromCharCode(97 + i)}`).join(',')}]`),
].join('\n');

// ---- the categories ----

export function authCases(): FuzzCase[] {
  return [
    { method: 'GET', path: NSS, anonymous: true, expectStatus: 401 },
    { method: 'POST', path: CM, anonymous: true, headers: json, body: JSON.stringify(configMap()), expectStatus: 401 },
    { method: 'DELETE', path: `${CM}/cm1`, anonymous: true, expectStatus: 401 },
    { method: 'GET', path: NSS, anonymous: true, headers: { Authorization: 'Bearer junk' }, expectStatus: 401 },
    { method: 'GET', path: NSS, anonymous: true, headers: { Authorization: 'Bearer ' } },
    { method: 'GET', path: NSS, anonymous: true, headers: { Authorization: 'Basic Zm9vOmJhcg==' } },
    { method: 'GET', path: NSS, anonymous: true, headers: { Authorization: 'x'.repeat(8000) } },
    { method: 'GET', path: '/apis/nope/v1/things', anonymous: true },
  ];
}

export function badJsonCases(prng: Prng): FuzzCase[] {
  const cases: FuzzCase[] = [];
  for (const body of [...BAD_JSON, prng.bytes(64).toString('latin1')]) {
    const kind = prng.pick(KINDS);
    cases.push({ method: 'POST', path: kind.collection, headers: json, body });
    cases.push({ method: 'PUT', path: prng.pick([`${CM}/cm1`, `${DEPLOY}/d1`, `${NSS}/${NS}`]), headers: json, body });
  }
  cases.push({ method: 'POST', path: CM, headers: json, body: prng.bytes(4096) });
  return cases;
}

export function wrongTypeCases(prng: Prng): FuzzCase[] {
  const cases: FuzzCase[] = [];
  for (const overlay of WRONG_TYPES) {
    const kind = prng.pick(KINDS);
    cases.push({ method: 'POST', path: kind.collection, headers: json, body: onto(kind.make(`wt-${cases.length}`), overlay) });
    const target = prng.pick([{ path: `${CM}/cm1`, base: configMap('cm1') }, { path: `${DEPLOY}/d1`, base: deployment('d1') }]);
    cases.push({ method: 'PUT', path: target.path, headers: json, body: onto(target.base, overlay) });
  }
  for (const nested of NESTED) {
    cases.push({ method: 'POST', path: CM, headers: json, body: nested });
    cases.push({ method: 'POST', path: CM, headers: json, body: `{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"deep","labels":${nested}}}` });
    cases.push({ method: 'POST', path: DEPLOY, headers: json, body: `{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"deep"},"spec":${nested}}` });
    cases.push({ method: 'PATCH', path: `${CM}/cm1`, headers: { ...json, 'Content-Type': prng.pick(PATCH_TYPES) }, body: nested });
  }
  return cases;
}

export function nameCases(prng: Prng): FuzzCase[] {
  const cases: FuzzCase[] = [];
  for (const name of BAD_NAMES) {
    const kind = prng.pick(KINDS);
    cases.push({ method: 'POST', path: kind.collection, headers: json, body: JSON.stringify(kind.make(name)) });
    const generated = kind.make('x');
    delete generated.metadata.name;
    generated.metadata.generateName = name;
    cases.push({ method: 'POST', path: kind.collection, headers: json, body: JSON.stringify(generated) });
    const inPath = encodeURIComponent(name) || '%20';
    cases.push({ method: prng.pick(['GET', 'DELETE', 'PUT', 'PATCH']), path: `${CM}/${inPath}`, headers: { ...json, 'Content-Type': 'application/merge-patch+json' }, body: JSON.stringify(configMap(name)) });
    cases.push({ method: 'GET', path: `/api/v1/namespaces/${inPath}/configmaps` });
  }
  // The name in the body differs from the one in the path, and namespaces that disagree.
  cases.push({ method: 'PUT', path: `${CM}/cm1`, headers: json, body: JSON.stringify(configMap('cm2')) });
  cases.push({ method: 'POST', path: CM, headers: json, body: JSON.stringify({ ...configMap('nsdiff'), metadata: { name: 'nsdiff', namespace: 'default' } }) });
  cases.push({ method: 'POST', path: NSS, headers: json, body: JSON.stringify({ ...namespace('x'), metadata: { name: 'x', namespace: NS } }) });
  return cases;
}

export function versionKindCases(): FuzzCase[] {
  const cases: FuzzCase[] = [];
  const versions = ['v2', 'apps/v1', '', 'extensions/v1beta1', 'apps/v1beta1', 'nope/v1', '/', 'v1/', 123, null, ['v1']];
  const kinds = ['Pod', '', 'Deployment', 'configmap', 'ConfigMapList', 'Status', 'List', 7, null, {}];
  for (const apiVersion of versions) cases.push({ method: 'POST', path: CM, headers: json, body: JSON.stringify({ ...configMap(`av-${cases.length}`), apiVersion }) });
  for (const kind of kinds) cases.push({ method: 'POST', path: CM, headers: json, body: JSON.stringify({ ...configMap(`kd-${cases.length}`), kind }) });
  for (const apiVersion of ['v1', 'extensions/v1beta1', 'apps/v1beta2', 'apps/v2']) {
    cases.push({ method: 'POST', path: DEPLOY, headers: json, body: JSON.stringify({ ...deployment(`dv-${cases.length}`), apiVersion }) });
    cases.push({ method: 'PUT', path: `${DEPLOY}/d1`, headers: json, body: JSON.stringify({ ...deployment('d1'), apiVersion }) });
  }
  const { apiVersion: _a, kind: _k, ...bare } = configMap('bare');
  cases.push({ method: 'POST', path: CM, headers: json, body: JSON.stringify(bare) });
  cases.push({ method: 'POST', path: CM, headers: json, body: JSON.stringify({ kind: 'List', apiVersion: 'v1', items: [configMap('in-list')] }) });
  cases.push({ method: 'PUT', path: `${DEPLOY}/d1/scale`, headers: json, body: '{"apiVersion":"autoscaling/v1","kind":"Scale","metadata":{"name":"d1"},"spec":{"replicas":"x"}}' });
  cases.push({ method: 'PUT', path: `${DEPLOY}/d1/scale`, headers: json, body: '{"apiVersion":"v1","kind":"Pod","metadata":{"name":"other"},"spec":{"replicas":-1}}' });
  return cases;
}

export function oversizedCases(): FuzzCase[] {
  const big = (bytes: number) => JSON.stringify({ ...configMap('big'), data: { k: 'x'.repeat(bytes) } });
  const fourMiB = big(4 * 1024 * 1024);
  return [
    { method: 'POST', path: CM, headers: json, body: fourMiB, expectStatus: 413 },
    { method: 'PUT', path: `${CM}/cm1`, headers: json, body: fourMiB, expectStatus: 413 },
    { method: 'PATCH', path: `${CM}/cm1`, headers: { ...json, 'Content-Type': 'application/merge-patch+json' }, body: fourMiB, expectStatus: 413 },
    { method: 'POST', path: CM, headers: json, body: big(3 * 1024 * 1024 + 1), expectStatus: 413 },
    // Under the request limit but over what a ConfigMap (1 MiB) or etcd (1.5 MiB) takes: a 4xx, never a 500.
    { method: 'POST', path: CM, headers: json, body: big(2 * 1024 * 1024) },
    { method: 'POST', path: CM, headers: json, body: JSON.stringify({ ...configMap('many'), data: Object.fromEntries(Array.from({ length: 20_000 }, (_, i) => [`k${i}`, 'v'])) }) },
    { method: 'POST', path: CM, headers: { ...json, 'Content-Type': 'application/yaml' }, body: YAML_BOMB },
    { method: 'PATCH', path: `${CM}/cm1?fieldManager=fuzz`, headers: { ...json, 'Content-Type': 'application/apply-patch+yaml' }, body: YAML_BOMB },
  ];
}

export function queryCases(): FuzzCase[] {
  const cases: FuzzCase[] = [];
  BAD_QUERIES.forEach((query, i) => {
    cases.push({ method: 'GET', path: `${i % 2 === 0 ? CM : '/apis/apps/v1/deployments'}?${query}` });
  });
  for (const query of BAD_WRITE_QUERIES) {
    cases.push({ method: 'POST', path: `${CM}?${query}`, headers: json, body: JSON.stringify(configMap(`q-${cases.length}`)) });
    cases.push({ method: 'PATCH', path: `${CM}/cm1?${query}`, headers: { ...json, 'Content-Type': 'application/merge-patch+json' }, body: '{"data":{"q":"1"}}' });
  }
  for (const query of BAD_DELETE_QUERIES) cases.push({ method: 'DELETE', path: `${CM}/victim?${query}` });
  for (const body of BAD_DELETE_BODIES) cases.push({ method: 'DELETE', path: `${CM}/victim`, headers: json, body });
  for (const body of BAD_DELETE_BODIES.slice(0, 4)) cases.push({ method: 'DELETE', path: `${CM}?labelSelector=nothing%3Dmatches`, headers: json, body });
  return cases;
}

export function contentTypeCases(): FuzzCase[] {
  const cases: FuzzCase[] = [];
  const body = JSON.stringify(configMap('ct'));
  for (const type of CONTENT_TYPES) {
    cases.push({ method: 'POST', path: CM, headers: { 'Content-Type': type }, body });
    cases.push({ method: 'PUT', path: `${CM}/cm1`, headers: { 'Content-Type': type }, body: JSON.stringify(configMap('cm1')) });
    cases.push({ method: 'PATCH', path: `${CM}/cm1`, headers: { 'Content-Type': type }, body: '{"data":{"ct":"1"}}' });
  }
  cases.push({ method: 'POST', path: CM, body });
  cases.push({ method: 'PATCH', path: `${CM}/cm1`, body: '{}' });
  cases.push({ method: 'POST', path: CM, headers: { 'Content-Type': 'application/json' } });
  cases.push({ method: 'POST', path: CM, headers: { 'Content-Type': 'application/json' }, body: '' });
  cases.push({ method: 'POST', path: CM, headers: { 'Content-Type': 'application/vnd.kubernetes.protobuf' }, body: Buffer.from([0x6b, 0x38, 0x73, 0x00, 0x0a, 0xff, 0xff]) });
  for (const accept of ACCEPTS) {
    cases.push({ method: 'GET', path: CM, headers: { Accept: accept } });
    cases.push({ method: 'GET', path: `${CM}/cm1`, headers: { Accept: accept } });
    cases.push({ method: 'GET', path: '/apis', headers: { Accept: accept } });
  }
  return cases;
}

/** Each patch type on each target with a sample of the junk (every junk patch is used per type). */
export function patchCases(prng: Prng): FuzzCase[] {
  const cases: FuzzCase[] = [];
  const targets = [`${CM}/cm1`, `${DEPLOY}/d1`, `${DEPLOY}/d1/scale`, `${DEPLOY}/d1/status`, `${CM}/missing`];
  for (const type of PATCH_TYPES) {
    const junk = prng.sample(JUNK_PATCHES, JUNK_PATCHES.length);
    for (const [t, target] of targets.entries()) {
      // Spread the junk over the targets so each type sees all of it once, plus a few repeats.
      const share = junk.filter((_, i) => i % targets.length === t || prng.chance(0.05));
      for (const patch of share) {
        const query = type === 'application/apply-patch+yaml' && cases.length % 3 !== 0 ? '?fieldManager=fuzz' : '';
        cases.push({ method: 'PATCH', path: `${target}${query}`, headers: { 'Content-Type': type, Accept: 'application/json' }, body: patch });
      }
    }
  }
  cases.push({ method: 'PATCH', path: `${CM}/cm1?fieldManager=fuzz&force=maybe`, headers: { 'Content-Type': 'application/apply-patch+yaml' }, body: 'data: {a: b}' });
  cases.push({ method: 'PATCH', path: `${CM}/cm1?force=true`, headers: { 'Content-Type': 'application/merge-patch+json' }, body: '{}' });
  return cases;
}

/** Every method on two paths of every kind, with a junk body where the method takes one. */
export function methodMatrixCases(prng: Prng): FuzzCase[] {
  const cases: FuzzCase[] = [];
  const bodies = [...WRONG_TYPES.slice(0, 12), ...BAD_JSON.slice(0, 6), JSON.stringify(configMap('mm'))];
  for (const paths of Object.values(PATHS) as ReadonlyArray<readonly string[]>) {
    for (const method of METHODS) {
      for (const path of prng.sample(paths, 2)) {
        const c: FuzzCase = { method, path };
        if (method === 'POST' || method === 'PUT' || method === 'PATCH') {
          c.headers = { 'Content-Type': method === 'PATCH' ? prng.pick(PATCH_TYPES) : 'application/json' };
          c.body = prng.pick(bodies);
        }
        cases.push(c);
      }
    }
  }
  return cases;
}

const RANDOM_QUERY_PARTS = [...BAD_QUERIES, ...BAD_WRITE_QUERIES, ...BAD_DELETE_QUERIES, 'limit=1', 'watch=false', 'timeoutSeconds=1', 'pretty=true', 'dryRun=All'];
const RANDOM_VALUES: unknown[] = [null, [], {}, '', 'x', -1, 0, 1.5, 1e300, true, 'x'.repeat(1000), '名前', '\u0000', [null], [{}], { a: [1] }, '2020-13-45T99:99:99Z'];
const RANDOM_FIELDS = [
  'apiVersion', 'kind', 'metadata', 'metadata.name', 'metadata.namespace', 'metadata.labels', 'metadata.labels.app', 'metadata.annotations',
  'metadata.resourceVersion', 'metadata.uid', 'metadata.generateName', 'metadata.finalizers', 'metadata.ownerReferences', 'metadata.managedFields',
  'metadata.creationTimestamp', 'metadata.deletionGracePeriodSeconds', 'spec', 'spec.replicas', 'spec.selector', 'spec.selector.matchLabels',
  'spec.template', 'spec.template.spec.containers', 'spec.template.spec.containers.0', 'spec.template.spec.containers.0.image',
  'spec.template.spec.containers.0.ports', 'spec.containers', 'spec.containers.0.name', 'spec.ports', 'spec.ports.0.port', 'spec.type',
  'spec.clusterIP', 'data', 'data.k', 'stringData', 'binaryData', 'status', 'status.replicas', 'type', 'immutable',
];

function setPath(obj: Record<string, any>, dotted: string, value: unknown): void {
  const keys = dotted.split('.');
  let cur: any = obj;
  keys.slice(0, -1).forEach((key, i) => {
    if (cur[key] === null || typeof cur[key] !== 'object') cur[key] = /^\d+$/.test(keys[i + 1]) ? [] : {};
    cur = cur[key];
  });
  cur[keys[keys.length - 1]] = value;
}

/** n requests drawn at random: a method, a path, bad query parameters, a mutated body. */
export function randomCases(prng: Prng, n: number): FuzzCase[] {
  const cases: FuzzCase[] = [];
  for (let i = 0; i < n; i++) {
    const method = prng.pick(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'POST', 'PUT', 'PATCH'] as const);
    const kind = prng.pick(KINDS);
    let path = prng.chance(0.7) ? kind.collection : prng.pick(ALL_PATHS);
    if ((method === 'PUT' || method === 'PATCH' || method === 'DELETE') && path === kind.collection && prng.chance(0.8)) path += `/${prng.pick(['cm1', 'd1', 'fz', 'missing'])}`;
    if (prng.chance(0.4)) path += `?${prng.sample(RANDOM_QUERY_PARTS, prng.int(1, 3)).join('&')}`;
    const c: FuzzCase = { method, path };
    if (method !== 'GET' && (method !== 'DELETE' || prng.chance(0.3))) {
      const obj = kind.make(prng.pick(['fz', 'cm1', 'd1', `r${i}`]));
      for (let m = prng.int(1, 3); m > 0; m--) setPath(obj, prng.pick(RANDOM_FIELDS), structuredClone(prng.pick(RANDOM_VALUES)));
      let body = JSON.stringify(obj);
      if (prng.chance(0.15)) body = body.slice(0, prng.int(0, body.length - 1));
      c.body = body;
      c.headers = { 'Content-Type': method === 'PATCH' ? prng.pick(PATCH_TYPES) : prng.pick(['application/json', 'application/json', 'application/yaml', 'text/plain']) };
    }
    cases.push(c);
  }
  return cases;
}
