// kube-proxy's syncer on real iptables, inside a network namespace this test creates (never the
// host's rules): a Service's cluster IP reaches its endpoint through the DNAT rules, an endpoint
// change is applied, a Service without endpoints is rejected, and --cleanup leaves no KUBE- chain.
import assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { randomInt } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { pino } from 'pino';
import { createRunner } from '../../kube-proxy/iptables-runner.js';
import { servicePorts, type EndpointSliceObject, type ServiceObject } from '../../kube-proxy/service-ports.js';
import { Syncer } from '../../kube-proxy/syncer.js';

const skip = process.getuid?.() !== 0 ? 'needs root (network namespaces, iptables)'
  : spawnSync('sh', ['-c', 'command -v iptables-restore && command -v nsenter && command -v busybox'], { stdio: 'ignore' }).status !== 0
    ? 'iptables, nsenter or busybox missing' : undefined;
const netns = `k8ts-kp-test-${randomInt(1e6)}`;
const netnsPath = `/var/run/netns/${netns}`;
const docroot = mkdtempSync(path.join(os.tmpdir(), 'k8ts-kp-'));
const servers: ChildProcess[] = [];

function inNetns(args: string[]): string {
  return execFileSync('nsenter', [`--net=${netnsPath}`, ...args], { encoding: 'utf8', timeout: 10_000 });
}

function fetch(url: string): { ok: boolean; body: string } {
  const r = spawnSync('nsenter', [`--net=${netnsPath}`, 'busybox', 'wget', '-q', '-O', '-', url], { encoding: 'utf8', timeout: 5_000 });
  return { ok: r.status === 0, body: r.stdout };
}

function serve(ip: string, port: number, body: string): void {
  const dir = path.join(docroot, `${ip}-${port}`);
  execFileSync('mkdir', ['-p', dir]);
  writeFileSync(path.join(dir, 'index.html'), body);
  const child = spawn('nsenter', [`--net=${netnsPath}`, 'busybox', 'httpd', '-f', '-p', `${ip}:${port}`, '-h', dir], { stdio: 'ignore' });
  servers.push(child);
}

async function waitFor(check: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

before(() => {
  if (skip) return;
  execFileSync('ip', ['netns', 'add', netns]);
  inNetns(['ip', 'link', 'set', 'lo', 'up']);
  // A veth pair inside the namespace (this kernel has no dummy driver): one end holds the addresses.
  inNetns(['ip', 'link', 'add', 'k8ts-dummy', 'type', 'veth', 'peer', 'name', 'k8ts-peer']);
  inNetns(['ip', 'link', 'set', 'k8ts-peer', 'up']);
  inNetns(['ip', 'addr', 'add', '10.77.0.1/24', 'dev', 'k8ts-dummy']);
  inNetns(['ip', 'addr', 'add', '10.77.0.2/24', 'dev', 'k8ts-dummy']);
  inNetns(['ip', 'link', 'set', 'k8ts-dummy', 'up']);
  inNetns(['ip', 'route', 'add', 'default', 'dev', 'k8ts-dummy']);
});

after(() => {
  for (const s of servers) s.kill('SIGKILL');
  if (!skip) spawnSync('ip', ['netns', 'del', netns]);
  rmSync(docroot, { recursive: true, force: true });
});

const service: ServiceObject = {
  apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'default' },
  spec: { type: 'ClusterIP', clusterIP: '10.96.77.10', ports: [{ name: 'http', port: 80, protocol: 'TCP' }] },
};
const empty: ServiceObject = {
  apiVersion: 'v1', kind: 'Service', metadata: { name: 'empty', namespace: 'default' },
  spec: { type: 'ClusterIP', clusterIP: '10.96.77.11', ports: [{ port: 80, protocol: 'TCP' }] },
};
const sliceTo = (ip: string): EndpointSliceObject => ({
  apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice', addressType: 'IPv4',
  metadata: { name: 'web-xyz', namespace: 'default', labels: { 'kubernetes.io/service-name': 'web' } },
  endpoints: [{ addresses: [ip], conditions: { ready: true } }], ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
});

test('the syncer programs cluster IPs in a network namespace and cleanup removes every chain', { skip }, async () => {
  serve('10.77.0.1', 8080, 'backend-one\n');
  serve('10.77.0.2', 8080, 'backend-two\n');
  let slices = [sliceTo('10.77.0.1')];
  const syncer = new Syncer({
    runner: createRunner(netnsPath),
    ports: () => servicePorts([service, empty], slices, 'node-a'),
    clusterCIDR: '10.244.0.0/16',
    minSyncPeriodMs: 0,
    syncPeriodMs: 60_000,
    logger: pino({ level: 'silent' }),
  });
  await syncer.syncOnce();
  assert.ok(syncer.healthy, 'first sync succeeded');
  await waitFor(() => fetch('http://10.96.77.10/').body === 'backend-one\n', 'the cluster IP to reach backend one');

  slices = [sliceTo('10.77.0.2')];
  await syncer.syncOnce();
  await waitFor(() => fetch('http://10.96.77.10/').body === 'backend-two\n', 'the cluster IP to follow the endpoint change');

  const rejected = fetch('http://10.96.77.11/');
  assert.equal(rejected.ok, false, 'a Service without endpoints is rejected');
  const filter = inNetns(['iptables-save', '-t', 'filter']);
  assert.match(filter, /default\/empty has no endpoints.*-j REJECT/);
  assert.match(filter, /-A OUTPUT -m conntrack --ctstate NEW -m comment --comment "kubernetes service portals" -j KUBE-SERVICES/);
  // A second sync of an unchanged world writes nothing; stale endpoint chains are gone.
  const restores = syncer.restores;
  await syncer.syncOnce();
  assert.equal(syncer.restores, restores, 'an unchanged world is not written again');
  const nat = inNetns(['iptables-save', '-t', 'nat']);
  assert.equal((nat.match(/^:KUBE-SEP-/gm) ?? []).length, 1, 'only the current endpoint has a chain');

  await syncer.cleanup();
  for (const table of ['nat', 'filter']) {
    assert.doesNotMatch(inNetns(['iptables-save', '-t', table]), /KUBE-/, `no KUBE- chain or jump left in ${table}`);
  }
});
