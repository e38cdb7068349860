// Prometheus metrics of the apiserver: request counts and latencies by verb, group, resource and
// code, as upstream's apiserver_request_total / apiserver_request_duration_seconds.
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export interface RequestLabels {
  verb: string;
  group: string;
  version: string;
  resource: string;
  subresource: string;
  scope: string;
  code: string;
}

export class ApiserverMetrics {
  readonly registry = new Registry();
  private readonly total = new Counter({
    name: 'apiserver_request_total',
    help: 'Counter of apiserver requests broken out for each verb, group, version, resource, scope, component, and HTTP response code.',
    labelNames: ['verb', 'group', 'version', 'resource', 'subresource', 'scope', 'component', 'code'],
    registers: [this.registry],
  });
  private readonly duration = new Histogram({
    name: 'apiserver_request_duration_seconds',
    help: 'Response latency distribution in seconds for each verb, group, version, resource, subresource, scope and component.',
    labelNames: ['verb', 'group', 'version', 'resource', 'subresource', 'scope', 'component'],
    buckets: [0.005, 0.025, 0.05, 0.1, 0.2, 0.4, 0.6, 0.8, 1, 1.25, 1.5, 2, 3, 4, 5, 6, 8, 10, 15, 20, 30, 45, 60],
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }

  observe(labels: RequestLabels, seconds: number): void {
    const { code, ...rest } = labels;
    this.total.inc({ ...rest, code, component: 'apiserver' });
    this.duration.observe({ ...rest, component: 'apiserver' }, seconds);
  }
}
