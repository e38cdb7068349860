// The ingress controller in-process (control loop + proxy on free loopback ports) against a real
// apiserver on etcd: two hosts routed to local HTTP servers through hand-made EndpointSlices, round
// robin, 404/503, TLS by SNI from a Secret, status.loadBalancer, and a reload that keeps a
// keep-alive connection and a request in flight alive.
import assert from 'node:assert/strict';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import tls from 'node:tls';
import { after, before, test } from 'node:test';
import { pino } from 'pino';
import { createClient, loadClientConfig, selfSignedCertificate, type Client } from '../../client/index.js';
import { startIngressController, type IngressController } from '../../ingress/controller.js';
import { IngressProxy, type Listeners } from '../../ingress/proxy.js';
import { buildRoutingTable } from '../../ingress/routing.js';
import { startTestCluster, type TestCluster } from '../support/cluster.js';
import { etcdSkipReason } from '../support/etcd.js';

const skip = etcdSkipReason();
const CONTROLLER = 'k8ts.io/ingress-controller';
const logger = pino({ level: 'silent' });

let cluster: TestCluster;
let client: Client;
let controller: IngressController;
let listeners: Listeners;
const backends: http.Server[] = [];
const ports: Record<string, number> = {};
let releaseSlow: (() => void) | undefined;
const tlsCert = selfSignedCertificate('one.test');

async function backend(name: string): Promise<number> {
  const server = http.createServer((req, res) => {
    if (req.url === '/slow') {
      releaseSlow = () => res.end(`${name} slow done`);
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.write('');
      return;
    }
    res.end(`${name} ${req.headers['x-forwarded-host']} ${req.url}`);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  backends.push(server);
  return (server.address() as AddressInfo).port;
}

async function eventually<T>(check: () => Promise<T | undefined | false>, what: string, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const v = await check();
      if (v !== undefined && v !== false) return v;
    } catch (err) {
      last = err;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
}

function get(host: string, path = '/', agent?: http.Agent): Promise<{ status: number; body: string; reused: boolean }> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port: listeners.httpPort, path, headers: { host }, agent }, (res) => {
      let body = '';
      res.on('data', (d) => { body += d; });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: body.trim(), reused: req.reusedSocket }));
    });
    req.on('error', reject);
  });
}

function slice(service: string, portName: string, port: number, ready = true) {
  return {
    apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice',
    metadata: { name: `${service}-manual`, namespace: 'web', labels: { 'kubernetes.io/service-name': service } },
    addressType: 'IPv4',
    ports: [{ name: portName, port, protocol: 'TCP' }],
    endpoints: [{ addresses: ['127.0.0.1'], conditions: { ready } }],
  };
}

before(async () => {
  if (skip) return;
  cluster = await startTestCluster();
  client = createClient(await loadClientConfig({ kubeconfig: cluster.kubeconfig }));
  ports.oneA = await backend('one-a');
  ports.oneB = await backend('one-b');
  ports.two = await backend('two');
  await client.resource('namespaces').create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'web' } });
  await client.resource('ingressclasses.networking.k8s.io').create({
    apiVersion: 'networking.k8s.io/v1', kind: 'IngressClass',
    metadata: { name: 'k8ts', annotations: { 'ingressclass.kubernetes.io/is-default-class': 'true' } }, spec: { controller: CONTROLLER },
  });
  const services = client.resource('services', 'web');
  // Services without selectors: their EndpointSlices are ours to write, pointing at the loopback servers.
  await services.create({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'one', namespace: 'web' }, spec: { ports: [{ name: 'http', port: 80 }] } });
  await services.create({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'two', namespace: 'web' }, spec: { ports: [{ name: 'web', port: 8080 }] } });
  await services.create({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'down', namespace: 'web' }, spec: { ports: [{ name: 'http', port: 80 }] } });
  const slices = client.resource('endpointslices.discovery.k8s.io', 'web');
  await slices.create(slice('one', 'http', ports.oneA!));
  await slices.create({ ...slice('one', 'http', ports.oneB!), metadata: { name: 'one-manual-b', namespace: 'web', labels: { 'kubernetes.io/service-name': 'one' } } });
  await slices.create(slice('two', 'web', ports.two!));
  await slices.create(slice('down', 'http', ports.two!, false));
  await client.resource('secrets', 'web').create({
    apiVersion: 'v1', kind: 'Secret', metadata: { name: 'one-tls', namespace: 'web' }, type: 'kubernetes.io/tls',
    data: { 'tls.crt': Buffer.from(tlsCert.cert).toString('base64'), 'tls.key': Buffer.from(tlsCert.key).toString('base64') },
  });
  await client.resource('ingresses.networking.k8s.io', 'web').create({
    apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: { name: 'two-hosts', namespace: 'web' },
    spec: {
      tls: [{ hosts: ['one.test'], secretName: 'one-tls' }],
      rules: [
        { host: 'one.test', http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'one', port: { number: 80 } } } }] } },
        { host: 'two.test', http: { paths: [
          { path: '/', pathType: 'Prefix', backend: { service: { name: 'two', port: { name: 'web' } } } },
          { path: '/down', pathType: 'Exact', backend: { service: { name: 'down', port: { number: 80 } } } },
        ] } },
      ],
    },
  });
  // Not ours: another controller's class.
  await client.resource('ingresses.networking.k8s.io', 'web').create({
    apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: { name: 'theirs', namespace: 'web' },
    spec: { ingressClassName: 'nginx', rules: [{ host: 'theirs.test', http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'two', port: { number: 8080 } } } }] } }] },
  });
  const proxy = new IngressProxy({ logger, defaultCertificate: selfSignedCertificate('Kubernetes Ingress Controller Fake Certificate') },
    buildRoutingTable({ ingresses: [], classes: [], services: [], slices: [], secrets: [], controller: CONTROLLER }));
  listeners = await proxy.listen('127.0.0.1', 0, 0);
  controller = startIngressController({ client, controller: CONTROLLER, publishAddress: '127.0.0.1', logger, onTable: (t) => proxy.setTable(t), debounceMs: 20 });
  await controller.synced;
});

after(async () => {
  if (skip) return;
  releaseSlow?.();
  controller?.stop();
  await listeners?.close(1000);
  for (const s of backends) {
    s.closeAllConnections();
    await new Promise((r) => s.close(r));
  }
  client?.close();
  await cluster?.stop();
});

test('two hosts reach their own Services; one host round-robins over its two endpoints', { skip }, async () => {
  await eventually(async () => (await get('two.test')).status === 200, 'two.test routed');
  assert.equal((await get('two.test', '/x')).body, 'two two.test /x');
  const seen = new Set<string>();
  for (let i = 0; i < 4; i++) seen.add((await get('one.test')).body.split(' ')[0]!);
  assert.deepEqual([...seen].sort(), ['one-a', 'one-b']);
});

test('unknown hosts and Ingresses of another class get 404; a backend without ready endpoints 503', { skip }, async () => {
  await eventually(async () => (await get('two.test')).status === 200, 'routed');
  assert.equal((await get('nope.test')).status, 404);
  assert.equal((await get('theirs.test')).status, 404);
  const down = await get('two.test', '/down');
  assert.equal(down.status, 503);
  assert.match(down.body, /no ready endpoints for web\/down:80/);
});

test('status.loadBalancer.ingress of our Ingress is the published address; theirs is untouched', { skip }, async () => {
  const ours = await eventually(async () => {
    const ing = await client.resource<any>('ingresses.networking.k8s.io', 'web').get('two-hosts');
    return ing.status?.loadBalancer?.ingress?.length ? ing : undefined;
  }, 'status of two-hosts');
  assert.deepEqual(ours.status.loadBalancer.ingress, [{ ip: '127.0.0.1' }]);
  const theirs = await client.resource<any>('ingresses.networking.k8s.io', 'web').get('theirs');
  assert.equal(theirs.status?.loadBalancer?.ingress, undefined);
});

test('HTTPS terminates with the Secret named for the SNI host, else the default certificate', { skip }, async () => {
  await eventually(async () => (await get('one.test')).status === 200, 'routed');
  const subject = (servername: string) => new Promise<string>((resolve, reject) => {
    const socket = tls.connect({ host: '127.0.0.1', port: listeners.httpsPort, servername, rejectUnauthorized: false }, () => {
      const cn = socket.getPeerCertificate().subject?.CN ?? '';
      socket.end();
      resolve(Array.isArray(cn) ? cn[0]! : cn);
    });
    socket.on('error', reject);
  });
  assert.match(await subject('one.test'), /^one\.test@/);
  assert.match(await subject('two.test'), /^Kubernetes Ingress Controller Fake Certificate@/);
  const body = await new Promise<string>((resolve, reject) => {
    const req = https.get({ host: '127.0.0.1', port: listeners.httpsPort, path: '/tls', servername: 'one.test', headers: { host: 'one.test' }, rejectUnauthorized: false }, (res) => {
      let b = '';
      res.on('data', (d) => { b += d; });
      res.on('end', () => resolve(b));
    });
    req.on('error', reject);
  });
  assert.match(body, /^one-[ab] one\.test \/tls$/);
});

test('a reload keeps a keep-alive connection and a request in flight', { skip }, async () => {
  await eventually(async () => (await get('two.test')).status === 200, 'routed');
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  try {
    assert.equal((await get('two.test', '/', agent)).status, 200);
    // A slow request in flight on another connection while the table is swapped.
    const slow = new Promise<string>((resolve, reject) => {
      http.get({ host: '127.0.0.1', port: listeners.httpPort, path: '/slow', headers: { host: 'two.test' } }, (res) => {
        let b = '';
        res.on('data', (d) => { b += d; });
        res.on('end', () => resolve(b));
      }).on('error', reject);
    });
    await eventually(async () => releaseSlow !== undefined, 'the slow request to reach its backend');
    const ingresses = client.resource<any>('ingresses.networking.k8s.io', 'web');
    const ing = await ingresses.get('two-hosts');
    ing.spec.rules[1].http.paths[0].backend = { service: { name: 'one', port: { number: 80 } } };
    await ingresses.update(ing);
    const after = await eventually(async () => {
      const r = await get('two.test', '/', agent);
      return r.body.startsWith('one-') ? r : undefined;
    }, 'two.test rerouted to one');
    assert.equal(after.reused, true, 'the keep-alive connection survived the reload');
    releaseSlow!();
    assert.equal(await slow, 'two slow done');
  } finally {
    agent.destroy();
  }
});
