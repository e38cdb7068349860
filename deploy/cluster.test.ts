// Integration test of deploy/cluster.ts: a real etcd and the built apiserver in a temp state dir on
// free loopback ports; up, up again (reuse), status, down (no process left), reset (state gone).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import YAML from 'yaml';
import { down, reset, status, up, type UpResult } from './cluster.js';
import { defaultClusterOptions, type ClusterOptions } from './options.js';
import { freePorts, get } from './probe.js';
import { isOurProcess } from './processes.js';

describe('local cluster life cycle', () => {
  let options: ClusterOptions;
  let lines: string[];
  let first: UpResult;

  before(async () => {
    const [apiserverPort, etcdClientPort, etcdPeerPort, etcdMetricsPort] = await freePorts(4);
    lines = [];
    options = defaultClusterOptions({
      stateDir: mkdtempSync(path.join(os.tmpdir(), 'k8ts-cluster-')),
      apiserverPort, etcdClientPort, etcdPeerPort, etcdMetricsPort,
      bindAddress: '127.0.0.1',
      log: (line) => { lines.push(line); },
    });
  });
  after(async () => {
    await down(options).catch(() => undefined);
    rmSync(options.stateDir, { recursive: true, force: true });
  });

  test('up starts etcd and the apiserver and reports each step', async () => {
    first = await up(options);
    assert.ok(lines.some((l) => l.startsWith('[k8ts] pki: ok (wrote ')), lines.join('\n'));
    assert.ok(lines.includes(`[k8ts] etcd: started (pid ${first.etcdPid}) on https://127.0.0.1:${options.etcdClientPort}`), lines.join('\n'));
    assert.ok(lines.includes(`[k8ts] apiserver: started (pid ${first.apiserverPid}) on https://127.0.0.1:${options.apiserverPort}`));
    assert.ok(lines.includes('[k8ts] apiserver: ready'));
    assert.ok(lines.includes(`  export KUBECONFIG=${path.join(options.stateDir, 'admin.kubeconfig')}`));
    assert.equal(first.server, `https://127.0.0.1:${options.apiserverPort}`);
    assert.match(first.token, /^[0-9a-f]{48}$/);
  });

  test('/readyz answers ok over verified TLS', async () => {
    const res = await get(`${first.server}/readyz`, { ca: readFileSync(first.caFile) });
    assert.deepEqual({ status: res.status, body: res.body.trim() }, { status: 200, body: 'ok' });
  });

  test('the admin kubeconfig names the cluster, the CA and the admin credentials inline', () => {
    const config = YAML.parse(readFileSync(first.kubeconfig, 'utf8'));
    assert.equal(config['current-context'], 'k8ts');
    assert.deepEqual(config.contexts, [{ name: 'k8ts', context: { cluster: 'k8ts', user: 'k8ts-admin' } }]);
    const cluster = config.clusters[0].cluster;
    assert.equal(cluster.server, first.server);
    assert.equal(Buffer.from(cluster['certificate-authority-data'], 'base64').toString(), readFileSync(first.caFile, 'utf8'));
    const user = config.users[0].user;
    assert.equal(Buffer.from(user['client-certificate-data'], 'base64').toString(), readFileSync(first.adminCertFile, 'utf8'));
    assert.equal(Buffer.from(user['client-key-data'], 'base64').toString(), readFileSync(first.adminKeyFile, 'utf8'));
  });

  test('up again reuses the running daemons', async () => {
    lines.length = 0;
    const again = await up(options);
    assert.deepEqual([again.etcdPid, again.apiserverPid], [first.etcdPid, first.apiserverPid]);
    assert.ok(lines.includes('[k8ts] pki: ok'), lines.join('\n'));
    assert.ok(lines.includes(`[k8ts] etcd: already running (pid ${first.etcdPid}) on https://127.0.0.1:${options.etcdClientPort}`));
    assert.ok(lines.includes(`[k8ts] apiserver: already running (pid ${first.apiserverPid})`));
  });

  test('status shows both daemons running and ready', async () => {
    const s = await status(options);
    assert.deepEqual(s, {
      etcd: { pid: first.etcdPid, healthy: true },
      apiserver: { pid: first.apiserverPid, ready: true },
    });
  });

  test('down stops both processes and keeps the state', async () => {
    await down(options);
    assert.equal(isOurProcess(first.apiserverPid, 'apiserver'), false);
    assert.equal(isOurProcess(first.etcdPid!, 'etcd'), false);
    assert.ok(existsSync(path.join(options.stateDir, 'pki', 'ca.crt')));
    const s = await status(options);
    assert.deepEqual([s.etcd.pid, s.apiserver.pid, s.apiserver.ready], [undefined, undefined, false]);
  });

  test('reset removes the state dir', async () => {
    await reset(options);
    assert.equal(existsSync(options.stateDir), false);
  });
});
