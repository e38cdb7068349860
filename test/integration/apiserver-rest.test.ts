// The apiserver's REST semantics on a real etcd started by the test: create/get/list/update/patch/
// delete, optimistic concurrency, selectors, paging, watch, status and scale subresources, binding,
// namespaces and errors as Status objects. Uses inject() with a bearer token; TLS is covered by the
// acceptance tests.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../apiserver/app.js';
import { ensureSystemNamespaces } from '../../apiserver/bootstrap.js';
import { createEtcdStorage } from '../../apiserver/storage/etcd.js';
import type { Storage } from '../../apiserver/storage/interface.js';
import { startEtcd } from '../support/etcd.js';

const TOKEN = 'integration-admin-token';
const auth = { authorization: `Bearer ${TOKEN}` };

let etcd: Awaited<ReturnType<typeof startEtcd>>;
let storage: Storage;
let app: FastifyInstance;

async function call(method: string, url: string, body?: unknown, headers: Record<string, string> = {}) {
  const res = await app.inject({
    method: method as any,
    url,
    headers: { ...auth, ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
    payload: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  let json: any;
  try {
    json = res.json();
  } catch {
    json = undefined;
  }
  return { status: res.statusCode, json, text: res.body, headers: res.headers };
}

const configMap = (name: string, labels: Record<string, string> = {}, data: Record<string, string> = { a: '1' }) => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, labels },
  data,
});

const deployment = (name: string, replicas = 2) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name, labels: { app: name } },
  spec: {
    replicas,
    selector: { matchLabels: { app: name } },
    template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'main', image: 'busybox:latest' }] } },
  },
});

before(async () => {
  etcd = await startEtcd();
  storage = createEtcdStorage({ endpoints: [etcd.endpoint] });
  const built = await buildApp({ storage, logger: pino({ level: 'silent' }), tokens: new Map([[TOKEN, { name: 'admin', groups: ['system:masters'] }]]) });
  app = built.app;
  await ensureSystemNamespaces(built.stores);
  await app.ready();
});

after(async () => {
  await app?.close();
  await storage?.close();
  await etcd?.stop();
});

describe('authentication', () => {
  it('refuses anonymous requests with a 401 Status but serves health and version', async () => {
    const res = await app.inject({ method: 'GET', url: '/api/v1/namespaces' });
    assert.equal(res.statusCode, 401);
    assert.equal(res.json().kind, 'Status');
    assert.equal(res.json().reason, 'Unauthorized');
    assert.equal((await app.inject({ method: 'GET', url: '/readyz' })).body, 'ok');
    assert.equal((await app.inject({ method: 'GET', url: '/version' })).json().minor, '32');
    const bad = await app.inject({ method: 'GET', url: '/api/v1/namespaces', headers: { authorization: 'Bearer wrong' } });
    assert.equal(bad.statusCode, 401);
  });
});

describe('namespaces', () => {
  it('has the system namespaces from the start, Active', async () => {
    const { json } = await call('GET', '/api/v1/namespaces');
    const names = json.items.map((n: any) => n.metadata.name);
    for (const ns of ['default', 'kube-system', 'kube-public', 'kube-node-lease']) assert.ok(names.includes(ns), ns);
    assert.equal(json.items[0].status.phase, 'Active');
    assert.deepEqual(json.items[0].spec.finalizers, ['kubernetes']);
  });

  it('refuses to create in a missing namespace and in a terminating one', async () => {
    const missing = await call('POST', '/api/v1/namespaces/nowhere/configmaps', configMap('x'));
    assert.equal(missing.status, 404);
    assert.equal(missing.json.message, 'namespaces "nowhere" not found');
    assert.equal((await call('POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'doomed' } })).status, 201);
    const del = await call('DELETE', '/api/v1/namespaces/doomed');
    assert.ok(del.status === 200 || del.status === 202);
    assert.equal((await call('GET', '/api/v1/namespaces/doomed')).json.status.phase, 'Terminating');
    const refused = await call('POST', '/api/v1/namespaces/doomed/configmaps', configMap('x'));
    assert.equal(refused.status, 403);
    assert.match(refused.json.message, /unable to create new content in namespace doomed because it is being terminated/);
    const again = await call('DELETE', '/api/v1/namespaces/doomed');
    assert.equal(again.status, 409);
    // Once its finalizers are gone (the namespace controller's job) a namespace leaves storage.
    const ns = (await call('GET', '/api/v1/namespaces/doomed')).json;
    assert.equal((await call('PUT', '/api/v1/namespaces/doomed/finalize', { ...ns, spec: { finalizers: [] } })).status, 200);
    assert.equal((await call('GET', '/api/v1/namespaces/doomed')).status, 404);
  });
});

describe('create, get, update, delete', () => {
  it('creates with uid, creationTimestamp and resourceVersion; a duplicate is 409 AlreadyExists', async () => {
    const created = await call('POST', '/api/v1/namespaces/default/configmaps', configMap('first'));
    assert.equal(created.status, 201);
    assert.match(created.json.metadata.uid, /^[0-9a-f-]{36}$/);
    assert.match(created.json.metadata.creationTimestamp, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    assert.match(created.json.metadata.resourceVersion, /^\d+$/);
    const dup = await call('POST', '/api/v1/namespaces/default/configmaps', configMap('first'));
    assert.equal(dup.status, 409);
    assert.equal(dup.json.reason, 'AlreadyExists');
    assert.equal(dup.json.message, 'configmaps "first" already exists');
  });

  it('answers a missing object with 404 NotFound in upstream words', async () => {
    const res = await call('GET', '/apis/apps/v1/namespaces/default/deployments/nope');
    assert.equal(res.status, 404);
    assert.deepEqual(
      { kind: res.json.kind, reason: res.json.reason, message: res.json.message, code: res.json.code },
      { kind: 'Status', reason: 'NotFound', message: 'deployments.apps "nope" not found', code: 404 },
    );
  });

  it('generates names from generateName', async () => {
    const res = await call('POST', '/api/v1/namespaces/default/configmaps', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { generateName: 'gen-' } });
    assert.equal(res.status, 201);
    assert.match(res.json.metadata.name, /^gen-[a-z0-9]{5}$/);
  });

  it('refuses a stale update with 409 Conflict and accepts a current one', async () => {
    const created = (await call('POST', '/api/v1/namespaces/default/configmaps', configMap('occ'))).json;
    const first = await call('PUT', '/api/v1/namespaces/default/configmaps/occ', { ...created, data: { a: '2' } });
    assert.equal(first.status, 200);
    assert.notEqual(first.json.metadata.resourceVersion, created.metadata.resourceVersion);
    const stale = await call('PUT', '/api/v1/namespaces/default/configmaps/occ', { ...created, data: { a: '3' } });
    assert.equal(stale.status, 409);
    assert.equal(stale.json.reason, 'Conflict');
    assert.equal(stale.json.message, 'Operation cannot be fulfilled on configmaps "occ": the object has been modified; please apply your changes to the latest version and try again');
  });

  it('validates and answers 422 Invalid with field causes', async () => {
    const bad = deployment('badsel');
    bad.spec.template.metadata.labels = { app: 'other' };
    const res = await call('POST', '/apis/apps/v1/namespaces/default/deployments', bad);
    assert.equal(res.status, 422);
    assert.equal(res.json.reason, 'Invalid');
    assert.match(res.json.message, /^Deployment\.apps "badsel" is invalid: /);
    assert.ok(res.json.details.causes.some((c: any) => c.field === 'spec.template.metadata.labels'));
    const badSecret = await call('POST', '/api/v1/namespaces/default/secrets', { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'b64' }, data: { k: 'not base64!' } });
    assert.equal(badSecret.status, 400);
    assert.match(badSecret.json.message, /illegal base64 data at input byte 3/);
    const secret = await call('POST', '/api/v1/namespaces/default/secrets', { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'sd' }, stringData: { k: 'v' } });
    assert.equal(secret.json.data.k, Buffer.from('v').toString('base64'));
    assert.equal(secret.json.stringData, undefined);
    const badName = await call('POST', '/api/v1/namespaces/default/configmaps', configMap('Bad_Name'));
    assert.equal(badName.status, 422);
    assert.equal(badName.json.details.causes[0].field, 'metadata.name');
  });

  it('defaults a Deployment, tracks generation on spec changes only and keeps status out of the main resource', async () => {
    const created = (await call('POST', '/apis/apps/v1/namespaces/default/deployments', deployment('gen'))).json;
    assert.equal(created.metadata.generation, 1);
    assert.equal(created.spec.strategy.type, 'RollingUpdate');
    assert.equal(created.spec.revisionHistoryLimit, 10);
    assert.equal(created.spec.template.spec.containers[0].imagePullPolicy, 'Always');
    const labelled = await call('PATCH', '/apis/apps/v1/namespaces/default/deployments/gen', { metadata: { labels: { extra: 'yes' } } }, { 'content-type': 'application/merge-patch+json' });
    assert.equal(labelled.json.metadata.generation, 1);
    const scaled = await call('PATCH', '/apis/apps/v1/namespaces/default/deployments/gen', { spec: { replicas: 4 }, status: { replicas: 99 } }, { 'content-type': 'application/merge-patch+json' });
    assert.equal(scaled.json.metadata.generation, 2);
    assert.equal(scaled.json.status?.replicas, undefined);
    const status = await call('PUT', '/apis/apps/v1/namespaces/default/deployments/gen/status', { ...scaled.json, spec: { ...scaled.json.spec, replicas: 7 }, status: { replicas: 4, observedGeneration: 2 } });
    assert.equal(status.status, 200);
    assert.equal(status.json.status.replicas, 4);
    assert.equal(status.json.spec.replicas, 4);
  });

  it('gives a Job a selector on its own uid and labels its pod template, as upstream', async () => {
    const job = { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'once' }, spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'busybox' }] } } } };
    const created = await call('POST', '/apis/batch/v1/namespaces/default/jobs', job);
    assert.equal(created.status, 201);
    const uid = created.json.metadata.uid;
    assert.deepEqual(created.json.spec.selector, { matchLabels: { 'batch.kubernetes.io/controller-uid': uid } });
    assert.equal(created.json.spec.template.metadata.labels['batch.kubernetes.io/job-name'], 'once');
    assert.equal(created.json.spec.template.metadata.labels['controller-uid'], uid);
  });

  it('deletes, and honours finalizers by setting deletionTimestamp first', async () => {
    await call('POST', '/api/v1/namespaces/default/configmaps', { ...configMap('fin'), metadata: { name: 'fin', finalizers: ['example.com/hold'] } });
    const del = await call('DELETE', '/api/v1/namespaces/default/configmaps/fin');
    assert.equal(del.status, 200);
    assert.ok(del.json.metadata.deletionTimestamp);
    const held = (await call('GET', '/api/v1/namespaces/default/configmaps/fin')).json;
    assert.ok(held.metadata.deletionTimestamp);
    const released = await call('PATCH', '/api/v1/namespaces/default/configmaps/fin', [{ op: 'remove', path: '/metadata/finalizers' }], { 'content-type': 'application/json-patch+json' });
    assert.equal(released.status, 200);
    assert.equal((await call('GET', '/api/v1/namespaces/default/configmaps/fin')).status, 404);
    await call('POST', '/api/v1/namespaces/default/configmaps', configMap('plain'));
    const gone = await call('DELETE', '/api/v1/namespaces/default/configmaps/plain', { kind: 'DeleteOptions', apiVersion: 'v1', propagationPolicy: 'Background' });
    assert.equal(gone.status, 200);
    assert.equal(gone.json.status, 'Success');
  });

  it('deletes a scheduled pod gracefully and an unscheduled one at once', async () => {
    const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p1' }, spec: { containers: [{ name: 'c', image: 'busybox' }] } };
    const created = await call('POST', '/api/v1/namespaces/default/pods', pod);
    assert.equal(created.json.status.phase, 'Pending');
    const bound = await call('POST', '/api/v1/namespaces/default/pods/p1/binding', { apiVersion: 'v1', kind: 'Binding', metadata: { name: 'p1' }, target: { apiVersion: 'v1', kind: 'Node', name: 'node-a' } });
    assert.equal(bound.status, 201);
    const rebind = await call('POST', '/api/v1/namespaces/default/pods/p1/binding', { apiVersion: 'v1', kind: 'Binding', metadata: { name: 'p1' }, target: { kind: 'Node', name: 'node-b' } });
    assert.equal(rebind.status, 409);
    const del = await call('DELETE', '/api/v1/namespaces/default/pods/p1');
    assert.equal(del.status, 200);
    assert.equal(del.json.metadata.deletionGracePeriodSeconds, 30);
    const now = await call('DELETE', '/api/v1/namespaces/default/pods/p1', { gracePeriodSeconds: 0 });
    assert.equal(now.status, 200);
    assert.equal((await call('GET', '/api/v1/namespaces/default/pods/p1')).status, 404);
    await call('POST', '/api/v1/namespaces/default/pods', { ...pod, metadata: { name: 'p3' } });
    await call('POST', '/api/v1/namespaces/default/pods/p3/binding', { metadata: { name: 'p3' }, target: { kind: 'Node', name: 'node-a' } });
    const huge = await call('DELETE', '/api/v1/namespaces/default/pods/p3?gracePeriodSeconds=99999999999999999999');
    assert.equal(huge.status, 400);
    const long = await call('DELETE', '/api/v1/namespaces/default/pods/p3', { gracePeriodSeconds: 9000000000000 });
    assert.equal(long.status, 200);
    assert.ok(long.json.metadata.deletionTimestamp);
    await call('POST', '/api/v1/namespaces/default/pods', { ...pod, metadata: { name: 'p2' } });
    assert.equal((await call('DELETE', '/api/v1/namespaces/default/pods/p2')).status, 200);
    assert.equal((await call('GET', '/api/v1/namespaces/default/pods/p2')).status, 404);
  });
});

describe('lists', () => {
  before(async () => {
    await call('POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'lists' } });
    for (let i = 0; i < 7; i++) {
      await call('POST', '/api/v1/namespaces/lists/configmaps', configMap(`cm-${i}`, { tier: i % 2 ? 'odd' : 'even', idx: String(i) }));
    }
  });

  it('filters by label and field selectors and refuses unsupported fields', async () => {
    const odd = (await call('GET', '/api/v1/namespaces/lists/configmaps?labelSelector=tier%3Dodd')).json;
    assert.deepEqual(odd.items.map((i: any) => i.metadata.name), ['cm-1', 'cm-3', 'cm-5']);
    const set = (await call('GET', '/api/v1/namespaces/lists/configmaps?labelSelector=' + encodeURIComponent('idx in (2,4),tier!=odd'))).json;
    assert.deepEqual(set.items.map((i: any) => i.metadata.name), ['cm-2', 'cm-4']);
    const byName = (await call('GET', '/api/v1/namespaces/lists/configmaps?fieldSelector=metadata.name%3Dcm-6')).json;
    assert.deepEqual(byName.items.map((i: any) => i.metadata.name), ['cm-6']);
    const bad = await call('GET', '/api/v1/namespaces/lists/configmaps?fieldSelector=spec.foo%3Dbar');
    assert.equal(bad.status, 400);
    assert.match(bad.json.message, /field label not supported: spec\.foo/);
    const badLabel = await call('GET', '/api/v1/namespaces/lists/configmaps?labelSelector=' + encodeURIComponent('a in ('));
    assert.equal(badLabel.status, 400);
  });

  it('pages with limit and continue at one consistent revision', async () => {
    const first = (await call('GET', '/api/v1/namespaces/lists/configmaps?limit=3')).json;
    assert.equal(first.items.length, 3);
    assert.ok(first.metadata.continue);
    assert.equal(first.metadata.remainingItemCount, 4);
    await call('POST', '/api/v1/namespaces/lists/configmaps', configMap('cm-late'));
    const names = first.items.map((i: any) => i.metadata.name);
    let token = first.metadata.continue;
    while (token) {
      const page = (await call('GET', `/api/v1/namespaces/lists/configmaps?limit=3&continue=${encodeURIComponent(token)}`)).json;
      assert.equal(page.metadata.resourceVersion, first.metadata.resourceVersion);
      names.push(...page.items.map((i: any) => i.metadata.name));
      token = page.metadata.continue;
    }
    assert.deepEqual(names, ['cm-0', 'cm-1', 'cm-2', 'cm-3', 'cm-4', 'cm-5', 'cm-6']);
  });

  it('fills a page with selector matches and continues after the last one returned', async () => {
    const names: string[] = [];
    let token: string | undefined;
    do {
      const page = (await call('GET', `/api/v1/namespaces/lists/configmaps?limit=2&labelSelector=tier%3Deven${token ? `&continue=${encodeURIComponent(token)}` : ''}`)).json;
      assert.ok(page.items.length <= 2);
      names.push(...page.items.map((i: any) => i.metadata.name));
      token = page.metadata.continue;
    } while (token);
    assert.deepEqual(names, ['cm-0', 'cm-2', 'cm-4', 'cm-6']);
  });

  it('serves only list and watch across all namespaces', async () => {
    assert.equal((await call('POST', '/api/v1/configmaps', { ...configMap('x'), metadata: { name: 'x', namespace: 'lists' } })).status, 405);
    assert.equal((await call('DELETE', '/api/v1/configmaps')).status, 405);
    assert.ok((await call('GET', '/api/v1/namespaces/lists/configmaps')).json.items.length >= 7);
  });

  it('lists across namespaces and returns Tables to kubectl', async () => {
    const all = (await call('GET', '/api/v1/configmaps')).json;
    assert.equal(all.kind, 'ConfigMapList');
    assert.ok(all.items.some((i: any) => i.metadata.namespace === 'lists') && all.items.some((i: any) => i.metadata.namespace === 'default'));
    const table = (await call('GET', '/api/v1/namespaces/lists/configmaps', undefined, { accept: 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json' })).json;
    assert.equal(table.kind, 'Table');
    assert.deepEqual(table.columnDefinitions.map((c: any) => c.name), ['Name', 'Data', 'Age']);
    assert.equal(table.rows[0].cells[0], 'cm-0');
    assert.equal(table.rows[0].object.kind, 'PartialObjectMetadata');
  });
});

describe('watch', () => {
  /** Opens a real HTTP watch (inject cannot stream) and collects events until `until` holds. */
  async function watchUntil(path: string, act: () => Promise<void>, until: (events: any[]) => boolean): Promise<any[]> {
    const server = app.server.listening ? app.server : await app.listen({ port: 0, host: '127.0.0.1' }).then(() => app.server);
    const { port } = server.address() as AddressInfo;
    return new Promise((resolve, reject) => {
      const events: any[] = [];
      const deadline = setTimeout(() => {
        req.destroy();
        reject(new Error(`watch did not see the expected events; got ${JSON.stringify(events.map((e) => [e.type, e.object?.metadata?.name]))}`));
      }, 10_000);
      const req = http.get({ host: '127.0.0.1', port, path, headers: auth }, (res) => {
        let buffer = '';
        res.on('data', (chunk) => {
          buffer += chunk;
          let nl;
          while ((nl = buffer.indexOf('\n')) >= 0) {
            events.push(JSON.parse(buffer.slice(0, nl)));
            buffer = buffer.slice(nl + 1);
            if (until(events)) {
              clearTimeout(deadline);
              req.destroy();
              resolve(events);
              return;
            }
          }
        });
        act().catch(reject);
      });
      req.on('error', (err) => {
        if (!events.length || !until(events)) reject(err);
      });
    });
  }

  it('replays from a resourceVersion and delivers ADDED, MODIFIED and DELETED in order', async () => {
    await call('POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'watched' } });
    const rv = (await call('GET', '/api/v1/namespaces/watched/configmaps')).json.metadata.resourceVersion;
    const events = await watchUntil(
      `/api/v1/namespaces/watched/configmaps?watch=true&resourceVersion=${rv}`,
      async () => {
        await call('POST', '/api/v1/namespaces/watched/configmaps', configMap('w1'));
        await call('PATCH', '/api/v1/namespaces/watched/configmaps/w1', { data: { a: 'changed' } }, { 'content-type': 'application/merge-patch+json' });
        await call('DELETE', '/api/v1/namespaces/watched/configmaps/w1');
      },
      (evs) => evs.length >= 3,
    );
    assert.deepEqual(events.map((e) => e.type), ['ADDED', 'MODIFIED', 'DELETED']);
    assert.equal(events[1].object.data.a, 'changed');
    assert.equal(events[0].object.kind, 'ConfigMap');
  });

  it('sends DELETED when an object stops matching the selector', async () => {
    await call('POST', '/api/v1/namespaces/watched/configmaps', configMap('sel', { keep: 'yes' }));
    const events = await watchUntil(
      '/api/v1/namespaces/watched/configmaps?watch=1&labelSelector=keep%3Dyes',
      async () => {
        await call('PATCH', '/api/v1/namespaces/watched/configmaps/sel', { metadata: { labels: { keep: 'no' } } }, { 'content-type': 'application/merge-patch+json' });
      },
      (evs) => evs.some((e) => e.type === 'DELETED'),
    );
    assert.deepEqual(events.map((e) => e.type), ['ADDED', 'DELETED']);
  });

  it('answers a watch from a compacted revision with a 410 Expired ERROR event', async () => {
    const rv = Number((await call('POST', '/api/v1/namespaces/watched/configmaps', configMap('old'))).json.metadata.resourceVersion);
    await call('PATCH', '/api/v1/namespaces/watched/configmaps/old', { data: { a: 'x' } }, { 'content-type': 'application/merge-patch+json' });
    await storage.compact(await storage.currentRevision());
    const events = await watchUntil(`/api/v1/namespaces/watched/configmaps?watch=1&resourceVersion=${rv - 1}`, async () => {}, (evs) => evs.length >= 1);
    assert.equal(events[0].type, 'ERROR');
    assert.equal(events[0].object.code, 410);
    assert.equal(events[0].object.reason, 'Expired');
  });
});

describe('scale subresource', () => {
  it('reads and writes replicas through an autoscaling/v1 Scale', async () => {
    await call('POST', '/apis/apps/v1/namespaces/default/deployments', deployment('scaled', 3));
    const scale = (await call('GET', '/apis/apps/v1/namespaces/default/deployments/scaled/scale')).json;
    assert.equal(scale.kind, 'Scale');
    assert.equal(scale.apiVersion, 'autoscaling/v1');
    assert.equal(scale.spec.replicas, 3);
    assert.equal(scale.status.selector, 'app=scaled');
    const patched = await call('PATCH', '/apis/apps/v1/namespaces/default/deployments/scaled/scale', { spec: { replicas: 5 } }, { 'content-type': 'application/merge-patch+json' });
    assert.equal(patched.json.spec.replicas, 5);
    assert.equal((await call('GET', '/apis/apps/v1/namespaces/default/deployments/scaled')).json.spec.replicas, 5);
    const negative = await call('PATCH', '/apis/apps/v1/namespaces/default/deployments/scaled/scale', { spec: { replicas: -1 } }, { 'content-type': 'application/merge-patch+json' });
    assert.equal(negative.status, 422);
    for (const junk of [{ spec: { replicas: 1e300 } }, { spec: 'x' }, { spec: { replicas: 2.5 } }]) {
      const res = await call('PUT', '/apis/apps/v1/namespaces/default/deployments/scaled/scale', junk);
      assert.equal(res.status, 400, JSON.stringify(junk));
    }
    assert.equal((await call('GET', '/apis/apps/v1/namespaces/default/deployments/scaled')).json.spec.replicas, 5);
  });
});

describe('storage outage', () => {
  it('answers 503 and /readyz fails while etcd is down, and recovers after', async () => {
    etcd.kill();
    const res = await call('GET', '/api/v1/namespaces/default/configmaps');
    assert.equal(res.status, 503);
    assert.equal(res.json.reason, 'ServiceUnavailable');
    assert.equal((await app.inject({ method: 'GET', url: '/readyz' })).statusCode, 500);
    await etcd.restart();
    const deadline = Date.now() + 20_000;
    let status = 0;
    while (Date.now() < deadline) {
      status = (await call('GET', '/api/v1/namespaces/default/configmaps')).status;
      if (status === 200) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    assert.equal(status, 200);
  });
});
