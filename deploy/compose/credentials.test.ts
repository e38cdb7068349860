// The compose cluster's credentials: who each certificate names, which names and addresses the
// serving ones hold (the in-network service names, the node's address), the kubeconfigs' servers,
// idempotence across `docker compose up` runs, and the host file's owner and mode.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import YAML from 'yaml';
import { pkiFiles } from '../pki.js';
import { ensureControlPlaneCredentials, ensureKubeletServingCertificate, ETCD_SERVER_CERT, nodeKubeconfigPath } from './credentials.js';

function cert(file: string): X509Certificate {
  return new X509Certificate(readFileSync(file));
}

function kubeconfigUser(file: string): { server: string; subject: string } {
  const k = YAML.parse(readFileSync(file, 'utf8'));
  const pem = Buffer.from(k.users[0].user['client-certificate-data'], 'base64');
  return { server: k.clusters[0].cluster.server, subject: new X509Certificate(pem).subject };
}

test('pki: service-name SANs, one client identity per node, kubeconfigs for both sides, idempotent', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'k8ts-compose-pki-'));
  try {
    const state = path.join(dir, 'volume');
    const hostOut = path.join(dir, 'host');
    const input = {
      stateDir: state, nodes: ['node1', 'node2'], server: 'https://apiserver:6443', serviceClusterIpRange: '10.96.0.0/16',
      hostOutDir: hostOut, hostServer: 'https://127.0.0.1:16443', hostOwner: { uid: 1234, gid: 2345 },
    };
    const first = ensureControlPlaneCredentials(input);
    const files = pkiFiles(state);
    assert.ok(first.written.includes('ca.crt'));

    const apiserver = cert(files.cert('apiserver'));
    for (const name of ['apiserver', 'localhost', 'kubernetes.default.svc']) assert.equal(apiserver.checkHost(name, { subject: 'never' }), name);
    for (const ip of ['127.0.0.1', '10.96.0.1']) assert.equal(apiserver.checkIP(ip), ip);
    const etcd = cert(files.cert(ETCD_SERVER_CERT));
    assert.equal(etcd.checkHost('etcd', { subject: 'never' }), 'etcd');
    assert.equal(etcd.checkHost('apiserver', { subject: 'never' }), undefined);

    for (const node of ['node1', 'node2']) {
      const k = kubeconfigUser(nodeKubeconfigPath(state, node));
      assert.equal(k.server, 'https://apiserver:6443');
      assert.equal(k.subject, `O=system:nodes\nCN=system:node:${node}`);
      assert.equal(statSync(nodeKubeconfigPath(state, node)).mode & 0o777, 0o600);
    }
    assert.equal(kubeconfigUser(first.kubeconfigs.scheduler).subject, 'CN=system:kube-scheduler');
    assert.equal(kubeconfigUser(first.kubeconfigs.controllerManager).subject, 'CN=system:kube-controller-manager');
    assert.equal(kubeconfigUser(first.kubeconfigs.kubeProxy).subject, 'CN=system:kube-proxy');
    assert.equal(kubeconfigUser(first.kubeconfigs.admin).server, 'https://apiserver:6443');

    const host = kubeconfigUser(first.hostAdminKubeconfig!);
    assert.equal(host.server, 'https://127.0.0.1:16443');
    assert.equal(host.subject, 'O=system:masters\nCN=kubernetes-admin');
    const st = statSync(first.hostAdminKubeconfig!);
    assert.deepEqual([st.uid, st.gid, st.mode & 0o777], [1234, 2345, 0o600]);

    const caBefore = readFileSync(files.caCert, 'utf8');
    const second = ensureControlPlaneCredentials(input);
    assert.deepEqual(second.written, []);
    assert.equal(readFileSync(files.caCert, 'utf8'), caBefore);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("kubelet-serving: the node's name and address, signed by the cluster CA, kept while valid", () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'k8ts-compose-kubelet-'));
  try {
    const shared = path.join(dir, 'volume');
    ensureControlPlaneCredentials({ stateDir: shared, nodes: ['node1'], server: 'https://apiserver:6443', serviceClusterIpRange: '10.96.0.0/16' });
    const input = { sharedStateDir: shared, nodeStateDir: path.join(dir, 'node1'), nodeName: 'node1', nodeIP: '172.30.0.5' };
    const r = ensureKubeletServingCertificate(input);
    assert.equal(r.written, true);
    const c = cert(r.certFile);
    assert.equal(c.subject, 'O=system:nodes\nCN=system:node:node1');
    assert.equal(c.checkIP('172.30.0.5'), '172.30.0.5');
    assert.equal(c.checkHost('node1', { subject: 'never' }), 'node1');
    assert.ok(c.checkIssued(cert(pkiFiles(shared).caCert)));
    assert.equal(statSync(r.keyFile).mode & 0o777, 0o600);
    assert.equal(ensureKubeletServingCertificate(input).written, false);
    // A new address (the container got another one) gets a new certificate.
    const moved = ensureKubeletServingCertificate({ ...input, nodeIP: '172.30.0.9' });
    assert.equal(moved.written, true);
    assert.equal(cert(moved.certFile).checkIP('172.30.0.9'), '172.30.0.9');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
