// Owns the small network probes of the deploy scripts: one HTTP(S) GET with a timeout, a TCP
// connect check, and polling a condition up to a deadline.
// Must never disable TLS verification and never talk to anything but the given (loopback) URL.
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

export interface TlsMaterial {
  ca?: string | Buffer;
  cert?: string | Buffer;
  key?: string | Buffer;
}

export interface ProbeResponse {
  status: number;
  body: string;
}

/** One GET; rejects on connection errors, TLS failures and timeouts. */
export function get(url: string, tls: TlsMaterial = {}, timeoutMs = 2_000): Promise<ProbeResponse> {
  return new Promise((resolve, reject) => {
    const u = new URL(url);
    const options = { method: 'GET', timeout: timeoutMs, agent: false as const };
    const req = u.protocol === 'https:'
      ? https.request(u, { ...options, ca: tls.ca, cert: tls.cert, key: tls.key, rejectUnauthorized: true })
      : http.request(u, options);
    req.on('response', (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => { body += chunk; });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`no answer from ${url} within ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end();
  });
}

/** True when something accepts TCP connections on host:port. */
export function tcpOpen(host: string, port: number, timeoutMs = 1_000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (open: boolean) => { socket.destroy(); resolve(open); };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/**
 * Calls check every intervalMs until it returns a value other than undefined or the deadline passes.
 * Returns that value, or undefined on timeout. A check that throws aborts the wait.
 */
export async function poll<T>(check: () => Promise<T | undefined>, timeoutMs: number, intervalMs = 250): Promise<T | undefined> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() >= deadline) return undefined;
    await sleep(intervalMs);
  }
}

export function errorMessage(err: unknown): string {
  if (err instanceof Error) {
    const code = (err as NodeJS.ErrnoException).code;
    return code && !err.message.includes(code) ? `${code}: ${err.message}` : err.message;
  }
  return String(err);
}

/**
 * n distinct free TCP ports on 127.0.0.1, found by binding port 0 and releasing it: all n listeners
 * are held open together so the same port is never handed out twice.
 */
export async function freePorts(n: number): Promise<number[]> {
  const servers = await Promise.all(Array.from({ length: n }, () => new Promise<net.Server>((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve(server));
  })));
  const ports = servers.map((s) => (s.address() as net.AddressInfo).port);
  await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
  return ports;
}
