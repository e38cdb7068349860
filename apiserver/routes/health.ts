// /healthz, /livez and /readyz as upstream: plain `ok`, or a list of failed checks with a 500.
// Readiness fails while etcd does not answer, so load balancers and `npm start` wait for it.
import type { FastifyInstance } from 'fastify';
import type { Storage } from '../storage/interface.js';

export function registerHealthRoutes(app: FastifyInstance, storage: Storage): void {
  const check = async (): Promise<string | undefined> => {
    try {
      await storage.ping();
      return undefined;
    } catch (err) {
      return (err as Error).message;
    }
  };
  for (const path of ['/healthz', '/livez', '/readyz']) {
    app.get(path, async (request, reply) => {
      const failure = path === '/livez' ? undefined : await check();
      const verbose = (request.query as Record<string, unknown>)?.verbose !== undefined;
      reply.type('text/plain; charset=utf-8');
      if (failure) {
        request.log.warn({ failure }, `${path} check failed`);
        reply.code(500);
        return `[+]ping ok\n[-]etcd failed: reason withheld\n${path.slice(1)} check failed\n`;
      }
      return verbose ? `[+]ping ok\n[+]etcd ok\n${path.slice(1)} check passed\n` : 'ok';
    });
  }
}
