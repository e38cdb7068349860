// Probes and lifecycle hooks against real busybox containers (Docker): exec probes (exit codes,
// output, timeouts that kill the command), httpGet/tcpSocket to the container's IP, exec/httpGet/sleep
// hooks, and a ProbeManager on the real clock reporting a liveness failure. Every container carries
// k8ts.io/node-name=test-probes-<random> and is removed at the end.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import Docker from 'dockerode';
import { pino } from 'pino';
import type { Container, Pod } from '../../api/types.js';
import { ensureDocker, dockerUnavailable } from '../support/docker.js';
import { ProbeManager, runLifecycleHandler, runProbe, execInContainer } from '../../kubelet/probes/index.js';

const NODE = `test-probes-${crypto.randomBytes(4).toString('hex')}`;
const skip = dockerUnavailable();

async function waitFor<T>(what: string, fn: () => Promise<T | undefined> | T | undefined, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined && v !== false) return v as T;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('kubelet probes and hooks on real containers', { skip }, () => {
  let docker: Docker;
  let containerId: string;
  let ip: string;

  before(async () => {
    const { socket } = await ensureDocker();
    docker = new Docker({ socketPath: socket });
    const c = await docker.createContainer({
      Image: 'busybox:latest',
      name: `k8ts-${NODE}`,
      Cmd: ['sh', '-c', 'mkdir -p /www && echo hello > /www/index.html && httpd -p 8080 -h /www && exec sleep 3600'],
      Labels: { 'k8ts.io/node-name': NODE },
      HostConfig: { AutoRemove: false },
    });
    containerId = c.id;
    await c.start();
    ip = await waitFor('container IP', async () => (await c.inspect()).NetworkSettings.Networks['bridge']?.IPAddress || undefined);
    await waitFor('httpd', async () => (await runProbe(docker, { tcpSocket: { port: 8080 } }, { podIP: ip, containerId })).result === 'success' || undefined);
  });

  after(async () => {
    if (!docker) return;
    const leftovers = await docker.listContainers({ all: true, filters: { label: [`k8ts.io/node-name=${NODE}`] } });
    for (const c of leftovers) await docker.getContainer(c.Id).remove({ force: true });
  });

  it('exec probes: exit 0 succeeds, other exits fail with the output, a timeout fails and kills the command', async () => {
    assert.deepEqual(await runProbe(docker, { exec: { command: ['sh', '-c', 'echo fine'] } }, { containerId }), { result: 'success', message: 'fine\n' });
    assert.deepEqual(await runProbe(docker, { exec: { command: ['sh', '-c', 'echo out; echo err >&2; exit 3'] } }, { containerId }), { result: 'failure', message: 'out\nerr\n' });
    const started = Date.now();
    assert.deepEqual(await runProbe(docker, { exec: { command: ['sleep', '37'] }, timeoutSeconds: 1 }, { containerId }), { result: 'failure', message: 'command "sleep 37" timed out' });
    assert.ok(Date.now() - started < 5000, 'the probe returns at its timeout');
    await waitFor('the timed-out command to be killed', async () => {
      const ps = await execInContainer(docker, containerId, ['ps'], 5000);
      return !ps.output.includes('sleep 37') || undefined;
    });
    const missing = await runProbe(docker, { exec: { command: ['true'] } }, { containerId: 'no-such-container' });
    assert.equal(missing.result, 'failure');
    assert.match(missing.message, /no such container/i);
  });

  it('httpGet and tcpSocket reach the container IP', async () => {
    assert.deepEqual(await runProbe(docker, { httpGet: { path: '/index.html', port: 8080 } }, { podIP: ip, containerId }), { result: 'success', message: 'hello\n' });
    assert.deepEqual(await runProbe(docker, { httpGet: { path: '/missing', port: 'http' } }, { podIP: ip, containerId, container: { name: 'c', ports: [{ name: 'http', containerPort: 8080 }] } }), {
      result: 'failure',
      message: 'HTTP probe failed with statuscode: 404',
    });
    assert.deepEqual(await runProbe(docker, { tcpSocket: { port: 8081 } }, { podIP: ip, containerId }), { result: 'failure', message: `dial tcp ${ip}:8081: connect: connection refused` });
  });

  it('lifecycle hooks: exec runs in the container, failures carry upstream text, sleep waits', async () => {
    const pod: Pod = { metadata: { name: 'web', namespace: 'default', uid: 'uid-9' }, spec: { containers: [] } };
    const container: Container = { name: 'app', ports: [{ name: 'http', containerPort: 8080 }] };
    const target = { containerId, podIP: ip, container, pod };
    assert.deepEqual(await runLifecycleHandler(docker, { exec: { command: ['sh', '-c', 'echo started > /tmp/poststart'] } }, target, 10_000), { ok: true, message: '' });
    assert.equal((await execInContainer(docker, containerId, ['cat', '/tmp/poststart'], 5000)).output, 'started\n');
    assert.deepEqual(await runLifecycleHandler(docker, { exec: { command: ['sh', '-c', 'echo oops; echo bad >&2; exit 7'] } }, target, 10_000), {
      ok: false,
      message: 'Exec lifecycle hook ([sh -c echo oops; echo bad >&2; exit 7]) for Container "app" in Pod "web_default(uid-9)" failed - error: command \'sh -c echo oops; echo bad >&2; exit 7\' exited with 7: bad\n, message: "oops\\nbad\\n"',
    });
    assert.deepEqual(await runLifecycleHandler(docker, { httpGet: { path: '/index.html', port: 'http' } }, target, 10_000), { ok: true, message: '' });
    const started = Date.now();
    assert.deepEqual(await runLifecycleHandler(docker, { sleep: { seconds: 1 } } as never, target, 10_000), { ok: true, message: '' });
    assert.ok(Date.now() - started >= 1000);
  });

  it('ProbeManager: a liveness probe that starts failing is reported once after failureThreshold failures', async () => {
    await execInContainer(docker, containerId, ['touch', '/tmp/healthy'], 5000);
    const results: Array<{ kind: string; result: string; message: string }> = [];
    const failures: string[] = [];
    const manager = new ProbeManager({
      docker,
      logger: pino({ level: 'silent' }),
      onResult: (_uid, _name, kind, result, message) => results.push({ kind, result, message }),
      onProbeFailed: (_uid, _name, _kind, message) => failures.push(message),
    });
    try {
      const container: Container = { name: 'app', livenessProbe: { exec: { command: ['sh', '-c', 'cat /tmp/healthy 2>/dev/null && echo ok || { echo missing; exit 1; }'] }, periodSeconds: 1, failureThreshold: 2 }, readinessProbe: { tcpSocket: { port: 8080 }, periodSeconds: 1 } };
      const pod: Pod = { metadata: { name: 'web', namespace: 'default', uid: 'uid-live' }, spec: { containers: [container] } };
      manager.syncPod(pod, new Map([['app', { containerId, startedAtMs: Date.now() }]]), ip);
      await waitFor('ready', () => manager.ready('uid-live', 'app') || undefined);
      assert.deepEqual(results, [{ kind: 'readiness', result: 'success', message: '' }]);
      await execInContainer(docker, containerId, ['rm', '/tmp/healthy'], 5000);
      await waitFor('liveness failure', () => results.find((r) => r.kind === 'liveness'));
      assert.deepEqual(results.filter((r) => r.kind === 'liveness'), [{ kind: 'liveness', result: 'failure', message: 'missing\n' }]);
      assert.ok(failures.length >= 2, 'every failed run is visible for Unhealthy events');
      assert.equal(manager.ready('uid-live', 'app'), true, 'readiness is independent of liveness');
    } finally {
      manager.stop();
    }
  });
});
