// Unit tests of kubeconfig merging, redaction, minification and the contexts table (no files written).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { configJson, contextRows, mergeKubeconfigs, minify, redact } from './read-config.js';

const a = {
  clusters: [{ name: 'c1', cluster: { server: 'https://a', 'certificate-authority-data': 'QUJD' } }],
  contexts: [{ name: 'x', context: { cluster: 'c1', user: 'u1', namespace: 'ns' } }],
  users: [{ name: 'u1', user: { token: 'secret', 'client-key-data': 'S0VZ' } }],
  'current-context': 'x',
};
const b = {
  clusters: [{ name: 'c1', cluster: { server: 'https://ignored' } }, { name: 'c2', cluster: { server: 'https://b' } }],
  contexts: [{ name: 'y', context: { cluster: 'c2', user: 'u2' } }],
  users: [{ name: 'u2', user: { password: 'pw' } }],
  'current-context': 'y',
};

describe('config', () => {
  it('merges with the first file winning names and current-context', () => {
    const m = mergeKubeconfigs([a, b]);
    assert.equal(m['current-context'], 'x');
    assert.deepEqual(m.clusters!.map((c) => (c.cluster as { server: string }).server), ['https://a', 'https://b']);
    assert.deepEqual(mergeKubeconfigs([]), { apiVersion: 'v1', clusters: null, contexts: null, 'current-context': '', kind: 'Config', preferences: {}, users: null });
  });

  it('redacts data as DATA+OMITTED and secrets as REDACTED', () => {
    const r = redact(mergeKubeconfigs([a, b]));
    assert.equal((r.clusters![0].cluster as Record<string, string>)['certificate-authority-data'], 'DATA+OMITTED');
    assert.deepEqual(r.users![0].user, { token: 'REDACTED', 'client-key-data': 'DATA+OMITTED' });
    assert.deepEqual(r.users![1].user, { password: 'REDACTED' });
  });

  it('minifies to the current context', () => {
    const m = minify(mergeKubeconfigs([a, b]), 'y');
    assert.deepEqual(m.contexts!.map((c) => c.name), ['y']);
    assert.deepEqual(m.clusters!.map((c) => c.name), ['c2']);
    assert.equal(m['current-context'], 'y');
  });

  it('prints the contexts table and JSON in clientcmd field order', () => {
    assert.deepEqual(contextRows(mergeKubeconfigs([a, b]), [], false), [
      ['CURRENT', 'NAME', 'CLUSTER', 'AUTHINFO', 'NAMESPACE'],
      ['*', 'x', 'c1', 'u1', 'ns'],
      ['', 'y', 'c2', 'u2', ''],
    ]);
    const json = configJson(mergeKubeconfigs([a]));
    assert.deepEqual(Object.keys(JSON.parse(json)), ['kind', 'apiVersion', 'preferences', 'clusters', 'users', 'contexts', 'current-context']);
    assert.match(json, /"server": "https:\/\/a",\n\s+"certificate-authority-data"/);
  });
});
