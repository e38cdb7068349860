// upstream's ReplicaCalculator for resource metrics (pkg/controller/podautoscaler/replica_calculator.go):
// desired replicas from per-pod usage against requests (Utilization) or a per-pod target (AverageValue),
// with the tolerance, and missing, unready and ignored pods handled as upstream. Pure: pods, metrics
// and the time come in; nothing is fetched or written here.
import type { Pod } from '../../api/types.js';
import { parseQuantity } from '../../api/quantity.js';

export interface PodMetric {
  /** Usage in milli-units (millicores, millibytes), as upstream's metrics client. */
  value: number;
  timestampMs: number;
  windowMs: number;
}

export type PodMetricsInfo = Map<string, PodMetric>;

export interface CalculatorOptions {
  tolerance: number;
  cpuInitializationPeriodMs: number;
  delayOfInitialReadinessStatusMs: number;
  nowMs: number;
}

export interface ReplicaResult {
  replicas: number;
  /** Utilization in percent of requests (Utilization targets only). */
  utilization?: number;
  /** Average usage per pod in milli-units. */
  rawUsage: number;
}

export class ReplicaCalculationError extends Error {}

interface Grouped {
  readyPodCount: number;
  unready: Set<string>;
  missing: Set<string>;
  ignored: Set<string>;
}

function readyCondition(pod: Pod) {
  return pod.status?.conditions?.find((c) => c.type === 'Ready');
}

/** upstream groupPods: which pods count, which are unready (CPU only), missing metrics, or ignored. */
export function groupPods(pods: Pod[], metrics: PodMetricsInfo, resource: string, opts: CalculatorOptions): Grouped {
  const out: Grouped = { readyPodCount: 0, unready: new Set(), missing: new Set(), ignored: new Set() };
  for (const pod of pods) {
    const name = pod.metadata?.name ?? '';
    if (pod.metadata?.deletionTimestamp || pod.status?.phase === 'Failed') {
      out.ignored.add(name);
      continue;
    }
    if (pod.status?.phase === 'Pending') {
      out.unready.add(name);
      continue;
    }
    const metric = metrics.get(name);
    if (!metric) {
      out.missing.add(name);
      continue;
    }
    if (resource === 'cpu') {
      const condition = readyCondition(pod);
      const start = pod.status?.startTime ? Date.parse(pod.status.startTime) : undefined;
      let unready: boolean;
      if (!condition || start === undefined) {
        unready = true;
      } else {
        const transition = condition.lastTransitionTime ? Date.parse(condition.lastTransitionTime) : 0;
        if (start + opts.cpuInitializationPeriodMs > opts.nowMs) {
          // Still initialising: ignore the sample if unready or no full window since the last transition.
          unready = condition.status === 'False' || metric.timestampMs < transition + metric.windowMs;
        } else {
          // Unready and never been ready.
          unready = condition.status === 'False' && start + opts.delayOfInitialReadinessStatusMs > transition;
        }
      }
      if (unready) {
        out.unready.add(name);
        continue;
      }
    }
    out.readyPodCount++;
  }
  return out;
}

/** upstream calculatePodRequests: the sum of the containers' requests in milli-units, per pod. */
export function podRequests(pods: Pod[], container: string | undefined, resource: string): Map<string, number> {
  const requests = new Map<string, number>();
  for (const pod of pods) {
    let total = 0;
    for (const c of pod.spec?.containers ?? []) {
      if (container && c.name !== container) continue;
      const request = c.resources?.requests?.[resource];
      if (request === undefined) throw new ReplicaCalculationError(`missing request for ${resource} in container ${c.name} of Pod ${pod.metadata?.name ?? ''}`);
      total += parseQuantity(request).milliValue();
    }
    requests.set(pod.metadata?.name ?? '', total);
  }
  return requests;
}

/** upstream GetResourceUtilizationRatio. */
export function utilizationRatio(metrics: PodMetricsInfo, requests: Map<string, number>, targetUtilization: number) {
  let metricsTotal = 0;
  let requestsTotal = 0;
  let entries = 0;
  for (const [name, metric] of metrics) {
    const request = requests.get(name);
    if (request === undefined) continue;
    metricsTotal += metric.value;
    requestsTotal += request;
    entries++;
  }
  if (requestsTotal === 0) throw new ReplicaCalculationError('no metrics returned matched known pods');
  const utilization = Math.trunc((metricsTotal * 100) / requestsTotal);
  return { ratio: utilization / targetUtilization, utilization, rawUsage: Math.trunc(metricsTotal / entries) };
}

/** upstream GetMetricUsageRatio: average usage per pod against a per-pod target. */
export function usageRatio(metrics: PodMetricsInfo, targetUsage: number) {
  let total = 0;
  for (const metric of metrics.values()) total += metric.value;
  const average = Math.trunc(total / metrics.size);
  return { ratio: average / targetUsage, usage: average };
}

function withoutPods(metrics: PodMetricsInfo, pods: Set<string>): PodMetricsInfo {
  const out: PodMetricsInfo = new Map(metrics);
  for (const name of pods) out.delete(name);
  return out;
}

/** The shared tail of both calculations: unready and missing pods pulled towards not scaling. */
function settle(
  currentReplicas: number,
  grouped: Grouped,
  metrics: PodMetricsInfo,
  ratio: number,
  tolerance: number,
  missingOnScaleDown: (podName: string) => number,
  newRatioOf: (m: PodMetricsInfo) => number,
): number {
  const scaleUpWithUnready = grouped.unready.size > 0 && ratio > 1.0;
  if (!scaleUpWithUnready && grouped.missing.size === 0) {
    if (Math.abs(1.0 - ratio) <= tolerance) return currentReplicas;
    return Math.ceil(ratio * grouped.readyPodCount);
  }
  const filled: PodMetricsInfo = new Map(metrics);
  const assume = (name: string, value: number) => filled.set(name, { value, timestampMs: 0, windowMs: 0 });
  if (grouped.missing.size > 0) {
    // Scaling down: a pod without metrics counts as at its request (or target); scaling up: as idle.
    if (ratio < 1.0) for (const name of grouped.missing) assume(name, missingOnScaleDown(name));
    else if (ratio > 1.0) for (const name of grouped.missing) assume(name, 0);
  }
  if (scaleUpWithUnready) for (const name of grouped.unready) assume(name, 0);
  const newRatio = newRatioOf(filled);
  // The adjustment may not reverse the direction of the scale, nor bring it within tolerance.
  if (Math.abs(1.0 - newRatio) <= tolerance || (ratio < 1.0 && newRatio > 1.0) || (ratio > 1.0 && newRatio < 1.0)) return currentReplicas;
  const newReplicas = Math.ceil(newRatio * filled.size);
  if ((newRatio < 1.0 && newReplicas > currentReplicas) || (newRatio > 1.0 && newReplicas < currentReplicas)) return currentReplicas;
  return newReplicas;
}

function usableMetrics(pods: Pod[], allMetrics: PodMetricsInfo, grouped: Grouped): PodMetricsInfo {
  const metrics = withoutPods(withoutPods(allMetrics, grouped.ignored), grouped.unready);
  // Metrics of pods the selector does not match do not count.
  const names = new Set(pods.map((p) => p.metadata?.name ?? ''));
  for (const name of [...metrics.keys()]) if (!names.has(name)) metrics.delete(name);
  return metrics;
}

/** upstream GetResourceReplicas: a Utilization target (percent of request). */
export function resourceReplicas(
  currentReplicas: number,
  targetUtilization: number,
  resource: string,
  container: string | undefined,
  pods: Pod[],
  allMetrics: PodMetricsInfo,
  opts: CalculatorOptions,
): ReplicaResult {
  if (pods.length === 0) throw new ReplicaCalculationError('no pods returned by selector while calculating replica count');
  const grouped = groupPods(pods, allMetrics, resource, opts);
  const metrics = usableMetrics(pods, allMetrics, grouped);
  if (metrics.size === 0) throw new ReplicaCalculationError('did not receive metrics for targeted pods (pods might be unready)');
  const requests = podRequests(pods, container, resource);
  const { ratio, utilization, rawUsage } = utilizationRatio(metrics, requests, targetUtilization);
  const fallback = Math.max(100, targetUtilization);
  const replicas = settle(
    currentReplicas, grouped, metrics, ratio, opts.tolerance,
    (name) => Math.trunc(((requests.get(name) ?? 0) * fallback) / 100),
    (m) => utilizationRatio(m, requests, targetUtilization).ratio,
  );
  return { replicas, utilization, rawUsage };
}

/** upstream GetRawResourceReplicas: an AverageValue target (milli-units per pod). */
export function rawResourceReplicas(
  currentReplicas: number,
  targetUsage: number,
  resource: string,
  pods: Pod[],
  allMetrics: PodMetricsInfo,
  opts: CalculatorOptions,
): ReplicaResult {
  if (pods.length === 0) throw new ReplicaCalculationError('no pods returned by selector while calculating replica count');
  const grouped = groupPods(pods, allMetrics, resource, opts);
  const metrics = usableMetrics(pods, allMetrics, grouped);
  if (metrics.size === 0) throw new ReplicaCalculationError('did not receive metrics for targeted pods (pods might be unready)');
  const { ratio, usage } = usageRatio(metrics, targetUsage);
  const replicas = settle(currentReplicas, grouped, metrics, ratio, opts.tolerance, () => targetUsage, (m) => usageRatio(m, targetUsage).ratio);
  return { replicas, rawUsage: usage };
}
