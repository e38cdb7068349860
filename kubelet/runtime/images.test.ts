// Unit tests of image references and pull-secret credential matching.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Secret } from '../../api/types.js';
import { credentialsFor, normalizeImage, registryOf } from './images.js';

const dockerconfig = (auths: object): Secret => ({
  metadata: { name: 's' },
  type: 'kubernetes.io/dockerconfigjson',
  data: { '.dockerconfigjson': Buffer.from(JSON.stringify({ auths })).toString('base64') },
});

describe('images', () => {
  it('normalises references and finds their registry', () => {
    assert.equal(normalizeImage('busybox'), 'busybox:latest');
    assert.equal(normalizeImage('localhost:5000/app'), 'localhost:5000/app:latest');
    assert.equal(normalizeImage('a/b:1'), 'a/b:1');
    assert.equal(normalizeImage('a@sha256:00'), 'a@sha256:00');
    assert.equal(registryOf('busybox'), 'docker.io');
    assert.equal(registryOf('library/busybox'), 'docker.io');
    assert.equal(registryOf('127.0.0.1:5000/app:1'), '127.0.0.1:5000');
  });

  it('takes credentials of matching registries from dockerconfigjson secrets', () => {
    const secret = dockerconfig({
      '127.0.0.1:5000': { auth: Buffer.from('alice:pw').toString('base64') },
      'https://index.docker.io/v1/': { username: 'bob', password: 'x' },
    });
    assert.deepEqual(credentialsFor('127.0.0.1:5000/app', [secret]), [{ username: 'alice', password: 'pw', serveraddress: '127.0.0.1:5000' }]);
    assert.deepEqual(credentialsFor('busybox', [secret]).map((c) => c.username), ['bob']);
    assert.deepEqual(credentialsFor('quay.io/x', [secret]), []);
    assert.deepEqual(credentialsFor('busybox', [{ metadata: { name: 'bad' }, type: 'kubernetes.io/dockerconfigjson', data: { '.dockerconfigjson': 'bm90IGpzb24=' } }]), []);
  });
});
