// Test support: hands out a currently free TCP port on 127.0.0.1 for a test server to bind.
// Owns nothing after it returns; it never binds anything but loopback and never holds the port.

import { createServer } from 'node:net';

/** Ports a test must never take: the well-known etcd ports of a developer's real cluster. */
const RESERVED = new Set([2379, 2380, 6443, 10250]);

/** Listens on 127.0.0.1:0, reads the port the kernel chose, closes, and returns it. */
export async function freePort(): Promise<number> {
  for (;;) {
    const port = await new Promise<number>((resolve, reject) => {
      const server = createServer();
      server.unref();
      server.once('error', reject);
      server.listen({ host: '127.0.0.1', port: 0, exclusive: true }, () => {
        const address = server.address();
        const chosen = typeof address === 'object' && address !== null ? address.port : 0;
        server.close((err) => (err ? reject(err) : resolve(chosen)));
      });
    });
    if (port !== 0 && !RESERVED.has(port)) return port;
  }
}
