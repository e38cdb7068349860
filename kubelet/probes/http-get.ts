// One HTTP(S) GET as upstream's probers make it: kube-probe User-Agent, no TLS verification, no
// keep-alive, same-host redirects followed (at most 10), another host's redirect not followed.
// Talks only to the address it is given (the pod IP by default).
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import type { HTTPHeader } from '../../api/types.js';

export const PROBE_USER_AGENT = 'kube-probe/1.32';
const MAX_BODY = 10 * 1024;
const MAX_REDIRECTS = 10;

export interface HttpGetOutcome {
  /** Set when no response was received; Go's client error text. */
  error?: string;
  status?: number;
  body?: string;
  /** The request ended on a redirect to another host (upstream's probe.Warning). */
  redirectNotFollowed?: boolean;
}

export function joinHostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

/** upstream formatURL: path may carry a query; scheme and host:port come from the probe. */
export function formatURL(scheme: string, host: string, port: number, path: string): URL {
  const p = path.startsWith('/') ? path : `/${path}`;
  return new URL(`${scheme.toLowerCase()}://${joinHostPort(host, port)}${p}`);
}

function goError(url: URL, err: NodeJS.ErrnoException, timedOut: boolean): string {
  const target = `Get "${url.href}"`;
  if (timedOut) return `${target}: context deadline exceeded (Client.Timeout exceeded while awaiting headers)`;
  const addr = joinHostPort(url.hostname.replace(/^\[|\]$/g, ''), Number(url.port) || (url.protocol === 'https:' ? 443 : 80));
  switch (err.code) {
    case 'ECONNREFUSED':
      return `${target}: dial tcp ${addr}: connect: connection refused`;
    case 'EHOSTUNREACH':
      return `${target}: dial tcp ${addr}: connect: no route to host`;
    case 'ENETUNREACH':
      return `${target}: dial tcp ${addr}: connect: network is unreachable`;
    case 'ECONNRESET':
      return `${target}: read tcp ${addr}: read: connection reset by peer`;
    default:
      return `${target}: ${err.message}`;
  }
}

function once(url: URL, headers: Record<string, string>, deadline: number): Promise<{ status: number; location?: string; body: string } | { error: string }> {
  return new Promise((resolve) => {
    const remaining = Math.max(1, deadline - Date.now());
    const lib = url.protocol === 'https:' ? https : http;
    const hostname = url.hostname.replace(/^\[|\]$/g, '');
    let timedOut = false;
    const req = lib.request(
      {
        method: 'GET',
        hostname,
        port: url.port || (url.protocol === 'https:' ? 443 : 80),
        path: url.pathname + url.search,
        headers: { ...headers, Connection: 'close' },
        agent: false,
        ...(url.protocol === 'https:' ? { rejectUnauthorized: false, ...(net.isIP(hostname) ? {} : { servername: hostname }) } : {}),
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          if (size >= MAX_BODY) return;
          const part = chunk.subarray(0, MAX_BODY - size);
          size += part.length;
          chunks.push(part);
          if (size >= MAX_BODY) res.destroy();
        });
        const done = () => {
          clearTimeout(timer);
          resolve({ status: res.statusCode ?? 0, ...(res.headers.location ? { location: res.headers.location } : {}), body: Buffer.concat(chunks).toString('utf8') });
        };
        res.on('end', done);
        res.on('close', done);
        res.on('error', done);
      },
    );
    const timer = setTimeout(() => {
      timedOut = true;
      req.destroy(new Error('timeout'));
    }, remaining);
    req.on('error', (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      resolve({ error: goError(url, err, timedOut) });
    });
    req.end();
  });
}

/** GET url, following redirects as upstream's probe client does (followNonLocalRedirects=false). */
export async function httpGet(url: URL, customHeaders: HTTPHeader[] | undefined, timeoutMs: number): Promise<HttpGetOutcome> {
  const headers: Record<string, string> = {};
  for (const h of customHeaders ?? []) {
    const existing = Object.keys(headers).find((k) => k.toLowerCase() === h.name.toLowerCase());
    if (existing) headers[existing] = `${headers[existing]}, ${h.value}`;
    else headers[h.name] = h.value;
  }
  const has = (name: string) => Object.keys(headers).find((k) => k.toLowerCase() === name.toLowerCase());
  if (!has('user-agent')) headers['User-Agent'] = PROBE_USER_AGENT;
  const accept = has('accept');
  if (!accept) headers['Accept'] = '*/*';
  else if (headers[accept] === '') delete headers[accept];
  const deadline = Date.now() + timeoutMs;
  const original = url;
  let current = url;
  let currentHeaders = headers;
  for (let redirects = 0; ; redirects++) {
    const res = await once(current, currentHeaders, deadline);
    if ('error' in res) return { error: res.error };
    const follows = [301, 302, 303, 307, 308].includes(res.status) && res.location !== undefined;
    if (!follows) return { status: res.status, body: res.body };
    const next = new URL(res.location!, current);
    if (next.hostname !== original.hostname) return { status: res.status, body: res.body, redirectNotFollowed: true };
    if (redirects + 1 >= MAX_REDIRECTS) return { error: `Get "${next.href}": stopped after 10 redirects` };
    const relative = !/^[a-z][a-z0-9+.-]*:/i.test(res.location!);
    const hostKey = has('host');
    if (hostKey && !relative) {
      currentHeaders = { ...currentHeaders };
      delete currentHeaders[hostKey];
    }
    current = next;
  }
}
