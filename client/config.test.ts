import { describe, it, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import YAML from 'yaml';
import { resolveConfig } from './config.js';
import { FileTokenSource, inClusterConfig, NOT_IN_CLUSTER } from './in-cluster.js';

let dir: string;
let saDir: string;
const inClusterEnv = { KUBERNETES_SERVICE_HOST: '10.96.0.1', KUBERNETES_SERVICE_PORT: '443' };

function writeKubeconfig(file: string, server: string): string {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, YAML.stringify({
    'current-context': 'c',
    clusters: [{ name: 'k', cluster: { server } }],
    contexts: [{ name: 'c', context: { cluster: 'k', namespace: 'from-kubeconfig' } }],
  }));
  return file;
}

beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'k8ts-config-'));
  saDir = path.join(dir, 'sa');
  mkdirSync(saDir);
  writeFileSync(path.join(saDir, 'token'), 'sa-token-1\n');
  writeFileSync(path.join(saDir, 'ca.crt'), 'SA-CA');
  writeFileSync(path.join(saDir, 'namespace'), 'kube-system');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('inClusterConfig', () => {
  it('builds the server from KUBERNETES_SERVICE_HOST/PORT and reads token, CA and namespace', async () => {
    const config = await inClusterConfig({ env: inClusterEnv, serviceAccountDir: saDir });
    assert.equal(config.server, 'https://10.96.0.1:443');
    assert.equal(config.token, 'sa-token-1');
    assert.equal(config.tokenFile, path.join(saDir, 'token'));
    assert.equal(config.ca?.toString(), 'SA-CA');
    assert.equal(config.namespace, 'kube-system');
    const v6 = await inClusterConfig({ env: { KUBERNETES_SERVICE_HOST: 'fd00::1', KUBERNETES_SERVICE_PORT: '6443' }, serviceAccountDir: saDir });
    assert.equal(v6.server, 'https://[fd00::1]:6443');
  });

  it('says why it cannot: no environment, or no token file', async () => {
    await assert.rejects(inClusterConfig({ env: {}, serviceAccountDir: saDir }), { message: NOT_IN_CLUSTER });
    rmSync(path.join(saDir, 'token'));
    await assert.rejects(inClusterConfig({ env: inClusterEnv, serviceAccountDir: saDir }), /unable to load in-cluster configuration: ENOENT/);
  });
});

describe('FileTokenSource', () => {
  it('re-reads the token once the period has passed and keeps the last good one when the file vanishes', () => {
    const file = path.join(saDir, 'token');
    let now = 1_000;
    const source = new FileTokenSource(file, 'sa-token-1', 60_000, () => now);
    writeFileSync(file, 'sa-token-2\n');
    assert.equal(source.token(), 'sa-token-1', 'cached within the period');
    now += 60_000;
    assert.equal(source.token(), 'sa-token-2', 'rotated token picked up');
    rmSync(file);
    now += 60_000;
    assert.equal(source.token(), 'sa-token-2');
  });
});

describe('resolveConfig precedence', () => {
  it('explicit kubeconfig > in-cluster > KUBECONFIG > ~/.kube/config', async () => {
    const explicit = writeKubeconfig(path.join(dir, 'explicit'), 'https://explicit');
    const fromEnv = writeKubeconfig(path.join(dir, 'env'), 'https://env');
    const home = path.join(dir, 'home');
    writeKubeconfig(path.join(home, '.kube', 'config'), 'https://home');
    const env = { ...inClusterEnv, KUBECONFIG: fromEnv };
    assert.equal((await resolveConfig({ kubeconfig: explicit, env, home, serviceAccountDir: saDir })).server, 'https://explicit');
    assert.equal((await resolveConfig({ env, home, serviceAccountDir: saDir })).server, 'https://10.96.0.1:443');
    assert.equal((await resolveConfig({ env: { KUBECONFIG: fromEnv }, home, serviceAccountDir: saDir })).server, 'https://env');
    assert.equal((await resolveConfig({ env: {}, home, serviceAccountDir: saDir })).server, 'https://home');
    const ns = await resolveConfig({ env, home, serviceAccountDir: saDir, namespace: 'flag' });
    assert.equal(ns.namespace, 'flag');
  });

  it('explains what it looked for when nothing is configured', async () => {
    await assert.rejects(
      resolveConfig({ env: {}, home: path.join(dir, 'nohome') }),
      /no configuration found: none of .*nohome\/\.kube\/config exists and KUBERNETES_SERVICE_HOST\/KUBERNETES_SERVICE_PORT are not set/,
    );
  });
});
