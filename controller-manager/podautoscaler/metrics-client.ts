// upstream's resource metrics client: PodMetrics of a namespace and selector from metrics.k8s.io/v1beta1,
// summed per pod over its containers (or one container), in milli-units. Reads only.
import { parseQuantity } from '../../api/quantity.js';
import type { Client } from '../../client/index.js';
import type { PodMetricsInfo } from './replica-calculator.js';

interface PodMetricsList {
  items?: {
    metadata?: { name?: string };
    timestamp?: string;
    window?: string;
    containers?: { name: string; usage?: Record<string, string> }[];
  }[];
}

export class MetricsUnavailableError extends Error {}

/** Go duration text (`15s`, `1m0.5s`, `500ms`) in milliseconds. */
export function goDurationMs(text: string | undefined): number {
  if (!text) return 0;
  const unit: Record<string, number> = { h: 3_600_000, m: 60_000, s: 1000, ms: 1, us: 1e-3, 'µs': 1e-3, ns: 1e-6 };
  let total = 0;
  for (const m of text.matchAll(/([0-9.]+)(h|ms|m|s|us|µs|ns)/g)) total += Number(m[1]) * unit[m[2]!]!;
  return total;
}

export interface ResourceMetricsSource {
  podMetrics(namespace: string, selector: string, resource: string, container?: string): Promise<PodMetricsInfo>;
}

export function metricsApiSource(client: Client): ResourceMetricsSource {
  return {
    async podMetrics(namespace, selector, resource, container) {
      let list: PodMetricsList;
      try {
        list = await client.raw<PodMetricsList>('GET', `/apis/metrics.k8s.io/v1beta1/namespaces/${encodeURIComponent(namespace)}/pods`, undefined, {
          query: { labelSelector: selector },
        });
      } catch (err) {
        throw new MetricsUnavailableError(`unable to get metrics for resource ${resource}: unable to fetch metrics from resource metrics API: ${(err as Error).message}`);
      }
      const items = list.items ?? [];
      if (items.length === 0) throw new MetricsUnavailableError(`unable to get metrics for resource ${resource}: no metrics returned from resource metrics API`);
      const out: PodMetricsInfo = new Map();
      for (const item of items) {
        let total = 0;
        let missing = false;
        let matched = false;
        for (const c of item.containers ?? []) {
          if (container && c.name !== container) continue;
          const usage = c.usage?.[resource];
          if (usage === undefined) {
            missing = true;
            break;
          }
          matched = true;
          total += parseQuantity(usage).milliValue();
        }
        if (missing || !matched || !item.metadata?.name) continue;
        out.set(item.metadata.name, { value: total, timestampMs: item.timestamp ? Date.parse(item.timestamp) : 0, windowMs: goDurationMs(item.window) });
      }
      return out;
    },
  };
}
