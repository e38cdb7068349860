// client/ against a real apiserver on a real etcd (startTestCluster): the kubeconfig it writes, every
// verb of the REST client, subresources, watch with abort, and server errors as named classes with
// the server's own message. Retries are checked against a loopback HTTPS stub using the cluster's PKI.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { pkiFiles } from '../../deploy/pki.js';
import { startTestCluster, type TestCluster } from '../support/cluster.js';
import {
  AlreadyExistsError,
  BadRequestError,
  ConflictError,
  ConnectionError,
  InvalidError,
  NotFoundError,
  ServiceUnavailableError,
  UnauthorizedError,
  createClient,
  createTransport,
  loadClientConfig,
  type Client,
  type ClientConfig,
  type KubeObject,
  type WatchEvent,
} from '../../client/index.js';

let cluster: TestCluster;
let client: Client;
let config: ClientConfig;
const NS = 'client-rest';

const configMap = (name: string, labels: Record<string, string> = {}, data: Record<string, string> = { a: '1' }): KubeObject => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, labels },
  data,
});

const deployment = (name: string, replicas = 2): KubeObject => ({
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
  cluster = await startTestCluster();
  config = await loadClientConfig({ kubeconfig: cluster.kubeconfig, namespace: NS });
  client = createClient(config);
  await client.resource('namespaces').create({ metadata: { name: NS } });
});

after(async () => {
  client?.close();
  await cluster?.stop();
});

describe('client against a real apiserver', () => {
  it('reads the admin kubeconfig the cluster wrote (client certificate, CA) and talks TLS', async () => {
    assert.equal(config.server, cluster.server);
    assert.ok(config.cert && config.key && config.ca);
    const version = await client.discovery.version();
    assert.equal(version.major, '1');
    const core = await client.discovery.resources('v1');
    assert.ok(core.resources.some((r) => r.name === 'pods'));
  });

  it('authenticates with a bearer token too, and maps 401 to UnauthorizedError', async () => {
    const viaToken = createClient({ server: cluster.server, ca: readFileSync(cluster.caFile), token: cluster.token, namespace: NS, userAgent: 'test' });
    try {
      const list = await viaToken.resource('cm').list({}, NS);
      assert.ok(Array.isArray(list.items));
    } finally {
      viaToken.close();
    }
    const bad = createClient({ server: cluster.server, ca: readFileSync(cluster.caFile), token: 'wrong', namespace: NS, userAgent: 'test' }, { maxRetries: 0 });
    try {
      await assert.rejects(bad.resource('pods').list({}, NS), (err: unknown) => err instanceof UnauthorizedError && err.code === 401);
    } finally {
      bad.close();
    }
  });

  it('creates, gets, and answers AlreadyExists / NotFound with the server\'s message', async () => {
    const cms = client.resource('configmaps');
    const created = await cms.create(configMap('one'), {}, NS);
    assert.equal(created.metadata?.namespace, NS);
    assert.ok(created.metadata?.uid);
    const got = await cms.get('one', NS);
    assert.equal(got.metadata?.uid, created.metadata?.uid);
    await assert.rejects(cms.create(configMap('one'), {}, NS), (err: unknown) => {
      assert.ok(err instanceof AlreadyExistsError);
      assert.equal(err.message, 'configmaps "one" already exists');
      assert.equal(err.code, 409);
      assert.equal(err.details?.name, 'one');
      return true;
    });
    await assert.rejects(client.resource('cm').get('missing', NS), (err: unknown) => {
      assert.ok(err instanceof NotFoundError);
      assert.equal(err.message, 'configmaps "missing" not found');
      assert.equal(err.reason, 'NotFound');
      return true;
    });
  });

  it('lists with label and field selectors, across namespaces, and pages with limit/continue', async () => {
    const cms = client.resource('configmaps', NS);
    for (let i = 0; i < 5; i++) await cms.create(configMap(`page-${i}`, { tier: i % 2 ? 'odd' : 'even', set: 'paging' }));
    const odd = await cms.list({ labelSelector: 'set=paging,tier=odd' });
    assert.deepEqual(odd.items.map((i) => i.metadata?.name).sort(), ['page-1', 'page-3']);
    const byName = await cms.list({ fieldSelector: 'metadata.name=page-2' });
    assert.deepEqual(byName.items.map((i) => i.metadata?.name), ['page-2']);
    const everywhere = await client.resource('configmaps').list({ labelSelector: 'set=paging' });
    assert.equal(everywhere.items.length, 5);

    const first = await cms.list({ labelSelector: 'set=paging', limit: 2 });
    assert.equal(first.items.length, 2);
    assert.ok(first.metadata.continue, 'a continue token');
    const all = await cms.listAll({ labelSelector: 'set=paging', limit: 2 });
    assert.deepEqual(all.items.map((i) => i.metadata?.name).sort(), ['page-0', 'page-1', 'page-2', 'page-3', 'page-4']);
  });

  it('updates via PUT and turns a stale resourceVersion into ConflictError', async () => {
    const cms = client.resource('configmaps', NS);
    const cm = await cms.create(configMap('upd'));
    const updated = await cms.update({ ...cm, data: { a: '2' } });
    assert.deepEqual(updated.data, { a: '2' });
    assert.notEqual(updated.metadata?.resourceVersion, cm.metadata?.resourceVersion);
    await assert.rejects(cms.update({ ...cm, data: { a: '3' } }), (err: unknown) => {
      assert.ok(err instanceof ConflictError);
      assert.equal(
        err.message,
        'Operation cannot be fulfilled on configmaps "upd": the object has been modified; please apply your changes to the latest version and try again',
      );
      return true;
    });
  });

  it('patches with all four content types', async () => {
    const deploys = client.resource('deployments.apps', NS);
    await deploys.create(deployment('web'));
    const merged = await deploys.patch('web', 'merge', { metadata: { labels: { merged: 'yes' } } });
    assert.equal(merged.metadata?.labels?.merged, 'yes');
    const json = await deploys.patch('web', 'json', [{ op: 'replace', path: '/spec/replicas', value: 3 }]);
    assert.equal((json.spec as { replicas: number }).replicas, 3);
    const strategic = await deploys.patch('web', 'strategic', {
      spec: { template: { spec: { containers: [{ name: 'main', image: 'busybox:1.36' }] } } },
    });
    const containers = (strategic.spec as { template: { spec: { containers: { name: string; image: string }[] } } }).template.spec.containers;
    assert.deepEqual(containers.map((c) => [c.name, c.image]), [['main', 'busybox:1.36']]);
    const applied = await deploys.patch(
      'applied',
      'apply',
      deployment('applied', 1),
      { fieldManager: 'client-test' },
    );
    assert.equal(applied.metadata?.name, 'applied');
    assert.ok((applied.metadata?.managedFields as { manager: string }[] | undefined)?.some((f) => f.manager === 'client-test'));
    assert.throws(() => deploys.patch('web', 'apply', {}), /requires options.fieldManager/);
  });

  it('writes status and scale, reads Scale back, and binds a pod to a node', async () => {
    const deploys = client.resource('deploy', NS);
    const current = await deploys.get('web');
    const withStatus = await deploys.updateStatus({ ...current, status: { replicas: 3, observedGeneration: 1 } });
    assert.equal((withStatus.status as { replicas: number }).replicas, 3);

    const scale = await deploys.scale('web');
    assert.equal(scale.kind, 'Scale');
    assert.equal(scale.spec?.replicas, 3);
    const scaled = await deploys.updateScale('web', { ...scale, spec: { replicas: 5 } });
    assert.equal(scaled.spec?.replicas, 5);
    assert.equal(((await deploys.get('web')).spec as { replicas: number }).replicas, 5);
    const patched = await deploys.patch('web', 'merge', { spec: { replicas: 1 } }, {}, undefined, 'scale');
    assert.equal((patched.spec as { replicas: number }).replicas, 1);

    const pods = client.resource('po', NS);
    await pods.create({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'bindme' }, spec: { containers: [{ name: 'c', image: 'busybox:latest' }] } });
    const status = await pods.bind('bindme', undefined, 'node-a');
    assert.equal(status.status, 'Success');
    assert.equal(((await pods.get('bindme')).spec as { nodeName: string }).nodeName, 'node-a');
  });

  it('deletes with DeleteOptions and deletes a collection by selector', async () => {
    const cms = client.resource('configmaps', NS);
    await cms.create(configMap('gone'));
    const current = await cms.get('gone');
    await assert.rejects(cms.delete('gone', { preconditions: { uid: 'not-the-uid' } }), ConflictError);
    await cms.delete('gone', { preconditions: { uid: current.metadata!.uid }, propagationPolicy: 'Background' });
    await assert.rejects(cms.get('gone'), NotFoundError);

    const removed = await cms.deleteCollection({ labelSelector: 'set=paging,tier=even' });
    assert.deepEqual(removed.items.map((i) => i.metadata?.name).sort(), ['page-0', 'page-2', 'page-4']);
    const left = await cms.list({ labelSelector: 'set=paging' });
    assert.deepEqual(left.items.map((i) => i.metadata?.name).sort(), ['page-1', 'page-3']);
  });

  it('watches from a resourceVersion and ends cleanly when the signal aborts', { timeout: 15_000 }, async () => {
    const cms = client.resource('configmaps', NS);
    const start = await cms.list({ labelSelector: 'set=watch' });
    const controller = new AbortController();
    const seen: WatchEvent[] = [];
    const consumed = (async () => {
      for await (const event of cms.watch({ labelSelector: 'set=watch', resourceVersion: start.metadata.resourceVersion, signal: controller.signal })) {
        seen.push(event);
        if (event.type === 'DELETED') controller.abort();
      }
    })();
    const cm = await cms.create(configMap('watched', { set: 'watch' }));
    await cms.patch('watched', 'merge', { data: { b: '2' } });
    await cms.delete('watched');
    await consumed; // finishes only because the abort ends the iterator
    assert.deepEqual(seen.map((e) => e.type), ['ADDED', 'MODIFIED', 'DELETED']);
    assert.equal(seen[0].object.metadata?.uid, cm.metadata?.uid);
  });

  it('brings Invalid with the causes and BadRequest with the server\'s words', async () => {
    await assert.rejects(client.resource('configmaps', NS).create(configMap('Bad_Name')), (err: unknown) => {
      assert.ok(err instanceof InvalidError);
      assert.equal(err.code, 422);
      assert.match(err.message, /^ConfigMap "Bad_Name" is invalid: metadata.name: Invalid value: "Bad_Name"/);
      assert.equal(err.details?.causes?.[0]?.field, 'metadata.name');
      assert.equal(err.fieldErrors[0].field, 'metadata.name');
      assert.equal(err.fieldErrors[0].message, err.details?.causes?.[0]?.message);
      return true;
    });
    await assert.rejects(client.raw('POST', `/api/v1/namespaces/${NS}/configmaps`, '{not json'), (err: unknown) => {
      assert.ok(err instanceof BadRequestError);
      assert.equal(err.code, 400);
      return true;
    });
  });
});

describe('transport retries, against a loopback HTTPS stub with the cluster\'s certificates', () => {
  it('retries a GET after 503 with Retry-After and a reset connection, never a POST', async () => {
    const pki = pkiFiles(cluster.stateDir);
    const answers: Array<'reset' | '503' | 'ok'> = ['503', 'reset', 'ok', '503'];
    const seen: string[] = [];
    const server = https.createServer({ cert: readFileSync(pki.cert('apiserver')), key: readFileSync(pki.key('apiserver')) }, (req, res) => {
      seen.push(`${req.method} ${req.url}`);
      const answer = answers.shift() ?? 'ok';
      if (answer === 'reset') return req.socket.destroy();
      if (answer === '503') {
        res.writeHead(503, { 'content-type': 'application/json', 'retry-after': '1' });
        return res.end(JSON.stringify({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'busy', reason: 'ServiceUnavailable', code: 503 }));
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"kind":"ConfigMapList","apiVersion":"v1","metadata":{},"items":[]}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const waits: number[] = [];
    const transport = createTransport(
      { server: `https://127.0.0.1:${port}`, ca: readFileSync(cluster.caFile), namespace: 'default', userAgent: 'test' },
      { sleep: async (ms) => void waits.push(ms), random: () => 0 },
    );
    try {
      const list = await transport.requestJSON<{ items: unknown[] }>({ method: 'GET', path: '/api/v1/configmaps' });
      assert.deepEqual(list.items, []);
      assert.equal(seen.length, 3);
      assert.deepEqual(waits, [1000, 500]); // Retry-After 1 s, then connection backoff 250 ms * 2^1
      await assert.rejects(
        transport.request({ method: 'POST', path: '/api/v1/namespaces/x/configmaps', body: {} }),
        (err: unknown) => err instanceof ServiceUnavailableError && err.message === 'busy',
      );
      assert.equal(seen.length, 4, 'the POST was sent once');
    } finally {
      transport.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it('times a silent server out as ConnectionError ETIMEDOUT, and an abort rejects with the signal\'s reason', async () => {
    const pki = pkiFiles(cluster.stateDir);
    let requests = 0;
    // Never answers: only the client's timeout or abort can end the exchange.
    const server = https.createServer({ cert: readFileSync(pki.cert('apiserver')), key: readFileSync(pki.key('apiserver')) }, () => {
      requests++;
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const transport = createTransport(
      { server: `https://127.0.0.1:${port}`, ca: readFileSync(cluster.caFile), namespace: 'default', userAgent: 'test' },
      { maxRetries: 3 },
    );
    try {
      await assert.rejects(transport.request({ method: 'GET', path: '/version', timeoutMs: 200 }), (err: unknown) => {
        assert.ok(err instanceof ConnectionError);
        assert.equal(err.code, 'ETIMEDOUT');
        return true;
      });
      assert.equal(requests, 1, 'a timed-out request is not retried');
      const controller = new AbortController();
      const pending = transport.request({ method: 'GET', path: '/version', signal: controller.signal });
      const reason = new Error('caller gave up');
      controller.abort(reason);
      await assert.rejects(pending, (err: unknown) => err === reason);
    } finally {
      transport.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it('turns a refused connection into ConnectionError after bounded retries', async () => {
    const server = https.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    await new Promise<void>((resolve) => server.close(() => resolve()));
    const waits: number[] = [];
    const transport = createTransport(
      { server: `https://127.0.0.1:${port}`, ca: readFileSync(cluster.caFile), namespace: 'default', userAgent: 'test' },
      { maxRetries: 2, sleep: async (ms) => void waits.push(ms), random: () => 0 },
    );
    try {
      await assert.rejects(transport.request({ method: 'GET', path: '/version' }), (err: unknown) => {
        assert.ok(err instanceof ConnectionError);
        assert.equal(err.code, 'ECONNREFUSED');
        assert.ok(err.cause);
        return true;
      });
      assert.equal(waits.length, 2);
    } finally {
      transport.close();
    }
  });
});
