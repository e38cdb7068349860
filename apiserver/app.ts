// Builds the configured Fastify instance of the apiserver (fastify-cli style): plugins for
// health, discovery, OpenAPI, metrics and resources, authentication on every non-public path,
// and the one error handler. main.ts listens; tests call buildApp and inject().
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { RequestEntityTooLargeError, UnauthorizedError } from '../api/errors.js';
import { RESOURCES, type ResourceInfo } from '../api/resources.js';
import { authenticate, isPublicPath } from './auth/authenticate.js';
import { installErrorHandlers, toStatusError } from './http/errors.js';
import { decodeKubernetesProtobuf, PROTOBUF_CONTENT_TYPE } from './protobuf/index.js';
import { ApiserverMetrics, type RequestLabels } from './metrics.js';
import type { UserInfo } from './registry/context.js';
import { ServiceAllocator } from './registry/service-allocation.js';
import { ResourceStore } from './registry/store.js';
import { registerDiscoveryRoutes } from './routes/discovery.js';
import { registerHealthRoutes } from './routes/health.js';
import { registerOpenApiRoutes } from './routes/openapi.js';
import { registerResourceRoutes } from './routes/resources.js';
import { registerPodProxy, type KubeletTls } from './proxy/index.js';
import { registerMetricsApi } from './metrics-api/index.js';
import type { Storage } from './storage/interface.js';

/** Upstream's limit on a request body: 3 MiB. */
export const MAX_REQUEST_BYTES = 3 * 1024 * 1024;

/** Bodies up to this size are read to their end before a 413, so the client sees the answer, not EPIPE. */
const MAX_DRAINED_BYTES = 16 * 1024 * 1024;

/** Answers 413 for a declared body over the limit, after draining it when that is cheap enough. */
async function refuseOversizedBody(request: FastifyRequest): Promise<void> {
  const declared = Number(request.headers['content-length'] ?? 0);
  if (!(declared > MAX_REQUEST_BYTES)) return;
  if (declared <= MAX_DRAINED_BYTES) {
    const raw = request.raw;
    await new Promise<void>((resolve) => {
      raw.on('end', resolve);
      raw.on('error', () => resolve());
      raw.on('close', () => resolve());
      raw.resume();
    });
  }
  throw new RequestEntityTooLargeError(`Request entity too large: limit is ${MAX_REQUEST_BYTES}`);
}

export interface AppOptions {
  storage: Storage;
  logger: Logger;
  /** Static bearer tokens (from --token-auth-file). */
  tokens?: Map<string, UserInfo>;
  /** --service-cluster-ip-range; default 10.96.0.0/16. */
  serviceClusterIPRange?: string;
  /** TLS settings when the app listens itself; absent for inject()-only tests. */
  https?: { key: Buffer; cert: Buffer; ca?: Buffer };
  /** How pods/log and pods/exec reach kubelets (--kubelet-client-certificate, ...); default: no client certificate. */
  kubeletTls?: KubeletTls;
  /** How often the Metrics API scrapes kubelets (metrics-server's --metric-resolution); default 15 s. */
  metricResolutionMs?: number;
}

declare module 'fastify' {
  interface FastifyRequest {
    user?: UserInfo;
    metricLabels?: Partial<RequestLabels>;
    startedAt?: bigint;
  }
}

export async function buildApp(options: AppOptions): Promise<{ app: FastifyInstance; stores: Map<ResourceInfo, ResourceStore>; metrics: ApiserverMetrics; services: ServiceAllocator }> {
  const app = Fastify({
    loggerInstance: options.logger,
    disableRequestLogging: true,
    bodyLimit: MAX_REQUEST_BYTES,
    ignoreTrailingSlash: true,
    https: options.https
      ? { key: options.https.key, cert: options.https.cert, ca: options.https.ca, requestCert: true, rejectUnauthorized: false, minVersion: 'TLSv1.2' }
      : null,
    // Watches are long-lived; the request timeout is per-verb, not global.
    requestTimeout: 0,
    // Errors Fastify meets before routing (a malformed URL) still answer as a Status.
    frameworkErrors: (error, _request, reply: any) => {
      const status = toStatusError(error);
      reply.code(status.code).type('application/json').send(status.toStatus());
    },
  }) as unknown as FastifyInstance;

  const metrics = new ApiserverMetrics();
  const tokens = options.tokens ?? new Map<string, UserInfo>();
  const services = new ServiceAllocator(options.storage, options.serviceClusterIPRange ?? '10.96.0.0/16');
  const stores = new Map<ResourceInfo, ResourceStore>(RESOURCES.map((res) => [
    res, new ResourceStore(res, options.storage, res.group === '' && res.plural === 'services' ? services : undefined),
  ]));

  installErrorHandlers(app);
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string', bodyLimit: MAX_REQUEST_BYTES }, (_request, body, done) => done(null, body));
  // Typed client-go writes (kubectl create namespace, ...) arrive as Kubernetes protobuf.
  app.addContentTypeParser(PROTOBUF_CONTENT_TYPE, { parseAs: 'buffer', bodyLimit: MAX_REQUEST_BYTES }, (_request, body, done) => {
    try {
      done(null, decodeKubernetesProtobuf(body as Buffer));
    } catch (err) {
      done(err as Error, undefined);
    }
  });

  app.addHook('onRequest', async (request: FastifyRequest) => {
    request.startedAt = process.hrtime.bigint();
    await refuseOversizedBody(request);
    if (isPublicPath(request.url)) return;
    const user = authenticate(request, tokens);
    if (!user) throw new UnauthorizedError();
    request.user = user;
  });
  app.addHook('onResponse', async (request, reply) => {
    const labels = request.metricLabels;
    if (!labels || request.startedAt === undefined) return;
    const seconds = Number(process.hrtime.bigint() - request.startedAt) / 1e9;
    metrics.observe({ verb: '', group: '', version: '', resource: '', subresource: '', scope: '', ...labels, code: String(reply.statusCode) }, seconds);
  });

  registerHealthRoutes(app, options.storage);
  registerDiscoveryRoutes(app);
  registerOpenApiRoutes(app);
  app.get('/metrics', async (_request, reply) => {
    reply.header('Content-Type', metrics.registry.contentType);
    return metrics.registry.metrics();
  });
  registerResourceRoutes(app, {
    storage: options.storage,
    stores,
    label: (request, labels) => {
      request.metricLabels = labels;
    },
    userOf: (request) => request.user ?? { name: 'system:anonymous', groups: ['system:unauthenticated'] },
  });
  const storeOf = (plural: string) => stores.get(RESOURCES.find((r) => r.group === '' && r.plural === plural)!)!;
  registerPodProxy(app, {
    stores: { pods: storeOf('pods'), nodes: storeOf('nodes') },
    kubeletTls: options.kubeletTls ?? { rejectUnauthorized: false },
    logger: options.logger,
    authenticate: (req) => authenticate({ headers: req.headers, raw: req } as unknown as FastifyRequest, tokens),
    label: (request, labels) => {
      request.metricLabels = labels;
    },
  });
  registerMetricsApi(app, {
    stores: { pods: storeOf('pods'), nodes: storeOf('nodes') },
    kubeletTls: options.kubeletTls ?? { rejectUnauthorized: false },
    logger: options.logger,
    resolutionMs: options.metricResolutionMs,
    label: (request, labels) => {
      request.metricLabels = labels;
    },
  });
  return { app, stores, metrics, services };
}
