import assert from 'node:assert/strict';
import { test } from 'node:test';
import { desiredRoutes } from './routes.js';

const node = (name: string, podCIDR?: string, ip?: string) => ({
  metadata: { name },
  spec: podCIDR ? { podCIDR } : {},
  status: { addresses: ip ? [{ type: 'InternalIP', address: ip }, { type: 'Hostname', address: name }] : [] },
});

test('routes go to every other node with a podCIDR through its InternalIP', () => {
  const routes = desiredRoutes([
    node('self', '10.244.0.0/24', '10.0.0.1'),
    node('b', '10.244.2.0/24', '10.0.0.3'),
    node('a', '10.244.1.0/24', '10.0.0.2'),
    node('no-cidr', undefined, '10.0.0.4'),
    node('no-ip', '10.244.5.0/24'),
    node('loopback', '10.244.6.0/24', '127.0.0.1'),
  ], 'self', '10.0.0.1');
  assert.deepEqual(routes, [
    { cidr: '10.244.1.0/24', via: '10.0.0.2' },
    { cidr: '10.244.2.0/24', via: '10.0.0.3' },
  ]);
});
