// Owns the plain-HTTP side ports CoreDNS serves: :8080/health (liveness, always OK while the process
// answers), :8181/ready (200 once every informer has synced, else 503 naming what is not ready) and
// :9153/metrics (Prometheus). Must never touch the zone or the apiserver.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';

export interface HttpEndpoint {
  port: number;
  close(): Promise<void>;
}

type Handler = (req: http.IncomingMessage) => Promise<{ status: number; type: string; body: string }> | { status: number; type: string; body: string };

export async function serveHttp(address: string, port: number, routes: Record<string, Handler>): Promise<HttpEndpoint> {
  const server = http.createServer((req, res) => {
    const route = routes[(req.url ?? '/').split('?')[0]!];
    if (!route) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('404 page not found\n');
      return;
    }
    Promise.resolve(route(req)).then(
      ({ status, type, body }) => res.writeHead(status, { 'content-type': type }).end(body),
      (err: unknown) => res.writeHead(500, { 'content-type': 'text/plain' }).end(`${String(err)}\n`),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, address, () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () => new Promise((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}

/** CoreDNS's health plugin answers OK; its ready plugin lists the plugins that are not ready. */
export function healthRoutes(): Record<string, Handler> {
  return { '/health': () => ({ status: 200, type: 'text/plain', body: 'OK' }) };
}

export function readyRoutes(notReady: () => string[]): Record<string, Handler> {
  return {
    '/ready': () => {
      const waiting = notReady();
      return waiting.length === 0
        ? { status: 200, type: 'text/plain', body: 'OK' }
        : { status: 503, type: 'text/plain', body: waiting.join(',') };
    },
  };
}

export function metricsRoutes(registry: Registry): Record<string, Handler> {
  return { '/metrics': async () => ({ status: 200, type: registry.contentType, body: await registry.metrics() }) };
}
