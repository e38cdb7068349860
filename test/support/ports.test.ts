// Checks freePort(): the port it returns is free on 127.0.0.1 and never an etcd/apiserver default.
// Binds only loopback, and only long enough to prove the port is usable.

import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { it } from 'node:test';
import { freePort } from './ports.js';

it('freePort returns a port that can be bound on 127.0.0.1 and is not a well-known one', async () => {
  const port = await freePort();
  assert.ok(port > 0 && port < 65536);
  assert.ok(![2379, 2380, 6443, 10250].includes(port));
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host: '127.0.0.1', port }, resolve);
  });
  await new Promise((resolve) => server.close(resolve));
});
