// The metrics.k8s.io/v1beta1 group served by the apiserver itself (metrics-server's API): NodeMetrics
// and PodMetrics, get and list, computed from the kubelets' /stats/summary. Read-only: any other verb
// is MethodNotAllowed, and nothing here writes to storage.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { MethodNotAllowedError, NotFoundError } from '../../api/errors.js';
import type { Node, Pod } from '../../api/types.js';
import type { KubeletTls } from '../proxy/kubelet-connection.js';
import type { ResourceStore } from '../registry/store.js';
import { metricsList, nodeMetrics, podMetrics } from './objects.js';
import { METRICS_GROUP, METRICS_VERSION } from './resources.js';
import { MetricsScraper } from './scraper.js';

export { METRICS_RESOURCES, METRICS_GROUP, METRICS_VERSION, METRICS_API_VERSION } from './resources.js';
export { MetricsScraper, DEFAULT_METRIC_RESOLUTION_MS } from './scraper.js';

export interface MetricsApiOptions {
  stores: { nodes: ResourceStore; pods: ResourceStore };
  kubeletTls: KubeletTls;
  logger: Logger;
  /** metrics-server's --metric-resolution; default 15 s. */
  resolutionMs?: number;
  label(request: FastifyRequest, labels: Record<string, string>): void;
}

type Query = Record<string, string | undefined>;

function notFoundAsUndefined(err: unknown): undefined {
  if (err instanceof NotFoundError) return undefined;
  throw err;
}

export function registerMetricsApi(app: FastifyInstance, options: MetricsApiOptions): MetricsScraper {
  const scraper = new MetricsScraper({ nodes: options.stores.nodes, kubeletTls: options.kubeletTls, logger: options.logger, resolutionMs: options.resolutionMs });
  app.addHook('onClose', async () => scraper.stop());
  const base = `/apis/${METRICS_GROUP}/${METRICS_VERSION}`;
  // metrics-server names its resources nodemetrics/podmetrics in NotFound errors, and a pod as namespace/name.
  const nodesRef = { group: METRICS_GROUP, plural: 'nodemetrics' };
  const podsRef = { group: METRICS_GROUP, plural: 'podmetrics' };

  const route = (url: string, resource: 'nodes' | 'pods', scope: string, handler: (request: FastifyRequest) => Promise<unknown>) => {
    app.route({
      method: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'],
      url,
      handler: async (request) => {
        const verb = scope === 'resource' ? 'GET' : 'LIST';
        options.label(request, { verb: request.method === 'GET' ? verb : request.method, group: METRICS_GROUP, version: METRICS_VERSION, resource, subresource: '', scope });
        if (request.method !== 'GET') throw new MethodNotAllowedError();
        await scraper.ensureStarted();
        return handler(request);
      },
    });
  };

  route(`${base}/nodes`, 'nodes', 'cluster', async (request) => {
    const q = request.query as Query;
    const { items } = await options.stores.nodes.list(undefined, { labelSelector: q.labelSelector, fieldSelector: q.fieldSelector });
    const now = new Date();
    return metricsList('NodeMetricsList', (items as Node[]).flatMap((n) => nodeMetrics(n, scraper.usage, now) ?? []));
  });
  route(`${base}/nodes/:name`, 'nodes', 'resource', async (request) => {
    const { name } = request.params as { name: string };
    const node = (await options.stores.nodes.get(undefined, name).catch(notFoundAsUndefined)) as Node | undefined;
    const metrics = node && nodeMetrics(node, scraper.usage, new Date());
    if (!metrics) throw new NotFoundError(nodesRef, name);
    return metrics;
  });
  const listPods = async (namespace: string | undefined, q: Query) => {
    const { items } = await options.stores.pods.list(namespace, { labelSelector: q.labelSelector, fieldSelector: q.fieldSelector });
    const now = new Date();
    return metricsList('PodMetricsList', (items as Pod[]).flatMap((p) => podMetrics(p, scraper.usage, now) ?? []));
  };
  route(`${base}/pods`, 'pods', 'cluster', async (request) => listPods(undefined, request.query as Query));
  route(`${base}/namespaces/:namespace/pods`, 'pods', 'namespace', async (request) => {
    const { namespace } = request.params as { namespace: string };
    return listPods(namespace, request.query as Query);
  });
  route(`${base}/namespaces/:namespace/pods/:name`, 'pods', 'resource', async (request) => {
    const { namespace, name } = request.params as { namespace: string; name: string };
    const pod = (await options.stores.pods.get(namespace, name).catch(notFoundAsUndefined)) as Pod | undefined;
    const metrics = pod && podMetrics(pod, scraper.usage, new Date());
    if (!metrics) throw new NotFoundError(podsRef, `${namespace}/${name}`);
    return metrics;
  });
  return scraper;
}
