// The cluster DNS server as a process (dist/dns/main.js) against a real apiserver on etcd: Services
// and hand-made EndpointSlices become A/SRV/CNAME answers over UDP and TCP, changes show up without a
// restart, unknown cluster names are NXDOMAIN, other names go to a loopback upstream (bounded when it
// stays silent), and /health and /ready answer like CoreDNS's.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import dgram from 'node:dgram';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, test } from 'node:test';
import dns2 from 'dns2';
import { createClient, loadClientConfig, type Client } from '../../client/index.js';
import { startTestCluster, type TestCluster } from '../support/cluster.js';
import { etcdSkipReason } from '../support/etcd.js';
import { freePort } from '../support/ports.js';

const MAIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../dns/main.js');
const skip = etcdSkipReason();
const { Packet } = dns2;

let cluster: TestCluster;
let client: Client;
let dnsProcess: ChildProcess | undefined;
let dnsPort = 0;
let readyPort = 0;
let healthPort = 0;
let output = '';
const upstream = dns2.createServer({
  udp: true,
  tcp: true,
  handle: (request, send) => {
    const response = Packet.createResponseFromRequest(request);
    const q = request.questions[0]!;
    if (q.name === 'outside.example' && q.type === Packet.TYPE.A) {
      response.answers.push({ name: q.name, type: Packet.TYPE.A, class: Packet.CLASS.IN, ttl: 60, address: '192.0.2.55' } as never);
    }
    void send(response);
  },
});
let upstreamPort = 0;
let upstreamClosed = false;
/** An upstream that never answers: forwarding must give up with SERVFAIL. */
const silent = dgram.createSocket('udp4');
let silentPort = 0;

async function eventually<T>(check: () => Promise<T | undefined>, what: string, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const v = await check();
      if (v !== undefined) return v;
    } catch (err) {
      last = err;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}\n${output}`);
}

const udpQuery = (name: string, type = 'A') => dns2.UDPClient({ dns: '127.0.0.1', port: dnsPort, timeout: 5000 })(name, type);
const tcpQuery = (name: string, type = 'A') => dns2.TCPClient({ dns: '127.0.0.1', port: dnsPort })(name, type);
const addresses = (p: { answers: Array<{ address?: string }> }) => p.answers.map((a) => a.address).filter(Boolean).sort();

before(async () => {
  if (skip) return;
  cluster = await startTestCluster();
  client = createClient(await loadClientConfig({ kubeconfig: cluster.kubeconfig }));
  upstreamPort = await freePort();
  await upstream.listen({ udp: { port: upstreamPort, address: '127.0.0.1' }, tcp: { port: upstreamPort, address: '127.0.0.1' } });
  await new Promise<void>((r) => silent.bind(0, '127.0.0.1', () => r()));
  silentPort = silent.address().port;
  [dnsPort, readyPort, healthPort] = [await freePort(), await freePort(), await freePort()];
  await client.resource('namespaces').create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } });
  await client.resource('services', 'shop').create({
    apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'shop' },
    spec: { selector: { app: 'web' }, ports: [{ name: 'http', port: 80, protocol: 'TCP' }] },
  });
  await client.resource('services', 'shop').create({
    apiVersion: 'v1', kind: 'Service', metadata: { name: 'db', namespace: 'shop' },
    spec: { clusterIP: 'None', selector: { app: 'db' }, ports: [{ name: 'pg', port: 5432 }] },
  });
  await client.resource('endpointslices.discovery.k8s.io', 'shop').create({
    apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice',
    metadata: { name: 'db-1', namespace: 'shop', labels: { 'kubernetes.io/service-name': 'db' } },
    addressType: 'IPv4',
    ports: [{ name: 'pg', port: 5432, protocol: 'TCP' }],
    endpoints: [
      { addresses: ['10.244.0.7'], hostname: 'db-0', conditions: { ready: true } },
      { addresses: ['10.244.0.8'], hostname: 'db-1', conditions: { ready: false } },
    ],
  });
  await client.resource('services', 'shop').create({
    apiVersion: 'v1', kind: 'Service', metadata: { name: 'ext', namespace: 'shop' }, spec: { type: 'ExternalName', externalName: 'outside.example' },
  });
  dnsProcess = spawn(process.execPath, [MAIN, `--kubeconfig=${cluster.kubeconfig}`, '--bind-address=127.0.0.1', `--port=${dnsPort}`,
    `--ready-port=${readyPort}`, `--health-port=${healthPort}`, '--metrics-port=0', `--upstream=127.0.0.1:${upstreamPort}`, `--upstream=127.0.0.1:${silentPort}`,
    '--upstream-timeout=500ms'], { stdio: ['ignore', 'pipe', 'pipe'] });
  dnsProcess.stdout!.on('data', (d) => { output += d; });
  dnsProcess.stderr!.on('data', (d) => { output += d; });
  await eventually(async () => ((await fetch(`http://127.0.0.1:${readyPort}/ready`)).status === 200 ? true : undefined), '/ready');
});

after(async () => {
  if (skip) return;
  if (dnsProcess && dnsProcess.exitCode === null) {
    const exited = new Promise((r) => dnsProcess!.once('exit', r));
    dnsProcess.kill('SIGTERM');
    await exited;
  }
  if (!upstreamClosed) await upstream.close();
  silent.close();
  client?.close();
  await cluster?.stop();
});

test('a ClusterIP Service answers its allocated cluster IP over UDP and TCP', { skip }, async () => {
  const svc = await client.resource<any>('services', 'shop').get('web');
  assert.match(svc.spec.clusterIP, /^10\.96\./);
  const udp = await udpQuery('web.shop.svc.cluster.local');
  assert.equal(udp.header.rcode, 0);
  assert.equal(udp.header.aa, 1);
  assert.deepEqual(addresses(udp), [svc.spec.clusterIP]);
  assert.deepEqual(addresses(await tcpQuery('web.shop.svc.cluster.local')), [svc.spec.clusterIP]);
  const kubernetes = await udpQuery('kubernetes.default.svc.cluster.local');
  assert.deepEqual(addresses(kubernetes), ['10.96.0.1']);
});

test('SRV for a named port, headless endpoints and StatefulSet-style hostnames', { skip }, async () => {
  const srv = await udpQuery('_http._tcp.web.shop.svc.cluster.local', 'SRV');
  assert.deepEqual(srv.answers.map((a) => [a.port, a.target]), [[80, 'web.shop.svc.cluster.local']]);
  assert.deepEqual(addresses(await udpQuery('db.shop.svc.cluster.local')), ['10.244.0.7'], 'only the ready endpoint');
  assert.deepEqual(addresses(await udpQuery('db-0.db.shop.svc.cluster.local')), ['10.244.0.7']);
  const pg = await udpQuery('_pg._tcp.db.shop.svc.cluster.local', 'SRV');
  assert.deepEqual(pg.answers.map((a) => [a.port, a.target]), [[5432, 'db-0.db.shop.svc.cluster.local']]);
});

test('an endpoint that becomes ready appears without a restart', { skip }, async () => {
  const slices = client.resource<any>('endpointslices.discovery.k8s.io', 'shop');
  const slice = await slices.get('db-1');
  slice.endpoints[1].conditions.ready = true;
  await slices.update(slice);
  const got = await eventually(async () => {
    const a = addresses(await udpQuery('db.shop.svc.cluster.local'));
    return a.length === 2 ? a : undefined;
  }, 'db-1 in the headless answer');
  assert.deepEqual(got, ['10.244.0.7', '10.244.0.8']);
  assert.deepEqual(addresses(await udpQuery('db-1.db.shop.svc.cluster.local')), ['10.244.0.8']);
});

test('ExternalName is a CNAME; unknown cluster names are NXDOMAIN', { skip }, async () => {
  const ext = await udpQuery('ext.shop.svc.cluster.local');
  assert.equal(ext.answers[0]?.type, Packet.TYPE.CNAME);
  assert.equal(ext.answers[0]?.domain, 'outside.example');
  const nx = await udpQuery('nothere.shop.svc.cluster.local');
  assert.equal(nx.header.rcode, 3);
  assert.equal(nx.authorities[0]?.type, Packet.TYPE.SOA);
});

test('other names are forwarded to the upstream; a silent upstream is given up on in bounded time', { skip }, async () => {
  const fwd = await udpQuery('outside.example');
  assert.deepEqual(addresses(fwd), ['192.0.2.55']);
  assert.deepEqual(addresses(await tcpQuery('outside.example')), ['192.0.2.55']);
  // The first upstream answers NOERROR/empty for this name, so the silent one is never asked...
  const empty = await udpQuery('nothing.example', 'AAAA');
  assert.equal(empty.header.rcode, 0);
  assert.equal(empty.answers.length, 0);
  // ...until the first one is gone: then the silent one times out (500 ms) and the client gets SERVFAIL.
  upstreamClosed = true;
  await upstream.close();
  const started = Date.now();
  const fail = await udpQuery('outside.example');
  assert.equal(fail.header.rcode, 2);
  assert.ok(Date.now() - started < 3000, `SERVFAIL after ${Date.now() - started} ms`);
});

test('/health answers OK and /ready 200 once synced', { skip }, async () => {
  const health = await fetch(`http://127.0.0.1:${healthPort}/health`);
  assert.equal(health.status, 200);
  assert.equal(await health.text(), 'OK');
  assert.equal((await fetch(`http://127.0.0.1:${readyPort}/ready`)).status, 200);
});
