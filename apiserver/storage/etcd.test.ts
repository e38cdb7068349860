// Runs the shared Storage contract against a real, private etcd (test/support/etcd.ts), plus what only
// etcd shows: TTL leases, and behaviour when etcd dies and comes back. Network I/O only to loopback.
// Skips (with the reason) when /usr/bin/etcd is absent; leaves no etcd process behind.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startEtcd, etcdSkipReason, type TestEtcd, type TestEtcdTls } from '../../test/support/etcd.js';
import { storageContract, takeEvents, watchError } from './contract.js';
import { createEtcdStorage } from './etcd.js';
import { StorageError, StorageUnavailable } from './interface.js';

const skip = etcdSkipReason();
let etcd: TestEtcd | undefined;

before(async () => {
  if (!skip) etcd = await startEtcd();
});
after(async () => {
  await etcd?.stop();
});

function shared(): TestEtcd {
  if (!etcd) throw new Error('test etcd did not start');
  return etcd;
}

storageContract('etcd', async () => createEtcdStorage({ endpoints: [shared().endpoint] }), { skip });

describe('etcd storage', { skip }, () => {
  it('a key created with ttlSeconds is deleted by etcd when its lease expires', async () => {
    const s = createEtcdStorage({ endpoints: [shared().endpoint] });
    try {
      const start = await s.currentRevision();
      const w = s.watch('/ttl/', start);
      const created = await s.create('/ttl/event', 'short-lived', { ttlSeconds: 1 });
      // etcd rounds a lease up to its minimum TTL (2 s with default timings).
      const [put, del] = await takeEvents(w, 2, 10_000);
      w.close();
      assert.equal(put.revision, created);
      assert.equal(del.type, 'DELETE');
      assert.equal(del.prevValue, 'short-lived');
      assert.equal(await s.get('/ttl/event'), undefined);
    } finally {
      await s.close();
    }
  });

  it('list at a future revision fails with a StorageError, not Unavailable', async () => {
    const s = createEtcdStorage({ endpoints: [shared().endpoint] });
    try {
      const future = (await s.currentRevision()) + 1000;
      await assert.rejects(s.list('/', { revision: future }), (e: unknown) => {
        assert.ok(e instanceof StorageError && !(e instanceof StorageUnavailable), String(e));
        assert.match(e.message, /future revision/);
        return true;
      });
    } finally {
      await s.close();
    }
  });

  it('an unreachable endpoint fails calls and watches with Unavailable within the deadline', async () => {
    // A port we just saw free on loopback: nothing listens there.
    const { freePort } = await import('../../test/support/ports.js');
    const s = createEtcdStorage({ endpoints: [`http://127.0.0.1:${await freePort()}`] });
    try {
      const started = Date.now();
      await assert.rejects(s.get('/x'), StorageUnavailable);
      await assert.rejects(s.ping(), StorageUnavailable);
      await assert.rejects(s.create('/x', 'y'), StorageUnavailable);
      assert.ok((await watchError(s.watch('/', 0))) instanceof StorageUnavailable);
      assert.ok(Date.now() - started < 6000, `took ${Date.now() - started} ms`);
    } finally {
      await s.close();
    }
  });
});

describe('etcd storage when etcd dies', { skip }, () => {
  it('a request that times out on a stalled etcd fails with Unavailable but leaves watches open', async () => {
    const own = await startEtcd();
    const s = createEtcdStorage({ endpoints: [own.endpoint], requestTimeoutMs: 1000 });
    try {
      const w = s.watch('/stall/', await s.currentRevision());
      const first = takeEvents(w, 1);
      const r1 = await s.create('/stall/a', '1');
      assert.equal((await first)[0].revision, r1);

      process.kill(own.pid, 'SIGSTOP');
      try {
        const started = Date.now();
        await assert.rejects(s.get('/stall/a'), StorageUnavailable);
        const took = Date.now() - started;
        assert.ok(took >= 900 && took < 3000, `deadline took ${took} ms`);
      } finally {
        process.kill(own.pid, 'SIGCONT');
      }
      const next = takeEvents(w, 1);
      const r2 = await s.update('/stall/a', '2', r1);
      assert.equal((await next)[0].revision, r2);
      w.close();
    } finally {
      await s.close();
      await own.stop();
    }
  });

  it('ends watches with Unavailable, fails calls quickly, and works again once etcd is back', async () => {
    const own = await startEtcd();
    const s = createEtcdStorage({ endpoints: [own.endpoint] });
    try {
      const w = s.watch('/k/', await s.currentRevision());
      const first = takeEvents(w, 1);
      const r1 = await s.create('/k/a', '1');
      assert.equal((await first)[0].revision, r1); // the watch is established

      own.kill();
      const err = await watchError(w, 5000);
      assert.ok(err instanceof StorageUnavailable, `expected StorageUnavailable, got ${String(err)}`);

      const started = Date.now();
      await assert.rejects(s.get('/k/a'), StorageUnavailable);
      await assert.rejects(s.ping(), StorageUnavailable);
      assert.ok((await watchError(s.watch('/k/', r1))) instanceof StorageUnavailable);
      assert.ok(Date.now() - started < 6000, `failing took ${Date.now() - started} ms`);

      await own.restart();
      // The client reconnects on its own; poll with a deadline until it does.
      const deadline = Date.now() + 15_000;
      for (;;) {
        try {
          await s.ping();
          break;
        } catch (e) {
          if (Date.now() > deadline) throw e;
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
      }
      assert.equal((await s.get('/k/a'))?.value, '1');
      const w2 = s.watch('/k/', r1 - 1);
      assert.equal((await takeEvents(w2, 1))[0].revision, r1);
      w2.close();
    } finally {
      await s.close();
      await own.stop();
    }
    // stop() leaves nothing behind: no process, no data.
    assert.ok(own.pid > 0);
    assert.throws(() => process.kill(own.pid, 0), /ESRCH/);
    assert.equal(existsSync(own.dataDir), false);
  });
});

/** A throwaway CA, an etcd serving cert for 127.0.0.1 and a client cert, made with the openssl CLI. */
function makePki(dir: string): TestEtcdTls {
  const ssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  ssl('req', '-x509', ...ec, '-keyout', 'ca.key', '-out', 'ca.crt', '-subj', '/CN=k8ts-test-ca', '-days', '1',
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign');
  for (const [name, ext] of [
    ['server', 'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth,clientAuth\n'],
    ['client', 'extendedKeyUsage=clientAuth\n'],
  ] as const) {
    ssl('req', ...ec, '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=k8ts-test-${name}`);
    writeFileSync(join(dir, `${name}.ext`), ext);
    ssl('x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial',
      '-out', `${name}.crt`, '-days', '1', '-extfile', `${name}.ext`);
  }
  return {
    caFile: join(dir, 'ca.crt'),
    serverCertFile: join(dir, 'server.crt'),
    serverKeyFile: join(dir, 'server.key'),
    clientCertFile: join(dir, 'client.crt'),
    clientKeyFile: join(dir, 'client.key'),
  };
}

describe('etcd storage over mTLS', { skip }, () => {
  it('talks to an https etcd with a client certificate, and fails with Unavailable without one', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'k8ts-etcd-pki-'));
    let own: TestEtcd | undefined;
    try {
      const tls = makePki(dir);
      own = await startEtcd({ tls });
      assert.match(own.endpoint, /^https:\/\/127\.0\.0\.1:\d+$/);
      const s = createEtcdStorage({
        endpoints: [own.endpoint],
        caFile: tls.caFile,
        certFile: tls.clientCertFile,
        keyFile: tls.clientKeyFile,
      });
      try {
        const w = s.watch('/tls/', await s.currentRevision());
        const rev = await s.create('/tls/a', 'secret');
        assert.equal((await takeEvents(w, 1))[0].revision, rev);
        w.close();
        assert.equal((await s.get('/tls/a'))?.value, 'secret');
      } finally {
        await s.close();
      }

      const noClientCert = createEtcdStorage({ endpoints: [own.endpoint], caFile: tls.caFile });
      try {
        await assert.rejects(noClientCert.get('/tls/a'), StorageUnavailable);
      } finally {
        await noClientCert.close();
      }
    } finally {
      await own?.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
