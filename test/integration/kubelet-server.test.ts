// The kubelet's HTTPS API on real Docker and the apiserver's pods/log and pods/exec proxy to it,
// driven by the stock kubectl: logs (also -f and --previous), exec with exit codes and stdin, the
// upstream error lines, client-certificate authentication and /stats/summary.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import https from 'node:https';
import path from 'node:path';
import { after, before, test } from 'node:test';
import WebSocket from 'ws';
import type { Pod } from '../../api/types.js';
import { kubectlSkip, runProcess } from '../support/cli.js';
import { dockerUnavailable } from '../support/docker.js';
import { createPod, setRunningStatus, startKubeletFixture, type KubeletFixture } from '../support/kubelet-server-fixture.js';

const skip = dockerUnavailable() ?? kubectlSkip;
let f: KubeletFixture;
let web: Pod;

function kubectl(args: string[], input?: string) {
  return runProcess('kubectl', [`--kubeconfig=${f.cluster.kubeconfig}`, ...args], { input });
}

/** GET on the kubelet, with the admin client certificate or none. */
function kubeletGet(pathname: string, withCert: boolean): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = https.get(
      {
        host: '127.0.0.1',
        port: f.server.port,
        path: pathname,
        ca: readFileSync(path.join(f.pkiDir, 'ca.crt')),
        ...(withCert ? { cert: readFileSync(f.cluster.adminCertFile), key: readFileSync(f.cluster.adminKeyFile) } : {}),
        agent: false,
      },
      (res) => {
        let body = '';
        res.on('data', (d) => (body += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on('error', reject);
  });
}

/** Waits (deadline, no fixed sleep) until `read()` contains `text`. */
async function waitFor(read: () => string, text: string, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!read().includes(text)) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${JSON.stringify(text)}; got ${JSON.stringify(read())}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

before(async () => {
  if (skip) return;
  f = await startKubeletFixture();
  web = await createPod(f, 'web', ['web']);
  // A first run that exited (for --previous), then the current one.
  const first = await f.runContainer(web, 'web', 0, ['sh', '-c', 'echo first-run']);
  await first.wait();
  const current = await f.runContainer(web, 'web', 1, [
    'sh', '-c',
    'echo hello-from-web; echo warning-on-stderr >&2; while true; do if [ -f /tmp/go ]; then echo follow-line; rm /tmp/go; fi; sleep 0.1; done',
  ]);
  await setRunningStatus(f, web, { web: current.id }, { web: first.id });
  const two = await createPod(f, 'two', ['a', 'b']);
  const a = await f.runContainer(two, 'a', 0, ['sh', '-c', 'echo from-a; sleep 3600']);
  const b = await f.runContainer(two, 'b', 0, ['sh', '-c', 'echo from-b; sleep 3600']);
  await setRunningStatus(f, two, { a: a.id, b: b.id });
  await createPod(f, 'pending', ['main'], false);
  // Bound, but no container exists yet (the kubelet has not started it).
  await createPod(f, 'creating', ['main']);
  await f.refreshPods();
});

after(async () => {
  if (!skip) await f?.stop();
});

test('the kubelet refuses a client without a certificate with 401 Unauthorized', { skip }, async () => {
  const anonymous = await kubeletGet('/pods', false);
  assert.equal(anonymous.status, 401);
  assert.equal(anonymous.body, 'Unauthorized');
  const healthz = await kubeletGet('/healthz', true);
  assert.deepEqual(healthz, { status: 200, body: 'ok' });
});

test('the kubelet lists its pods at /pods', { skip }, async () => {
  const res = await kubeletGet('/pods', true);
  assert.equal(res.status, 200);
  const list = JSON.parse(res.body);
  assert.equal(list.kind, 'PodList');
  assert.deepEqual(list.items.map((p: Pod) => p.metadata?.name).sort(), ['creating', 'two', 'web']);
});

test('kubectl logs reads the container through the apiserver and the kubelet', { skip }, async () => {
  const logs = await kubectl(['logs', 'web']);
  assert.equal(logs.code, 0, logs.err);
  // Docker orders a container's stdout and stderr lines by arrival; close together, either may come first.
  assert.deepEqual(logs.out.split('\n').sort(), ['', 'hello-from-web', 'warning-on-stderr']);
  const previous = await kubectl(['logs', 'web', '--previous']);
  assert.equal(previous.code, 0, previous.err);
  assert.equal(previous.out, 'first-run\n');
  const tail = await kubectl(['logs', 'web', '--tail=1']);
  assert.equal(tail.out, logs.out.split('\n')[1] + '\n');
  const stamped = await kubectl(['logs', 'web', '--timestamps']);
  assert.match(stamped.out, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z (hello-from-web|warning-on-stderr)\n/m);
  const limited = await kubectl(['logs', 'web', '--limit-bytes=5']);
  assert.equal(limited.out, logs.out.slice(0, 5));
  const b = await kubectl(['logs', 'two', '-c', 'b']);
  assert.equal(b.out, 'from-b\n');
});

test('kubectl logs -f streams lines written after it started', { skip }, async () => {
  const child = spawn('kubectl', [`--kubeconfig=${f.cluster.kubeconfig}`, 'logs', '-f', 'web'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  try {
    await waitFor(() => out, 'hello-from-web');
    const trigger = await kubectl(['exec', 'web', '--', 'touch', '/tmp/go']);
    assert.equal(trigger.code, 0, trigger.err);
    await waitFor(() => out, 'follow-line');
  } finally {
    child.kill('SIGTERM');
  }
  // Stopping the client ends the apiserver's request to the kubelet, and with it the followed log.
  const following = async () => {
    const metrics = (await kubeletGet('/metrics', true)).body;
    return /kubelet_http_inflight_requests\{method="get",path="containerLogs",server_type="readwrite",long_running="true"\} 0/.test(metrics);
  };
  const end = Date.now() + 10_000;
  while (!(await following())) {
    assert.ok(Date.now() < end, 'the followed log request is still open at the kubelet');
    await new Promise((r) => setTimeout(r, 100));
  }
});

test('kubectl exec returns output, stdin and the exit code of the command', { skip }, async () => {
  const both = await kubectl(['exec', 'web', '--', 'sh', '-c', 'echo out; echo err >&2']);
  assert.deepEqual([both.code, both.out, both.err], [0, 'out\n', 'err\n']);
  const three = await kubectl(['exec', 'web', '--', 'sh', '-c', 'exit 3']);
  assert.equal(three.code, 3);
  assert.equal(three.err, 'command terminated with exit code 3\n');
  const stdin = await kubectl(['exec', '-i', 'web', '--', 'sh', '-c', 'tr a-z A-Z'], 'piped through\n');
  assert.deepEqual([stdin.code, stdin.out], [0, 'PIPED THROUGH\n']);
  const inB = await kubectl(['exec', 'two', '-c', 'b', '--', 'hostname']);
  assert.equal(inB.code, 0, inB.err);
});

test('errors read as upstream: unknown pod, no node, many containers, not started', { skip }, async () => {
  const missing = await kubectl(['logs', 'nosuchpod']);
  assert.equal(missing.code, 1);
  // kubectl reads the pod first and words this error itself.
  assert.equal(missing.err, 'error: error from server (NotFound): pods "nosuchpod" not found in namespace "default"\n');
  const missingRaw = await kubectl(['get', '--raw', '/api/v1/namespaces/default/pods/nosuchpod/log']);
  assert.equal(missingRaw.err, 'Error from server (NotFound): pods "nosuchpod" not found\n');
  const unbound = await kubectl(['exec', 'pending', '--', 'true']);
  assert.equal(unbound.code, 1);
  assert.equal(unbound.err, 'Error from server (BadRequest): pod pending does not have a host assigned\n');
  const creating = await kubectl(['logs', 'creating']);
  assert.equal(creating.code, 1);
  assert.equal(creating.err, 'Error from server (BadRequest): container "main" in pod "creating" is waiting to start: ContainerCreating\n');
  const notRunning = await kubectl(['exec', 'creating', '--', 'true']);
  assert.equal(notRunning.code, 1);
  assert.equal(notRunning.err, 'error: unable to upgrade connection: container not found ("main")\n');
  const badContainer = await kubectl(['logs', 'web', '-c', 'nope']);
  assert.equal(badContainer.err, 'error: container nope is not valid for pod web\n');
  // The apiserver's own answer when no container is named for a pod with several.
  const raw = await kubectl(['get', '--raw', '/api/v1/namespaces/default/pods/two/log']);
  assert.equal(raw.code, 1);
  assert.match(raw.err, /a container name must be specified for pod two, choose one of: \[a b\]/);
});

test('the kubelet reports /stats/summary for the node and its pods', { skip }, async () => {
  const res = await kubeletGet('/stats/summary', true);
  assert.equal(res.status, 200, res.body);
  const summary = JSON.parse(res.body);
  assert.equal(summary.node.nodeName, f.nodeName);
  assert.ok(summary.node.cpu.usageCoreNanoSeconds > 0);
  assert.ok(summary.node.memory.workingSetBytes > 0);
  const webStats = summary.pods.find((p: { podRef: { name: string } }) => p.podRef.name === 'web');
  assert.equal(webStats.podRef.uid, web.metadata!.uid);
  assert.deepEqual(webStats.containers.map((c: { name: string }) => c.name), ['web']);
  assert.ok(webStats.containers[0].memory.workingSetBytes > 0);
  assert.ok(webStats.containers[0].cpu.usageCoreNanoSeconds > 0);
  const metrics = await kubeletGet('/metrics', true);
  assert.match(metrics.body, /kubelet_http_requests_total\{method="get",path="stats"/);
});

test('a v5 WebSocket exec with a TTY resizes the terminal and carries the exit code', { skip }, async () => {
  const query = new URLSearchParams([['command', 'sh'], ['command', '-c'], ['command',
    // Polls (bounded) until the resize reached the terminal, then echoes stdin until EOF.
    'for i in $(seq 100); do [ "$(stty size)" = "30 100" ] && break; sleep 0.05; done; stty size; cat; exit 5'],
    ['stdin', 'true'], ['stdout', 'true'], ['tty', 'true']]);
  const url = `${f.cluster.server.replace('https:', 'wss:')}/api/v1/namespaces/default/pods/web/exec?${query}`;
  const ws = new WebSocket(url, ['v5.channel.k8s.io', 'v4.channel.k8s.io'], {
    ca: readFileSync(f.cluster.caFile), cert: readFileSync(f.cluster.adminCertFile), key: readFileSync(f.cluster.adminKeyFile),
  });
  let stdout = '';
  let status = '';
  const closed = new Promise<void>((resolve, reject) => {
    ws.on('close', () => resolve());
    ws.on('error', reject);
  });
  ws.on('message', (data: Buffer) => {
    if (data[0] === 1) stdout += data.subarray(1).toString();
    if (data[0] === 3) status += data.subarray(1).toString();
  });
  await new Promise<void>((resolve, reject) => { ws.once('open', () => resolve()); ws.once('error', reject); });
  assert.equal(ws.protocol, 'v5.channel.k8s.io');
  ws.send(Buffer.concat([Buffer.from([4]), Buffer.from('{"Width":100,"Height":30}')]));
  await waitFor(() => stdout, '30 100');
  ws.send(Buffer.concat([Buffer.from([0]), Buffer.from('typed\n')]));
  await waitFor(() => stdout, 'typed');
  // End of input on a terminal is ^D, as a user types it.
  ws.send(Buffer.from([0, 4]));
  await closed;
  const parsed = JSON.parse(status);
  assert.equal(parsed.reason, 'NonZeroExitCode');
  assert.deepEqual(parsed.details.causes, [{ reason: 'ExitCode', message: '5' }]);
});

test('the apiserver refuses an anonymous exec upgrade and a non-upgrade exec as upstream', { skip }, async () => {
  const url = `${f.cluster.server.replace('https:', 'wss:')}/api/v1/namespaces/default/pods/web/exec?command=true&stdout=true`;
  const ws = new WebSocket(url, ['v5.channel.k8s.io'], { ca: readFileSync(f.cluster.caFile) });
  const code = await new Promise<number>((resolve) => {
    ws.on('unexpected-response', (_req, res) => { resolve(res.statusCode ?? 0); res.resume(); });
    ws.on('error', () => resolve(-1));
  });
  assert.equal(code, 401);
  // An upgrade request anywhere else is answered by the ordinary routes.
  const other = new WebSocket(`${f.cluster.server.replace('https:', 'wss:')}/version`, { ca: readFileSync(f.cluster.caFile) });
  const answer = await new Promise<{ code: number; body: string }>((resolve) => {
    other.on('unexpected-response', (_req, res) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve({ code: res.statusCode ?? 0, body }));
    });
    other.on('error', () => resolve({ code: -1, body: '' }));
  });
  assert.equal(answer.code, 200);
  assert.ok(JSON.parse(answer.body).gitVersion);
  const plain = await kubectl(['get', '--raw', '/api/v1/namespaces/default/pods/web/exec?command=true&stdout=true']);
  assert.equal(plain.err, 'Error from server (BadRequest): Upgrade request required\n');
});
