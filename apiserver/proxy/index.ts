// Installs the apiserver's pod streaming endpoints: GET pods/{name}/log (a route) and pods/{name}/exec
// (an HTTP upgrade relayed to the kubelet). Upgrade requests for any other path go back to Fastify's
// ordinary routing, so nothing else changes behaviour.
import { ServerResponse, type IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { BadRequestError, MethodNotAllowedError, UnauthorizedError } from '../../api/errors.js';
import { toStatusError } from '../http/errors.js';
import type { RequestLabels } from '../metrics.js';
import type { UserInfo } from '../registry/context.js';
import type { KubeletTls } from './kubelet-connection.js';
import { answerUpgradeWithStatus, POD_STREAM_PATH, proxyExecUpgrade } from './pod-exec.js';
import { servePodLog } from './pod-log.js';
import type { PodStores } from './pod-target.js';

export { loadKubeletTls, type KubeletClientFiles, type KubeletTls } from './kubelet-connection.js';

export interface PodProxyOptions {
  stores: PodStores;
  kubeletTls: KubeletTls;
  logger: Logger;
  /** The apiserver's authentication of a raw request (client certificate or bearer token). */
  authenticate(req: IncomingMessage): UserInfo | undefined;
  label(request: FastifyRequest, labels: Partial<RequestLabels>): void;
}

const PODS_ITEM = '/api/v1/namespaces/:namespace/pods/:name';

export function registerPodProxy(app: FastifyInstance, options: PodProxyOptions): void {
  const labels = (verb: string, subresource: string): Partial<RequestLabels> => ({ verb, group: '', version: 'v1', resource: 'pods', subresource, scope: 'resource' });

  app.route({
    method: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'],
    url: `${PODS_ITEM}/log`,
    handler: async (request, reply) => {
      options.label(request, labels('CONNECT', 'log'));
      if (request.method !== 'GET') throw new MethodNotAllowedError();
      return servePodLog(request, reply, options.stores, options.kubeletTls);
    },
  });
  app.route({
    method: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'],
    url: `${PODS_ITEM}/exec`,
    handler: async (request) => {
      options.label(request, labels('CONNECT', 'exec'));
      if (request.method !== 'GET' && request.method !== 'POST') throw new MethodNotAllowedError();
      // Reaching a route means the request did not ask to upgrade the connection.
      throw new BadRequestError('Upgrade request required');
    },
  });

  app.server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const path = (req.url ?? '/').split('?')[0]!;
    if (!POD_STREAM_PATH.test(path)) {
      // Not ours: let Fastify answer it as an ordinary request.
      const res = new ServerResponse(req);
      res.shouldKeepAlive = false;
      res.assignSocket(socket as never);
      res.on('finish', () => socket.end());
      app.server.emit('request', req, res);
      return;
    }
    socket.on('error', () => undefined);
    (async () => {
      const user = options.authenticate(req);
      if (!user) throw new UnauthorizedError();
      await proxyExecUpgrade(req, socket, head, { stores: options.stores, tls: options.kubeletTls, logger: options.logger });
    })().catch((err: unknown) => {
      const status = toStatusError(err);
      if (status.code >= 500) options.logger.warn({ err: (err as Error).message, url: req.url }, 'exec proxy failed');
      answerUpgradeWithStatus(socket, status);
    });
  });
}
