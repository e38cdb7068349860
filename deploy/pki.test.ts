// Tests of deploy/pki.ts: certificates chain to the CA, carry the SANs and subjects components
// rely on, keys are private, and a second run keeps every file; no network I/O.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createPrivateKey, createPublicKey, X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { certSpecs, ensurePki, firstServiceIP, pkiFiles, type HostIdentity, type PkiFiles } from './pki.js';

const host: HostIdentity = { hostname: 'node-a', ipv4Addresses: ['192.0.2.10'] };

function cert(file: string): X509Certificate {
  return new X509Certificate(readFileSync(file));
}

describe('ensurePki', () => {
  let stateDir: string;
  let files: PkiFiles;
  let firstWritten: string[];

  before(() => {
    stateDir = mkdtempSync(path.join(os.tmpdir(), 'k8ts-pki-'));
    const result = ensurePki(stateDir, host);
    files = result.files;
    firstWritten = result.written;
  });
  after(() => rmSync(stateDir, { recursive: true, force: true }));

  test('writes the CA, every leaf of certSpecs and the service-account pair on first run', () => {
    const expected = ['ca.crt', 'ca.key', 'sa.key', 'sa.pub',
      ...certSpecs(host).flatMap((s) => [`${s.name}.crt`, `${s.name}.key`])];
    assert.deepEqual([...firstWritten].sort(), expected.sort());
    assert.ok(firstWritten.includes('etcd/server.crt'));
  });

  test('the CA is a self-signed CA named k8ts-ca valid for about ten years', () => {
    const ca = cert(files.caCert);
    assert.equal(ca.ca, true);
    assert.equal(ca.subject, 'CN=k8ts-ca');
    assert.ok(ca.verify(ca.publicKey));
    const years = (Date.parse(ca.validTo) - Date.now()) / (365 * 24 * 3600 * 1000);
    assert.ok(years > 9.9 && years < 10.1, `CA valid for ${years} years`);
  });

  test('every leaf is signed by the CA, is not a CA, and matches its key', () => {
    const ca = cert(files.caCert);
    for (const spec of certSpecs(host)) {
      const leaf = cert(files.cert(spec.name));
      assert.ok(leaf.verify(ca.publicKey), `${spec.name} verifies against the CA`);
      assert.ok(leaf.checkIssued(ca), `${spec.name} issued by the CA`);
      assert.equal(leaf.ca, false, spec.name);
      assert.ok(leaf.checkPrivateKey(createPrivateKey(readFileSync(files.key(spec.name)))), `${spec.name} key matches`);
      const days = (Date.parse(leaf.validTo) - Date.now()) / (24 * 3600 * 1000);
      assert.ok(days > 364 && days < 366, `${spec.name} valid for ${days} days`);
    }
  });

  test('the apiserver serving cert covers loopback, the host, the kubernetes names and 10.96.0.1', () => {
    const apiserver = cert(files.cert('apiserver'));
    for (const ip of ['127.0.0.1', '::1', '192.0.2.10', '10.96.0.1']) {
      assert.equal(apiserver.checkIP(ip), ip, `IP SAN ${ip}`);
    }
    for (const name of ['localhost', 'node-a', 'kubernetes', 'kubernetes.default', 'kubernetes.default.svc',
      'kubernetes.default.svc.cluster.local']) {
      assert.equal(apiserver.checkHost(name, { subject: 'never' }), name, `DNS SAN ${name}`);
    }
    assert.equal(apiserver.checkIP('192.0.2.11'), undefined);
    assert.deepEqual(apiserver.keyUsage, ['1.3.6.1.5.5.7.3.1']); // serverAuth only
  });

  test('the etcd server cert serves 127.0.0.1 and localhost', () => {
    const etcd = cert(files.cert('etcd/server'));
    assert.equal(etcd.checkIP('127.0.0.1'), '127.0.0.1');
    assert.equal(etcd.checkHost('localhost', { subject: 'never' }), 'localhost');
  });

  test('client certs carry the Kubernetes user names and groups', () => {
    const subjects: Record<string, string> = {
      admin: 'O=system:masters\nCN=kubernetes-admin',
      'apiserver-kubelet-client': 'O=system:masters\nCN=kube-apiserver-kubelet-client',
      'apiserver-etcd-client': 'CN=kube-apiserver-etcd-client',
      'kube-scheduler': 'CN=system:kube-scheduler',
      'kube-controller-manager': 'CN=system:kube-controller-manager',
      'kube-proxy': 'CN=system:kube-proxy',
      'kubelet-client': 'O=system:nodes\nCN=system:node:node-a',
    };
    for (const [name, subject] of Object.entries(subjects)) {
      const c = cert(files.cert(name));
      assert.equal(c.subject, subject, name);
      assert.deepEqual(c.keyUsage, ['1.3.6.1.5.5.7.3.2'], `${name} is clientAuth only`);
    }
  });

  test('private keys are mode 0600', () => {
    for (const file of [files.caKey, files.saKey, files.key('apiserver'), files.key('admin'), files.key('etcd/server')]) {
      assert.equal(statSync(file).mode & 0o777, 0o600, file);
    }
  });

  test('sa.pub is the public half of sa.key', () => {
    const derived = createPublicKey(createPrivateKey(readFileSync(files.saKey))).export({ type: 'spki', format: 'pem' });
    assert.equal(derived.toString(), readFileSync(files.saPub, 'utf8'));
  });

  test('a second run keeps every file byte for byte', () => {
    const snapshot = (f: string) => readFileSync(f, 'utf8');
    const all = [files.caCert, files.caKey, files.saKey, files.saPub,
      ...certSpecs(host).flatMap((s) => [files.cert(s.name), files.key(s.name)])];
    const before = all.map(snapshot);
    const again = ensurePki(stateDir, host);
    assert.deepEqual(again.written, []);
    assert.deepEqual(all.map(snapshot), before);
  });

  test('a new host address re-issues the serving certs and keeps the CA and client certs', () => {
    const ca = readFileSync(files.caCert, 'utf8');
    const admin = readFileSync(files.cert('admin'), 'utf8');
    const moved: HostIdentity = { hostname: 'node-a', ipv4Addresses: ['192.0.2.10', '198.51.100.7'] };
    const result = ensurePki(stateDir, moved);
    assert.deepEqual([...result.written].sort(), ['apiserver.crt', 'apiserver.key', 'kubelet.crt', 'kubelet.key']);
    assert.equal(cert(files.cert('apiserver')).checkIP('198.51.100.7'), '198.51.100.7');
    assert.equal(readFileSync(files.caCert, 'utf8'), ca);
    assert.equal(readFileSync(files.cert('admin'), 'utf8'), admin);
  });

  test('a damaged certificate is re-issued', () => {
    const fresh = mkdtempSync(path.join(os.tmpdir(), 'k8ts-pki-'));
    try {
      const f = pkiFiles(fresh);
      ensurePki(fresh, host);
      // Swap in a cert signed by the CA but for another key: the pair no longer belongs together.
      const other = readFileSync(f.cert('kube-proxy'));
      writeFileSync(f.cert('admin'), other);
      const result = ensurePki(fresh, host);
      assert.deepEqual([...result.written].sort(), ['admin.crt', 'admin.key']);
      assert.equal(cert(f.cert('admin')).subject, 'O=system:masters\nCN=kubernetes-admin');
    } finally {
      rmSync(fresh, { recursive: true, force: true });
    }
  });
});

test('firstServiceIP gives the kubernetes Service address of a range', () => {
  assert.equal(firstServiceIP('10.96.0.0/16'), '10.96.0.1');
  assert.equal(firstServiceIP('10.0.0.0/24'), '10.0.0.1');
  assert.equal(firstServiceIP('172.20.5.7/16'), '172.20.0.1');
  assert.throws(() => firstServiceIP('fd00::/108'), /invalid service-cluster-ip-range/);
});
