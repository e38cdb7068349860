// Integration test of deploy/etcd.ts against the real Debian etcd binary, on free loopback ports in
// a temp state dir: start, reuse, mTLS enforced, stop by pid, and refusal of a foreign listener.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { ensureEtcd, etcdPid, etcdUnhealthyReason, stopEtcd } from './etcd.js';
import { defaultClusterOptions, type ClusterOptions } from './options.js';
import { ensurePki, type PkiFiles } from './pki.js';
import { freePorts, get } from './probe.js';
import { isOurProcess } from './processes.js';

describe('etcd of a local cluster', () => {
  let options: ClusterOptions;
  let files: PkiFiles;

  before(async () => {
    const [etcdClientPort, etcdPeerPort, etcdMetricsPort, apiserverPort] = await freePorts(4);
    options = defaultClusterOptions({
      stateDir: mkdtempSync(path.join(os.tmpdir(), 'k8ts-etcd-')),
      apiserverPort, etcdClientPort, etcdPeerPort, etcdMetricsPort,
      log: () => undefined,
    });
    files = ensurePki(options.stateDir).files;
  });
  after(async () => {
    await stopEtcd(options);
    rmSync(options.stateDir, { recursive: true, force: true });
  });

  test('starts etcd with mTLS on 127.0.0.1, reuses it, and stops it by pid', async () => {
    const first = await ensureEtcd(options, files);
    assert.equal(first.state, 'started');
    assert.equal(first.endpoint.url, `https://127.0.0.1:${options.etcdClientPort}`);
    assert.ok(first.pid !== undefined && isOurProcess(first.pid, 'etcd'));
    assert.equal(await etcdUnhealthyReason(first.endpoint), undefined);

    // Without a client certificate the TLS handshake or the request must fail.
    await assert.rejects(get(`${first.endpoint.url}/health`, { ca: readFileSync(files.caCert) }));

    const metrics = await get(`http://127.0.0.1:${options.etcdMetricsPort}/metrics`);
    assert.equal(metrics.status, 200);

    const second = await ensureEtcd(options, files);
    assert.deepEqual({ state: second.state, pid: second.pid }, { state: 'running', pid: first.pid });

    assert.equal(await stopEtcd(options), 'terminated');
    assert.equal(isOurProcess(first.pid, 'etcd'), false);
    assert.equal(etcdPid(options), undefined);
    assert.notEqual(await etcdUnhealthyReason(first.endpoint), undefined);
  });

  test('refuses a port held by something that is not etcd', async () => {
    const sockets = new Set<net.Socket>();
    const squatter = net.createServer((socket) => {
      sockets.add(socket);
      socket.on('error', () => undefined); // probes hang up on it mid-way
      socket.end('HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\n\r\n');
    });
    await new Promise<void>((resolve, reject) => {
      squatter.once('error', reject);
      squatter.listen(options.etcdClientPort, '127.0.0.1', resolve);
    });
    try {
      await assert.rejects(ensureEtcd(options, files), /in use by something that is not an etcd/);
      assert.equal(etcdPid(options), undefined);
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => squatter.close(resolve));
    }
  });
});
