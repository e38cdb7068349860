import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import { Readable } from 'node:stream';
import { ConnectionError } from './errors.js';
import { RESOURCES } from '../api/resources.js';
import { createClient, deleteBody, resourcePath } from './rest.js';
import { buildQuery, type RawResponse, type RequestOptions, type Transport } from './transport.js';

/** Records requests and answers `{}`: the paths, queries and bodies are what is under test. */
function recorder() {
  const sent: RequestOptions[] = [];
  const transport: Transport = {
    config: { server: 'https://k', namespace: 'default', userAgent: 't' },
    async request(req): Promise<RawResponse> {
      sent.push(req);
      return { status: 200, headers: {}, body: Buffer.from('{}') };
    },
    async requestJSON<T>(req: RequestOptions): Promise<T> {
      sent.push(req);
      return {} as T;
    },
    async stream(req): Promise<IncomingMessage> {
      sent.push(req);
      throw new Error('not used');
    },
    close() {},
  };
  const client = createClient(transport.config, { transport });
  const url = (i: number) => `${sent[i].path}${buildQuery(sent[i].query)}`;
  return { client, sent, url };
}

const find = (plural: string) => RESOURCES.find((r) => r.plural === plural)!;

describe('paths', () => {
  it('builds upstream paths for core, grouped, cluster-scoped and all-namespaces requests', () => {
    assert.equal(resourcePath(find('pods'), 'ns1', 'p', 'status'), '/api/v1/namespaces/ns1/pods/p/status');
    assert.equal(resourcePath(find('pods')), '/api/v1/pods');
    assert.equal(resourcePath(find('deployments'), 'ns1', 'd', 'scale'), '/apis/apps/v1/namespaces/ns1/deployments/d/scale');
    assert.equal(resourcePath(find('nodes'), 'ignored', 'n1'), '/api/v1/nodes/n1');
    assert.equal(resourcePath(find('clusterroles'), undefined, 'admin'), '/apis/rbac.authorization.k8s.io/v1/clusterroles/admin');
  });

  it('resolves what users type, and says when a type is unknown', () => {
    const { client } = recorder();
    assert.equal(client.resource('po').info.plural, 'pods');
    assert.equal(client.resource('deployments.apps').info.group, 'apps');
    assert.equal(client.resource('Deployment').info.plural, 'deployments');
    assert.equal(client.forKind('apps/v1', 'ReplicaSet').info.plural, 'replicasets');
    assert.throws(() => client.resource('widgets'), { message: 'the server doesn\'t have a resource type "widgets"' });
    assert.throws(() => client.forKind('v1', 'Widget'), { message: 'no matches for kind "Widget" in version "v1"' });
  });
});

describe('requests on the wire', () => {
  it('sends list and watch options as query parameters; watch has no timeout', async () => {
    const { client, sent, url } = recorder();
    await client.resource('pods').list({ labelSelector: 'app=web,tier!=db', fieldSelector: 'spec.nodeName=n1', limit: 500, continue: 'tok' });
    assert.equal(url(0), '/api/v1/pods?labelSelector=app%3Dweb%2Ctier%21%3Ddb&fieldSelector=spec.nodeName%3Dn1&limit=500&continue=tok');
    const iterator = client.resource('pods').watch({ resourceVersion: '42', allowWatchBookmarks: true }, 'ns1')[Symbol.asyncIterator]();
    await assert.rejects(iterator.next(), /not used/);
    assert.equal(url(1), '/api/v1/namespaces/ns1/pods?watch=true&resourceVersion=42&allowWatchBookmarks=true');
    assert.equal(sent[1].timeoutMs, 0);
  });

  it('creates in the object\'s namespace, updates at its own name, writes status at /status', async () => {
    const { client, sent, url } = recorder();
    const cm = { metadata: { name: 'c', namespace: 'ns2' }, data: {} };
    await client.resource('cm').create(cm, { dryRun: true, fieldManager: 'me', fieldValidation: 'Strict' });
    assert.equal(url(0), '/api/v1/namespaces/ns2/configmaps?dryRun=All&fieldManager=me&fieldValidation=Strict');
    assert.deepEqual(sent[0].body, { ...cm, apiVersion: 'v1', kind: 'ConfigMap' });
    await client.resource('cm').update(cm);
    assert.equal(sent[1].method, 'PUT');
    assert.equal(url(1), '/api/v1/namespaces/ns2/configmaps/c');
    await client.resource('deploy').updateStatus({ metadata: { name: 'd', namespace: 'ns2' } });
    assert.equal(url(2), '/apis/apps/v1/namespaces/ns2/deployments/d/status');
    assert.throws(() => client.resource('cm').get('x'), /configmaps is namespaced: a namespace is required/);
    assert.throws(() => client.resource('cm').updateStatus(cm), /configmaps has no status subresource/);
  });

  it('patches with the content type of each patch type; apply needs a field manager', async () => {
    const { client, sent, url } = recorder();
    const deploys = client.resource('deployments', 'ns');
    await deploys.patch('d', 'json', [{ op: 'remove', path: '/x' }]);
    await deploys.patch('d', 'merge', { a: 1 });
    await deploys.patch('d', 'strategic', { a: 1 }, {}, undefined, 'scale');
    await deploys.patch('d', 'apply', { a: 1 }, { fieldManager: 'kubectl', force: true });
    assert.deepEqual(sent.map((s) => s.contentType), [
      'application/json-patch+json',
      'application/merge-patch+json',
      'application/strategic-merge-patch+json',
      'application/apply-patch+yaml',
    ]);
    assert.equal(sent[0].body, '[{"op":"remove","path":"/x"}]');
    assert.equal(url(2), '/apis/apps/v1/namespaces/ns/deployments/d/scale');
    assert.equal(url(3), '/apis/apps/v1/namespaces/ns/deployments/d?fieldManager=kubectl&force=true');
    assert.throws(() => deploys.patch('d', 'apply', {}), /requires options.fieldManager/);
    assert.throws(() => deploys.patch('d', 'merge', {}, { force: true }), /only to server-side apply/);
  });

  it('deletes with a DeleteOptions body; deleteCollection with selectors', async () => {
    const { client, sent, url } = recorder();
    await client.resource('pods', 'ns').delete('p', { gracePeriodSeconds: 0, propagationPolicy: 'Foreground', preconditions: { uid: 'u1' } });
    assert.equal(url(0), '/api/v1/namespaces/ns/pods/p');
    assert.deepEqual(sent[0].body, { kind: 'DeleteOptions', apiVersion: 'v1', gracePeriodSeconds: 0, propagationPolicy: 'Foreground', preconditions: { uid: 'u1' } });
    await client.resource('pods').deleteCollection({ labelSelector: 'a=b', propagationPolicy: 'Background', dryRun: true }, 'ns');
    assert.equal(sent[1].method, 'DELETE');
    assert.equal(url(1), '/api/v1/namespaces/ns/pods?labelSelector=a%3Db&dryRun=All');
    assert.deepEqual(sent[1].body, deleteBody({ propagationPolicy: 'Background', dryRun: true }));
  });

  it('binds a pod and reads/writes Scale only where the subresource exists', async () => {
    const { client, sent, url } = recorder();
    await client.resource('pods').bind('p', 'ns', 'node-1');
    assert.equal(url(0), '/api/v1/namespaces/ns/pods/p/binding');
    assert.deepEqual(sent[0].body, {
      apiVersion: 'v1', kind: 'Binding', metadata: { name: 'p', namespace: 'ns' }, target: { apiVersion: 'v1', kind: 'Node', name: 'node-1' },
    });
    await client.resource('rs', 'ns').updateScale('r', { spec: { replicas: 2 } });
    assert.equal(url(1), '/apis/apps/v1/namespaces/ns/replicasets/r/scale');
    assert.deepEqual(sent[1].body, { apiVersion: 'autoscaling/v1', kind: 'Scale', spec: { replicas: 2 }, metadata: { name: 'r' } });
    assert.throws(() => client.resource('pods').scale('p', 'ns'), /pods has no scale subresource/);
    assert.throws(() => client.resource('deploy').bind('d', 'ns', 'n'), /deployments.apps has no binding subresource/);
  });
});

describe('watch results', () => {
  function streaming(body: Readable) {
    const { client } = recorder();
    (client.transport as { stream: Transport['stream'] }).stream = async () => body as unknown as IncomingMessage;
    return client;
  }

  it('turns a stream broken mid-way into ConnectionError after the events that arrived', async () => {
    const body = new Readable({ read() {} });
    body.push('{"type":"ADDED","object":{"metadata":{"name":"a"}}}\n');
    const client = streaming(body);
    const seen: string[] = [];
    const done = (async () => {
      for await (const e of client.resource('pods').watch()) {
        seen.push(e.type);
        body.destroy(Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }));
      }
    })();
    await assert.rejects(done, (err: unknown) => err instanceof ConnectionError && err.code === 'ECONNRESET');
    assert.deepEqual(seen, ['ADDED']);
  });

  it('ends quietly when its signal aborts, and releases the stream when the consumer stops', async () => {
    const body = new Readable({ read() {} });
    const controller = new AbortController();
    body.push('{"type":"ADDED","object":{"metadata":{"name":"a"}}}\n');
    const client = streaming(body);
    const seen: string[] = [];
    for await (const e of client.resource('pods').watch({ signal: controller.signal })) {
      seen.push(e.type);
      controller.abort();
      body.destroy(new Error('aborted'));
    }
    assert.deepEqual(seen, ['ADDED']);

    const second = new Readable({ read() {} });
    second.push('{"type":"ADDED","object":{"metadata":{"name":"a"}}}\n{"type":"ADDED","object":{"metadata":{"name":"b"}}}\n');
    for await (const _ of streaming(second).resource('pods').watch()) break;
    assert.equal(second.destroyed, true);
  });
});
