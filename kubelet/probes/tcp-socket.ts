// A TCP connect check (upstream's tcp prober): success when the connection opens within the
// timeout; the socket is closed at once and nothing is sent.
import net from 'node:net';
import { joinHostPort } from './http-get.js';

export function tcpConnect(host: string, port: number, timeoutMs: number): Promise<{ ok: boolean; message: string }> {
  return new Promise((resolve) => {
    const addr = joinHostPort(host, port);
    const socket = net.connect({ host, port });
    const timer = setTimeout(() => {
      socket.destroy();
      resolve({ ok: false, message: `dial tcp ${addr}: i/o timeout` });
    }, timeoutMs);
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.destroy();
      resolve({ ok: true, message: '' });
    });
    socket.once('error', (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      const why =
        err.code === 'ECONNREFUSED' ? 'connect: connection refused'
        : err.code === 'EHOSTUNREACH' ? 'connect: no route to host'
        : err.code === 'ENETUNREACH' ? 'connect: network is unreachable'
        : err.message;
      resolve({ ok: false, message: `dial tcp ${addr}: ${why}` });
    });
  });
}
