// Owns the data path: the HTTP and HTTPS listeners (TLS terminated with the certificate SNI picks from
// the current table), round robin over a backend's endpoints, request/response streaming with the
// X-Forwarded-* headers ingress-nginx sets, and WebSocket/Upgrade tunnelling. setTable() swaps the
// routing table atomically: open connections and requests in flight keep going.
// Must never buffer whole bodies nor drop a connection on reload.
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import tls from 'node:tls';
import type { Logger } from 'pino';
import { certificateFor, route, type Backend, type RoutingTable, type TlsCertificate } from './routing.js';

const HOP_BY_HOP = ['connection', 'keep-alive', 'proxy-authenticate', 'proxy-authorization', 'te', 'trailer', 'transfer-encoding', 'upgrade', 'proxy-connection'];
/** ingress-nginx's proxy-connect-timeout and proxy-read-timeout defaults. */
const CONNECT_TIMEOUT_MS = 5_000;
const READ_TIMEOUT_MS = 60_000;

export interface ProxyOptions {
  logger: Logger;
  /** Certificate served when no Ingress names one for the SNI host (ingress-nginx's fake certificate). */
  defaultCertificate: { cert: string; key: string };
  /** Called once per proxied request (metrics). */
  onRequest?: (info: { ingress?: string; status: number; seconds: number; scheme: 'http' | 'https' }) => void;
}

export interface Listeners {
  httpPort: number;
  httpsPort: number;
  close(graceMs?: number): Promise<void>;
}

function splitHostPort(endpoint: string): { host: string; port: number } {
  const i = endpoint.lastIndexOf(':');
  return { host: endpoint.slice(0, i).replace(/^\[|\]$/g, ''), port: Number(endpoint.slice(i + 1)) };
}

export class IngressProxy {
  private table: RoutingTable;
  private readonly next = new Map<string, number>();
  private readonly contexts = new Map<string, tls.SecureContext>();
  private readonly defaultContext: tls.SecureContext;
  private readonly agent = new http.Agent({ keepAlive: true, maxSockets: 256 });

  constructor(private readonly o: ProxyOptions, table: RoutingTable) {
    this.table = table;
    this.defaultContext = tls.createSecureContext(o.defaultCertificate);
  }

  /** Atomically replaces the routing table; requests already routed keep their backend. */
  setTable(table: RoutingTable): void {
    this.table = table;
    const live = new Set([...table.tls.values()].map((c) => c.id));
    for (const id of this.contexts.keys()) if (!live.has(id)) this.contexts.delete(id);
  }

  currentTable(): RoutingTable {
    return this.table;
  }

  /** Round robin over the backend's endpoints, per backend. */
  pick(backend: Backend): string | undefined {
    if (backend.endpoints.length === 0) return undefined;
    const n = this.next.get(backend.key) ?? 0;
    this.next.set(backend.key, (n + 1) % 1_000_000);
    return backend.endpoints[n % backend.endpoints.length];
  }

  private contextFor(cert: TlsCertificate | undefined): tls.SecureContext {
    if (!cert) return this.defaultContext;
    let ctx = this.contexts.get(cert.id);
    if (!ctx) {
      try {
        ctx = tls.createSecureContext({ cert: cert.cert, key: cert.key });
      } catch (err) {
        this.o.logger.warn({ secret: cert.id, err: String(err) }, 'invalid TLS certificate; serving the default one');
        ctx = this.defaultContext;
      }
      this.contexts.set(cert.id, ctx);
    }
    return ctx;
  }

  sniCallback = (serverName: string, cb: (err: Error | null, ctx?: tls.SecureContext) => void): void => {
    cb(null, this.contextFor(certificateFor(this.table, serverName)));
  };

  private headersFor(req: http.IncomingMessage, scheme: 'http' | 'https'): http.OutgoingHttpHeaders {
    const headers: http.OutgoingHttpHeaders = {};
    const connectionTokens = String(req.headers.connection ?? '').toLowerCase().split(',').map((t) => t.trim());
    for (const [name, value] of Object.entries(req.headers)) {
      if (HOP_BY_HOP.includes(name) || connectionTokens.includes(name)) continue;
      headers[name] = value;
    }
    const client = req.socket.remoteAddress?.replace(/^::ffff:/, '') ?? '';
    const prior = req.headers['x-forwarded-for'];
    headers['x-forwarded-for'] = prior ? `${prior}, ${client}` : client;
    headers['x-real-ip'] = client;
    headers['x-forwarded-host'] = req.headers.host ?? '';
    headers['x-forwarded-proto'] = scheme;
    headers['x-forwarded-port'] = String(req.socket.localPort ?? '');
    return headers;
  }

  handle(req: http.IncomingMessage, res: http.ServerResponse, scheme: 'http' | 'https'): void {
    const started = process.hrtime.bigint();
    const match = route(this.table, req.headers.host ?? '', req.url ?? '/');
    const done = (status: number, ingress?: string) =>
      this.o.onRequest?.({ ingress, status, scheme, seconds: Number(process.hrtime.bigint() - started) / 1e9 });
    if (match.kind === 'none') {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('404 page not found\n');
      done(404);
      return;
    }
    const endpoint = this.pick(match.backend);
    if (!endpoint) {
      res.writeHead(503, { 'content-type': 'text/plain; charset=utf-8' }).end(`503 Service Unavailable: no ready endpoints for ${match.backend.key}\n`);
      done(503, match.ingress);
      return;
    }
    const { host, port } = splitHostPort(endpoint);
    const upstream = http.request({ host, port, method: req.method, path: req.url, headers: this.headersFor(req, scheme), agent: this.agent, timeout: CONNECT_TIMEOUT_MS });
    upstream.on('socket', (socket) => {
      const onConnect = () => upstream.setTimeout(READ_TIMEOUT_MS);
      if ((socket as net.Socket).connecting) socket.once('connect', onConnect);
      else onConnect();
    });
    upstream.on('response', (upRes) => {
      const headers: http.OutgoingHttpHeaders = {};
      for (const [name, value] of Object.entries(upRes.headers)) if (!HOP_BY_HOP.includes(name)) headers[name] = value;
      res.writeHead(upRes.statusCode ?? 502, upRes.statusMessage, headers);
      upRes.pipe(res);
      upRes.on('end', () => done(upRes.statusCode ?? 502, match.ingress));
    });
    upstream.on('timeout', () => upstream.destroy(Object.assign(new Error(`upstream ${endpoint} timed out`), { code: 'ETIMEDOUT' })));
    upstream.on('error', (err: NodeJS.ErrnoException) => {
      this.o.logger.debug({ endpoint, err: err.message }, 'upstream error');
      if (!res.headersSent) {
        const status = err.code === 'ETIMEDOUT' ? 504 : 502;
        res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' }).end(`${status} ${http.STATUS_CODES[status]}\n`);
        done(status, match.ingress);
      } else res.destroy();
    });
    req.on('aborted', () => upstream.destroy());
    req.pipe(upstream);
  }

  /** Upgrade requests (WebSocket): route as usual, then tunnel the two sockets. */
  upgrade(req: http.IncomingMessage, socket: net.Socket, head: Buffer, scheme: 'http' | 'https'): void {
    const match = route(this.table, req.headers.host ?? '', req.url ?? '/');
    const endpoint = match.kind === 'backend' ? this.pick(match.backend) : undefined;
    if (!endpoint) {
      socket.end(`HTTP/1.1 ${match.kind === 'none' ? '404 Not Found' : '503 Service Unavailable'}\r\nconnection: close\r\ncontent-length: 0\r\n\r\n`);
      return;
    }
    const { host, port } = splitHostPort(endpoint);
    const headers = this.headersFor(req, scheme);
    headers.connection = 'Upgrade';
    headers.upgrade = req.headers.upgrade;
    const upstream = http.request({ host, port, method: req.method, path: req.url, headers });
    upstream.on('upgrade', (upRes, upSocket, upHead) => {
      const lines = [`HTTP/1.1 ${upRes.statusCode} ${upRes.statusMessage}`];
      for (let i = 0; i < upRes.rawHeaders.length; i += 2) lines.push(`${upRes.rawHeaders[i]}: ${upRes.rawHeaders[i + 1]}`);
      socket.write(`${lines.join('\r\n')}\r\n\r\n`);
      if (upHead.length) socket.write(upHead);
      if (head.length) upSocket.write(head);
      upSocket.pipe(socket).pipe(upSocket);
      upSocket.on('error', () => socket.destroy());
      socket.on('error', () => upSocket.destroy());
    });
    upstream.on('response', (upRes) => {
      socket.end(`HTTP/1.1 ${upRes.statusCode} ${upRes.statusMessage}\r\nconnection: close\r\ncontent-length: 0\r\n\r\n`);
    });
    upstream.on('error', () => socket.end('HTTP/1.1 502 Bad Gateway\r\nconnection: close\r\ncontent-length: 0\r\n\r\n'));
    upstream.end();
  }

  async listen(address: string, httpPort: number, httpsPort: number): Promise<Listeners> {
    const plain = http.createServer((req, res) => this.handle(req, res, 'http'));
    const secure = https.createServer({ SNICallback: this.sniCallback, ...this.o.defaultCertificate }, (req, res) => this.handle(req, res, 'https'));
    plain.on('upgrade', (req, socket, head) => this.upgrade(req, socket as net.Socket, head, 'http'));
    secure.on('upgrade', (req, socket, head) => this.upgrade(req, socket as net.Socket, head, 'https'));
    for (const server of [plain, secure]) server.on('clientError', (_err, socket) => socket.destroy());
    const listen = (server: net.Server, port: number) =>
      new Promise<number>((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, address, () => resolve((server.address() as AddressInfo).port));
      });
    const boundHttp = await listen(plain, httpPort);
    const boundHttps = await listen(secure, httpsPort).catch(async (err) => {
      await new Promise((r) => plain.close(r));
      throw err;
    });
    return {
      httpPort: boundHttp,
      httpsPort: boundHttps,
      close: async (graceMs = 10_000) => {
        const closing = Promise.all([plain, secure].map((s) => new Promise((r) => s.close(r))));
        plain.closeIdleConnections();
        secure.closeIdleConnections();
        const timer = setTimeout(() => {
          plain.closeAllConnections();
          secure.closeAllConnections();
        }, graceMs);
        await closing;
        clearTimeout(timer);
        this.agent.destroy();
      },
    };
  }
}
