import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Node, Pod } from '../../api/types.js';
import { kubeletEndpoint } from './kubelet-connection.js';
import { kubeletExecQuery } from './pod-exec.js';
import { validateContainer } from './pod-target.js';

const pod = (containers: string[], init: string[] = []): Pod => ({
  metadata: { name: 'p' },
  spec: { containers: containers.map((name) => ({ name })), initContainers: init.map((name) => ({ name })) },
});

test('the only container is the default; several need a name, as upstream says', () => {
  assert.equal(validateContainer(pod(['a']), undefined), 'a');
  assert.throws(() => validateContainer(pod(['a', 'b'], ['i']), undefined), /a container name must be specified for pod p, choose one of: \[i a b\]/);
  assert.throws(() => validateContainer(pod(['a']), 'x'), /container x is not valid for pod p/);
  assert.equal(validateContainer(pod(['a'], ['i']), 'i'), 'i');
});

test('kubelet endpoint: preferred address type and the daemon endpoint port', () => {
  const node: Node = {
    metadata: { name: 'n' },
    status: { addresses: [{ type: 'Hostname', address: 'n' }, { type: 'InternalIP', address: '10.0.0.5' }], daemonEndpoints: { kubeletEndpoint: { Port: 12345 } } },
  };
  assert.deepEqual(kubeletEndpoint(node), { host: '10.0.0.5', port: 12345 });
  assert.deepEqual(kubeletEndpoint({ metadata: { name: 'n' }, status: { addresses: [{ type: 'Hostname', address: 'n' }] } }), { host: 'n', port: 10250 });
  assert.throws(() => kubeletEndpoint({ metadata: { name: 'n' } }), /no preferred addresses found/);
});

test('exec options are re-encoded for the kubelet as upstream streamParams', () => {
  const { container, params } = kubeletExecQuery(new URLSearchParams('command=ls&command=-l&container=c&stdin=true&stdout=true&stderr=false&tty=1'));
  assert.equal(container, 'c');
  assert.equal(params.toString(), 'stdin=1&stdout=1&tty=1&command=ls&command=-l');
});
