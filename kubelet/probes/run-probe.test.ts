import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import type Docker from 'dockerode';
import type { Probe } from '../../api/types.js';
import { runProbe } from './run-probe.js';
import { runLifecycleHandler } from './lifecycle.js';

const docker = {} as Docker;

async function listen(server: http.Server | net.Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as net.AddressInfo).port;
}

test('httpGet: status classes, headers, redirects, named ports, timeouts', async (t) => {
  const seen: http.IncomingHttpHeaders[] = [];
  let hang: http.ServerResponse | undefined;
  const server = http.createServer((req, res) => {
    seen.push(req.headers);
    const url = new URL(req.url!, 'http://x');
    switch (url.pathname) {
      case '/ok': res.end('fine'); return;
      case '/500': res.writeHead(500); res.end('secret detail'); return;
      case '/404': res.writeHead(404); res.end(); return;
      case '/redirect-same': res.writeHead(302, { Location: '/ok' }); res.end(); return;
      case '/redirect-other': res.writeHead(302, { Location: 'http://127.0.0.2:1/elsewhere' }); res.end('moved'); return;
      case '/loop': res.writeHead(302, { Location: '/loop' }); res.end(); return;
      case '/redirect-500': res.writeHead(301, { Location: '/500' }); res.end(); return;
      case '/slow': hang = res; return;
    }
  });
  const port = await listen(server);
  t.after(() => {
    hang?.destroy();
    server.closeAllConnections();
    server.close();
  });
  const probe = (path: string, extra: Partial<NonNullable<Probe['httpGet']>> = {}, timeoutSeconds = 1): Probe => ({ httpGet: { path, port, ...extra }, timeoutSeconds });
  const target = { podIP: '127.0.0.1', containerId: 'none', container: { name: 'c', ports: [{ name: 'web', containerPort: port }] } };

  assert.deepEqual(await runProbe(docker, probe('/ok'), target), { result: 'success', message: 'fine' });
  assert.equal(seen[0]!['user-agent'], 'kube-probe/1.32');
  assert.equal(seen[0]!.accept, '*/*');
  assert.deepEqual(await runProbe(docker, probe('/500'), target), { result: 'failure', message: 'HTTP probe failed with statuscode: 500' });
  assert.deepEqual(await runProbe(docker, probe('/404'), target), { result: 'failure', message: 'HTTP probe failed with statuscode: 404' });
  assert.deepEqual(await runProbe(docker, probe('/redirect-same'), target), { result: 'success', message: 'fine' });
  assert.deepEqual(await runProbe(docker, probe('/redirect-500'), target), { result: 'failure', message: 'HTTP probe failed with statuscode: 500' });
  assert.deepEqual(await runProbe(docker, probe('/redirect-other'), target), { result: 'success', warning: true, message: 'Probe terminated redirects, Response body: moved' });
  assert.deepEqual(await runProbe(docker, probe('/loop'), target), { result: 'failure', message: `Get "http://127.0.0.1:${port}/loop": stopped after 10 redirects` });

  seen.length = 0;
  await runProbe(docker, probe('/ok', { port: 'web', httpHeaders: [{ name: 'X-Custom', value: 'v' }, { name: 'User-Agent', value: 'mine' }, { name: 'Host', value: 'example.test' }] }), target);
  assert.equal(seen[0]!['x-custom'], 'v');
  assert.equal(seen[0]!['user-agent'], 'mine');
  assert.equal(seen[0]!.host, 'example.test');
  assert.deepEqual(await runProbe(docker, probe('/ok', { port: 'nope' }), target), { result: 'failure', message: 'port nope not found' });

  const slow = await runProbe(docker, probe('/slow', {}, 1), target);
  assert.deepEqual(slow, { result: 'failure', message: `Get "http://127.0.0.1:${port}/slow": context deadline exceeded (Client.Timeout exceeded while awaiting headers)` });

  const closed = net.createServer();
  const closedPort = await listen(closed);
  await new Promise((r) => closed.close(r));
  assert.deepEqual(await runProbe(docker, { httpGet: { path: '/', port: closedPort } }, target), {
    result: 'failure',
    message: `Get "http://127.0.0.1:${closedPort}/": dial tcp 127.0.0.1:${closedPort}: connect: connection refused`,
  });
});

test('tcpSocket: connect succeeds on a listener, refused otherwise; grpc is refused clearly', async (t) => {
  const server = net.createServer((s) => s.destroy());
  const port = await listen(server);
  t.after(() => server.close());
  const target = { podIP: '127.0.0.1', containerId: 'none' };
  assert.deepEqual(await runProbe(docker, { tcpSocket: { port } }, target), { result: 'success', message: '' });
  const closed = net.createServer();
  const closedPort = await listen(closed);
  await new Promise((r) => closed.close(r));
  assert.deepEqual(await runProbe(docker, { tcpSocket: { port: closedPort } }, target), { result: 'failure', message: `dial tcp 127.0.0.1:${closedPort}: connect: connection refused` });
  assert.deepEqual(await runProbe(docker, { grpc: { port: 9000 } }, target), { result: 'failure', message: 'gRPC probes are not supported by k8ts' });
});

test('httpGet lifecycle hook: any response is success, no answer fails with upstream text', async (t) => {
  let hits = 0;
  const server = http.createServer((_req, res) => {
    hits++;
    res.writeHead(500);
    res.end();
  });
  const port = await listen(server);
  t.after(() => server.close());
  const pod = { metadata: { name: 'p', namespace: 'ns', uid: 'u1' } };
  const target = { podIP: '127.0.0.1', containerId: 'none', container: { name: 'c' }, pod };
  assert.deepEqual(await runLifecycleHandler(docker, { httpGet: { path: '/hook', port } }, target, 2000), { ok: true, message: '' });
  assert.equal(hits, 1);
  const closed = net.createServer();
  const closedPort = await listen(closed);
  await new Promise((r) => closed.close(r));
  assert.deepEqual(await runLifecycleHandler(docker, { httpGet: { path: '/hook', port: closedPort } }, target, 2000), {
    ok: false,
    message: `HTTP lifecycle hook (/hook) for Container "c" in Pod "p_ns(u1)" failed - error: Get "http://127.0.0.1:${closedPort}/hook": dial tcp 127.0.0.1:${closedPort}: connect: connection refused`,
  });
});
