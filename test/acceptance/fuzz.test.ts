// Acceptance: a bounded, seeded fuzz of the apiserver's HTTPS API with malformed requests. Asserts no
// 5xx, that every error is a metav1.Status whose code is the HTTP status, and that the server still
// answers /readyz. Owns only its test cluster; never sends anything beyond loopback.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, describe, test } from 'node:test';
import { startTestCluster } from '../support/cluster.js';
import {
  authCases, badJsonCases, contentTypeCases, FUZZ_NS, methodMatrixCases, nameCases, oversizedCases, patchCases,
  queryCases, randomCases, versionKindCases, wrongTypeCases, type FuzzCase,
} from './fuzz-cases.js';
import { Prng, seedFromEnv } from './prng.js';
import { send, type Credentials, type RawResponse } from './raw-https.js';

const DEFAULT_SEED = 0x6b387473; // "k8ts"
const REQUEST_TIMEOUT_MS = 10_000;
/** The whole fuzz run stops sending after this long, so a hanging server cannot stall the suite. */
const BUDGET_MS = 90_000;
const RANDOM_CASES = 100;

/** What is wrong with one response, or undefined when it is acceptable. */
function problemWith(c: FuzzCase, res: RawResponse): string | undefined {
  if (res.status >= 500) return `status ${res.status} (a server error)`;
  if (c.expectStatus !== undefined && res.status !== c.expectStatus) return `status ${res.status}, want ${c.expectStatus}`;
  if (res.status < 400 || c.method === 'HEAD') return undefined;
  const type = String(res.headers['content-type'] ?? '');
  if (!/^application\/json\b/.test(type)) return `error response with Content-Type ${JSON.stringify(type)}, want application/json`;
  let status: any;
  try {
    status = JSON.parse(res.body);
  } catch {
    return 'error body is not JSON';
  }
  if (status === null || typeof status !== 'object') return 'error body is not a JSON object';
  if (status.kind !== 'Status') return `error body has kind ${JSON.stringify(status.kind)}, want "Status"`;
  if (status.apiVersion !== 'v1') return `Status has apiVersion ${JSON.stringify(status.apiVersion)}, want "v1"`;
  if (status.status !== 'Failure') return `Status has status ${JSON.stringify(status.status)}, want "Failure"`;
  if (typeof status.reason !== 'string' || status.reason === '') return 'Status has no reason';
  if (status.code !== res.status) return `Status has code ${JSON.stringify(status.code)} but the HTTP status is ${res.status}`;
  return undefined;
}

const excerpt = (s: string | Buffer | undefined, n = 160) => {
  if (s === undefined) return '';
  const text = Buffer.isBuffer(s) ? `<${s.length} bytes>` : s;
  return text.length > n ? `${JSON.stringify(text.slice(0, n))}... (${text.length} chars)` : JSON.stringify(text);
};

describe('apiserver fuzz: malformed requests get 4xx Status answers', () => {
  let cluster: Awaited<ReturnType<typeof startTestCluster>> | undefined;
  let admin: Credentials;
  let anonymous: Credentials;
  const seed = seedFromEnv(DEFAULT_SEED);
  const prng = new Prng(seed);
  let started = 0;
  let sent = 0;

  before(async () => {
    console.log(`# fuzz seed ${seed} (0x${seed.toString(16)}); replay with K8TS_FUZZ_SEED=${seed}`);
    cluster = await startTestCluster();
    const [ca, cert, key] = await Promise.all([readFile(cluster.caFile), readFile(cluster.adminCertFile), readFile(cluster.adminKeyFile)]);
    admin = { server: cluster.server, ca, cert, key };
    anonymous = { server: cluster.server, ca };
    started = Date.now();
  });

  after(async () => {
    await cluster?.stop();
  });

  /** Sends every case in order; asserts once at the end with every problem found. */
  async function run(cases: FuzzCase[]): Promise<void> {
    const problems: string[] = [];
    for (const c of cases) {
      const what = `${c.method} ${excerpt(c.path, 120)}${c.headers?.['Content-Type'] ? ` [${c.headers['Content-Type']}]` : ''}` +
        `${c.anonymous ? ' (anonymous)' : ''}${c.body !== undefined ? ` body ${excerpt(c.body)}` : ''}`;
      if (Date.now() - started > BUDGET_MS) {
        problems.push(`fuzz budget of ${BUDGET_MS / 1000} s exhausted before ${what}`);
        break;
      }
      sent++;
      try {
        const res = await send(c.anonymous ? anonymous : admin, c, REQUEST_TIMEOUT_MS);
        const problem = problemWith(c, res);
        if (problem) problems.push(`${what}\n    -> ${problem}; body ${excerpt(res.body, 300)}`);
      } catch (err) {
        problems.push(`${what}\n    -> no answer: ${(err as Error).message}`);
      }
    }
    assert.equal(problems.length, 0, `${problems.length} of ${cases.length} requests misbehaved (seed ${seed}):\n${problems.slice(0, 40).join('\n')}`);
  }

  test('setup: the objects the fuzz aims at exist', async () => {
    const json = { 'Content-Type': 'application/json', Accept: 'application/json' };
    const creates: Array<[string, unknown]> = [
      ['/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: FUZZ_NS } }],
      [`/api/v1/namespaces/${FUZZ_NS}/configmaps`, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm1' }, data: { a: '1' } }],
      [`/apis/apps/v1/namespaces/${FUZZ_NS}/deployments`, {
        apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd1' },
        spec: { replicas: 1, selector: { matchLabels: { app: 'd1' } }, template: { metadata: { labels: { app: 'd1' } }, spec: { containers: [{ name: 'c', image: 'busybox:latest' }] } } },
      }],
    ];
    for (const [path, body] of creates) {
      const res = await send(admin, { method: 'POST', path, headers: json, body: JSON.stringify(body) }, REQUEST_TIMEOUT_MS);
      assert.equal(res.status, 201, `POST ${path}: ${res.status} ${res.body}`);
    }
  });

  test('without credentials or with bad ones: 401 Status', () => run(authCases()));
  test('malformed JSON bodies', () => run(badJsonCases(prng)));
  test('JSON of wrong types and very deep nesting', () => run(wrongTypeCases(prng)));
  test('bad names in bodies and paths', () => run(nameCases(prng)));
  test('wrong apiVersion and kind', () => run(versionKindCases()));
  test('oversized bodies: 413 over the 3 MiB limit', () => run(oversizedCases()));
  test('bad query parameters on reads, watches, writes and deletes', () => run(queryCases()));
  test('bad Content-Type and Accept headers', () => run(contentTypeCases()));
  test('patches of every type with junk', () => run(patchCases(prng)));
  test(`${RANDOM_CASES} random requests`, () => run(randomCases(prng, RANDOM_CASES)));
  test('every method on every kind of path', () => run(methodMatrixCases(prng)));

  test('the apiserver survived: /readyz answers 200 and reads still work', async (t) => {
    t.diagnostic(`${sent} fuzz requests sent in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    const ready = await send(admin, { method: 'GET', path: '/readyz' }, REQUEST_TIMEOUT_MS);
    assert.equal(ready.status, 200, `/readyz: ${ready.status} ${ready.body}`);
    const list = await send(admin, { method: 'GET', path: '/api/v1/namespaces' }, REQUEST_TIMEOUT_MS);
    assert.equal(list.status, 200, `GET /api/v1/namespaces: ${list.status} ${list.body}`);
  });
});
