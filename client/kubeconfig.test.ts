import { describe, it, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import YAML from 'yaml';
import { kubeconfigPaths, loadClientConfig, loadKubeconfigFiles } from './kubeconfig.js';

let dir: string;
const b64 = (s: string) => Buffer.from(s).toString('base64');

function write(rel: string, doc: unknown): string {
  const file = path.join(dir, rel);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, typeof doc === 'string' ? doc : YAML.stringify(doc));
  return file;
}

function kubeconfig(opts: { current?: string; clusters?: [string, object][]; users?: [string, object][]; contexts?: [string, object][] }) {
  return {
    apiVersion: 'v1',
    kind: 'Config',
    ...(opts.current ? { 'current-context': opts.current } : {}),
    clusters: (opts.clusters ?? []).map(([name, cluster]) => ({ name, cluster })),
    users: (opts.users ?? []).map(([name, user]) => ({ name, user })),
    contexts: (opts.contexts ?? []).map(([name, context]) => ({ name, context })),
  };
}

beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'k8ts-kubeconfig-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('kubeconfig file selection', () => {
  it('prefers --kubeconfig, then KUBECONFIG (split on ":", deduplicated), then ~/.kube/config', () => {
    assert.deepEqual(kubeconfigPaths({ kubeconfig: '/a/b', env: { KUBECONFIG: '/x' } }), { paths: ['/a/b'], explicit: true });
    assert.deepEqual(kubeconfigPaths({ env: { KUBECONFIG: '/x::/y:/x' } }), { paths: ['/x', '/y'], explicit: false });
    assert.deepEqual(kubeconfigPaths({ env: {}, home: '/home/u' }), { paths: ['/home/u/.kube/config'], explicit: false });
  });

  it('an explicit file must exist; a missing file of KUBECONFIG is skipped', async () => {
    await assert.rejects(loadClientConfig({ kubeconfig: path.join(dir, 'nope') }), /error loading config file ".*nope": ENOENT/);
    const real = write('real', kubeconfig({ current: 'c', clusters: [['k', { server: 'https://10.0.0.1:6443' }]], contexts: [['c', { cluster: 'k' }]] }));
    const config = await loadClientConfig({ env: { KUBECONFIG: `${path.join(dir, 'nope')}:${real}` } });
    assert.equal(config.server, 'https://10.0.0.1:6443');
  });

  it('falls back to ~/.kube/config', async () => {
    write('home/.kube/config', kubeconfig({ current: 'c', clusters: [['k', { server: 'https://home:6443' }]], contexts: [['c', { cluster: 'k' }]] }));
    const config = await loadClientConfig({ env: {}, home: path.join(dir, 'home') });
    assert.equal(config.server, 'https://home:6443');
  });
});

describe('merging several files', () => {
  it('keeps the first file\'s entry of each name and the first current-context set', async () => {
    const first = write('first', kubeconfig({
      clusters: [['shared', { server: 'https://first:6443' }]],
      contexts: [['dev', { cluster: 'shared', namespace: 'first-ns' }]],
    }));
    const second = write('second', kubeconfig({
      current: 'prod',
      clusters: [['shared', { server: 'https://second:6443', 'certificate-authority-data': b64('second-ca') }], ['other', { server: 'https://other:6443' }]],
      contexts: [['dev', { cluster: 'other' }], ['prod', { cluster: 'other', namespace: 'prod-ns' }]],
    }));
    const third = write('third', kubeconfig({ current: 'dev' }));
    const merged = await loadKubeconfigFiles([first, second, third]);
    assert.equal(merged.currentContext, 'prod', 'the first file that sets current-context wins');
    assert.equal(merged.currentContextFile, second);
    // The first definition is kept whole: no field of the second file's "shared" leaks in.
    assert.deepEqual(merged.clusters.get('shared')?.value, { server: 'https://first:6443' });
    assert.equal(merged.contexts.get('dev')?.value.cluster, 'shared');

    const env = { KUBECONFIG: [first, second, third].join(':') };
    const prod = await loadClientConfig({ env });
    assert.equal(prod.server, 'https://other:6443');
    assert.equal(prod.namespace, 'prod-ns');
    const dev = await loadClientConfig({ env, context: 'dev' });
    assert.equal(dev.server, 'https://first:6443');
    assert.equal(dev.ca, undefined);
    assert.equal(dev.namespace, 'first-ns');
    const overridden = await loadClientConfig({ env, context: 'dev', namespace: 'flag-ns' });
    assert.equal(overridden.namespace, 'flag-ns');
  });

  it('refuses a file with two entries of one name', async () => {
    const file = write('dup', kubeconfig({ clusters: [['a', { server: 'https://1' }], ['a', { server: 'https://2' }]] }));
    await assert.rejects(loadKubeconfigFiles([file]), /duplicate name "a" in clusters/);
  });
});

describe('credentials', () => {
  it('reads certificate files relative to the folder of the kubeconfig that names them', async () => {
    write('a/ca.crt', 'CA-A');
    write('b/client.crt', 'CERT-B');
    write('b/client.key', 'KEY-B');
    write('b/token', 'tok-from-file\n');
    const a = write('a/config', kubeconfig({
      current: 'c',
      clusters: [['k', { server: 'https://k:6443/', 'certificate-authority': 'ca.crt' }]],
      contexts: [['c', { cluster: 'k', user: 'u' }], ['t', { cluster: 'k', user: 'tok' }]],
    }));
    const b = write('b/config', kubeconfig({
      users: [['u', { 'client-certificate': 'client.crt', 'client-key': './client.key' }], ['tok', { tokenFile: 'token' }]],
    }));
    const env = { KUBECONFIG: `${a}:${b}` };
    const config = await loadClientConfig({ env });
    assert.equal(config.server, 'https://k:6443');
    assert.equal(config.ca?.toString(), 'CA-A');
    assert.equal(config.cert?.toString(), 'CERT-B');
    assert.equal(config.key?.toString(), 'KEY-B');
    assert.equal(config.namespace, 'default');
    assert.match(config.userAgent, /^k8ts\/\d+\.\d+\.\d+ \(\w+\/\w+\)/);
    const viaToken = await loadClientConfig({ env, context: 't' });
    assert.equal(viaToken.token, 'tok-from-file');
    assert.equal(viaToken.tokenFile, path.join(dir, 'b/token'));
  });

  it('takes inline data (base64) over file paths, and a literal token', async () => {
    const file = write('inline', kubeconfig({
      current: 'c',
      clusters: [['k', { server: 'https://k', 'certificate-authority-data': b64('CA'), 'certificate-authority': '/does/not/exist' }]],
      users: [['u', { 'client-certificate-data': b64('CERT'), 'client-key-data': b64('KEY'), token: 'abc', tokenFile: '/does/not/exist' }]],
      contexts: [['c', { cluster: 'k', user: 'u', namespace: 'ns1' }]],
    }));
    const config = await loadClientConfig({ kubeconfig: file });
    assert.deepEqual([config.ca?.toString(), config.cert?.toString(), config.key?.toString(), config.token, config.tokenFile], ['CA', 'CERT', 'KEY', 'abc', undefined]);
    assert.equal(config.namespace, 'ns1');
  });

  it('refuses a certificate without its key and unsupported auth methods', async () => {
    const file = write('bad', kubeconfig({
      clusters: [['k', { server: 'https://k' }]],
      users: [['half', { 'client-certificate-data': b64('CERT') }], ['exec', { exec: { command: 'x' } }], ['basic', { username: 'a', password: 'b' }]],
      contexts: [['half', { cluster: 'k', user: 'half' }], ['exec', { cluster: 'k', user: 'exec' }], ['basic', { cluster: 'k', user: 'basic' }]],
    }));
    await assert.rejects(loadClientConfig({ kubeconfig: file, context: 'half' }), /client-key-data or client-key must be specified for half/);
    await assert.rejects(loadClientConfig({ kubeconfig: file, context: 'exec' }), /exec credential plugin/);
    await assert.rejects(loadClientConfig({ kubeconfig: file, context: 'basic' }), /basic authentication/);
  });
});

describe('errors a user can act on', () => {
  it('names a missing context, a missing cluster, a missing server, and an empty config', async () => {
    const file = write('cfg', kubeconfig({
      current: 'ghost',
      clusters: [['noserver', {}]],
      contexts: [['c1', { cluster: 'absent' }], ['c2', { cluster: 'noserver' }]],
    }));
    await assert.rejects(loadClientConfig({ kubeconfig: file }), { message: 'context was not found for specified context: ghost' });
    await assert.rejects(loadClientConfig({ kubeconfig: file, context: 'nope' }), { message: 'context was not found for specified context: nope' });
    await assert.rejects(loadClientConfig({ kubeconfig: file, context: 'c1' }), /names cluster "absent", which no kubeconfig file defines/);
    await assert.rejects(loadClientConfig({ kubeconfig: file, context: 'c2' }), /no server found for cluster "noserver"/);
    const empty = write('empty', '');
    await assert.rejects(loadClientConfig({ kubeconfig: empty }), /no configuration has been provided/);
  });

  it('refuses insecure-skip-tls-verify instead of connecting without verification', async () => {
    const file = write('insecure', kubeconfig({
      current: 'c',
      clusters: [['k', { server: 'https://k', 'insecure-skip-tls-verify': true }]],
      contexts: [['c', { cluster: 'k' }]],
    }));
    await assert.rejects(loadClientConfig({ kubeconfig: file }), /cluster "k" sets insecure-skip-tls-verify: k8ts never disables TLS verification/);
  });
});
