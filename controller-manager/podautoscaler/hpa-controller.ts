// The HorizontalPodAutoscaler controller (upstream's `horizontalpodautoscaling`, autoscaling/v2): every
// sync period it reads the target's scale subresource, computes the replicas each Resource or
// ContainerResource metric asks for from the Metrics API, normalizes them (stabilization, behavior
// policies, min/max), rescales the target and writes the HPA's status, conditions and events.
// It never writes the target other than through /scale, nor any HPA field but its status.
import type { Logger } from 'pino';
import type {
  HorizontalPodAutoscaler,
  HorizontalPodAutoscalerCondition,
  MetricSpec,
  MetricStatus,
} from 'kubernetes-types/autoscaling/v2.js';
import type { Pod } from '../../api/types.js';
import { parseSelector } from '../../api/labels.js';
import { parseQuantity, Quantity } from '../../api/quantity.js';
import type { Client, EventRecorder, Informer, KubeObject, Scale, WorkQueue } from '../../client/index.js';
import type { ReconcileResult } from '../controller.js';
import { setCondition, type ConditionChange } from './conditions.js';
import type { ResourceMetricsSource } from './metrics-client.js';
import { Recommender, type ResolvedBehavior } from './normalize.js';
import { rawResourceReplicas, resourceReplicas, type CalculatorOptions } from './replica-calculator.js';

export type Hpa = HorizontalPodAutoscaler & KubeObject;

export interface HpaControllerOptions {
  client: Client;
  hpas: Informer<Hpa>;
  pods: Informer<Pod & KubeObject>;
  queue: WorkQueue<string>;
  recorder: EventRecorder;
  logger: Logger;
  metrics: ResourceMetricsSource;
  syncPeriodMs: number;
  tolerance: number;
  downscaleStabilizationMs: number;
  cpuInitializationPeriodMs: number;
  initialReadinessDelayMs: number;
  /** The clock (ms since the epoch); tests pass a fake one. */
  now?: () => number;
}

/** A metric whose replicas could not be computed: the condition to report and the error. */
class MetricError extends Error {
  constructor(
    message: string,
    readonly condition: ConditionChange,
  ) {
    super(message);
  }
}

interface MetricProposal {
  replicas: number;
  name: string;
  status: MetricStatus;
}

const keyOf = (o: KubeObject) => `${o.metadata?.namespace ?? ''}/${o.metadata?.name ?? ''}`;
const milli = (n: number) => Quantity.fromMilli(BigInt(Math.trunc(n)), 'DecimalSI').toString();
const rfc3339 = (ms: number) => new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');

export class HorizontalController {
  private readonly now: () => number;
  readonly recommender: Recommender;

  constructor(private readonly o: HpaControllerOptions) {
    this.now = o.now ?? Date.now;
    this.recommender = new Recommender(this.now, o.downscaleStabilizationMs);
  }

  /** Upstream enqueues every HPA with the sync period's delay, so each is processed once per period. */
  registerHandlers(): void {
    this.o.hpas.on('add', (hpa) => this.o.queue.addAfter(keyOf(hpa), this.o.syncPeriodMs));
    this.o.hpas.on('update', (old, cur) => {
      if (JSON.stringify(old.spec) !== JSON.stringify(cur.spec)) this.o.queue.addAfter(keyOf(cur), this.o.syncPeriodMs);
    });
    this.o.hpas.on('delete', (hpa) => this.recommender.forget(keyOf(hpa)));
  }

  async reconcile(key: string): Promise<ReconcileResult> {
    const cached = this.o.hpas.store.get(key);
    if (!cached) {
      this.recommender.forget(key);
      return {};
    }
    try {
      await this.reconcileAutoscaler(structuredClone(cached) as Hpa, key);
    } catch (err) {
      this.o.logger.warn({ hpa: key, err: (err as Error).message }, 'failed to reconcile HorizontalPodAutoscaler');
    }
    return { requeueAfterMs: this.o.syncPeriodMs };
  }

  private event(hpa: Hpa, type: 'Normal' | 'Warning', reason: string, message: string): void {
    this.o.recorder.event(hpa, type, reason, message);
  }

  private condition(hpa: Hpa, change: ConditionChange): void {
    hpa.status ??= { desiredReplicas: 0 };
    hpa.status.conditions = setCondition(hpa.status.conditions ?? [], change, rfc3339(this.now()));
  }

  private async updateStatusIfNeeded(original: Hpa['status'], hpa: Hpa): Promise<void> {
    if (JSON.stringify(original ?? null) === JSON.stringify(hpa.status ?? null)) return;
    await this.o.client.resource<Hpa>('horizontalpodautoscalers.autoscaling').updateStatus(hpa);
  }

  /** upstream reconcileAutoscaler. */
  private async reconcileAutoscaler(hpa: Hpa, key: string): Promise<void> {
    const original = structuredClone(hpa.status);
    const spec = hpa.spec!;
    const ns = hpa.metadata?.namespace ?? '';
    const ref = spec.scaleTargetRef;
    const reference = `${ref.kind}/${ns}/${ref.name}`;

    let scale: Scale;
    try {
      scale = await this.o.client.forKind(ref.apiVersion ?? '', ref.kind, ns).scale(ref.name);
    } catch (err) {
      const message = (err as Error).message.startsWith('no matches for kind')
        ? `unable to determine resource for scale target reference: ${(err as Error).message}`
        : `failed to query scale subresource for ${reference}: ${(err as Error).message}`;
      this.event(hpa, 'Warning', 'FailedGetScale', message);
      this.condition(hpa, { type: 'AbleToScale', status: 'False', reason: 'FailedGetScale', message: `the HPA controller was unable to get the target's current scale: ${message}` });
      await this.updateStatusIfNeeded(original, hpa);
      throw new Error(message);
    }
    this.condition(hpa, { type: 'AbleToScale', status: 'True', reason: 'SucceededGetScale', message: "the HPA controller was able to get the target's current scale" });
    const currentReplicas = scale.spec?.replicas ?? 0;
    this.recommender.recordInitial(key, currentReplicas);

    const minReplicas = spec.minReplicas ?? 1;
    let desiredReplicas = 0;
    let rescaleReason = '';
    let rescale = true;
    let metricStatuses: MetricStatus[] = hpa.status?.currentMetrics ?? [];
    let behavior: ResolvedBehavior | undefined;

    if (currentReplicas === 0 && minReplicas !== 0) {
      desiredReplicas = 0;
      rescale = false;
      this.condition(hpa, { type: 'ScalingActive', status: 'False', reason: 'ScalingDisabled', message: 'scaling is disabled since the replica count of the target is zero' });
    } else if (currentReplicas > spec.maxReplicas) {
      rescaleReason = 'Current number of replicas above Spec.MaxReplicas';
      desiredReplicas = spec.maxReplicas;
    } else if (currentReplicas < minReplicas) {
      rescaleReason = 'Current number of replicas below Spec.MinReplicas';
      desiredReplicas = minReplicas;
    } else {
      const computed = await this.computeReplicasForMetrics(hpa, scale, spec.metrics ?? []);
      metricStatuses = computed.statuses;
      if (computed.replicas === -1) {
        this.setCurrent(hpa, currentReplicas, metricStatuses);
        await this.updateStatusIfNeeded(original, hpa);
        const message = computed.error?.message ?? '';
        this.event(hpa, 'Warning', 'FailedComputeMetricsReplicas', message);
        throw new Error(`failed to compute desired number of replicas based on listed metrics for ${reference}: ${message}`);
      }
      let rescaleMetric = '';
      if (computed.replicas > desiredReplicas) {
        desiredReplicas = computed.replicas;
        rescaleMetric = computed.metric;
      }
      if (desiredReplicas > currentReplicas) rescaleReason = `${rescaleMetric} above target`;
      if (desiredReplicas < currentReplicas) rescaleReason = 'All metrics below target';
      let outcome;
      if (spec.behavior) {
        behavior = this.recommender.resolveBehavior(spec.behavior as never);
        outcome = this.recommender.normalizeWithBehavior(key, behavior, currentReplicas, desiredReplicas, minReplicas, spec.maxReplicas);
      } else {
        outcome = this.recommender.normalize(key, currentReplicas, desiredReplicas, minReplicas, spec.maxReplicas);
      }
      this.condition(hpa, { type: 'AbleToScale', status: 'True', ...outcome.ableToScale });
      this.condition(hpa, { type: 'ScalingLimited', ...outcome.scalingLimited });
      desiredReplicas = outcome.replicas;
      rescale = desiredReplicas !== currentReplicas;
    }

    if (rescale) {
      try {
        await this.o.client.forKind(ref.apiVersion ?? '', ref.kind, ns).updateScale(ref.name, { ...scale, spec: { ...scale.spec, replicas: desiredReplicas } });
      } catch (err) {
        const message = (err as Error).message;
        this.event(hpa, 'Warning', 'FailedRescale', `New size: ${desiredReplicas}; reason: ${rescaleReason}; error: ${message}`);
        this.condition(hpa, { type: 'AbleToScale', status: 'False', reason: 'FailedUpdateScale', message: `the HPA controller was unable to update the target scale: ${message}` });
        this.setCurrent(hpa, currentReplicas, metricStatuses);
        await this.updateStatusIfNeeded(original, hpa);
        throw new Error(`failed to rescale ${reference}: ${message}`);
      }
      this.condition(hpa, { type: 'AbleToScale', status: 'True', reason: 'SucceededRescale', message: `the HPA controller was able to update the target scale to ${desiredReplicas}` });
      this.event(hpa, 'Normal', 'SuccessfulRescale', `New size: ${desiredReplicas}; reason: ${rescaleReason}`);
      this.recommender.recordScale(key, behavior, currentReplicas, desiredReplicas);
      this.o.logger.info({ hpa: key, reference, from: currentReplicas, to: desiredReplicas, reason: rescaleReason }, 'successful rescale');
    } else {
      desiredReplicas = currentReplicas;
    }
    // setStatus
    const conditions = hpa.status?.conditions;
    const lastScaleTime = rescale ? rfc3339(this.now()) : hpa.status?.lastScaleTime;
    hpa.status = {
      currentReplicas,
      desiredReplicas,
      ...(lastScaleTime ? { lastScaleTime } : {}),
      ...(metricStatuses.length ? { currentMetrics: metricStatuses } : {}),
      ...(conditions ? { conditions } : {}),
    };
    await this.updateStatusIfNeeded(original, hpa);
  }

  private setCurrent(hpa: Hpa, currentReplicas: number, metrics: MetricStatus[]): void {
    hpa.status = { ...hpa.status!, currentReplicas, ...(metrics.length ? { currentMetrics: metrics } : {}) };
    if (!metrics.length) delete hpa.status.currentMetrics;
  }

  /** upstream computeReplicasForMetrics: the largest proposal; -1 when every metric (or any, on a scale-down) failed. */
  private async computeReplicasForMetrics(hpa: Hpa, scale: Scale, specs: MetricSpec[]) {
    const selectorText = scale.status?.selector ?? '';
    if (selectorText === '') {
      this.event(hpa, 'Warning', 'SelectorRequired', 'selector is required');
      this.condition(hpa, { type: 'ScalingActive', status: 'False', reason: 'InvalidSelector', message: "the HPA target's scale is missing a selector" });
      return { replicas: -1, metric: '', statuses: [] as MetricStatus[], error: new Error('selector is required') };
    }
    try {
      parseSelector(selectorText);
    } catch (err) {
      const message = `couldn't convert selector into a corresponding internal selector object: ${(err as Error).message}`;
      this.event(hpa, 'Warning', 'InvalidSelector', message);
      this.condition(hpa, { type: 'ScalingActive', status: 'False', reason: 'InvalidSelector', message });
      return { replicas: -1, metric: '', statuses: [] as MetricStatus[], error: new Error(message) };
    }
    const specReplicas = scale.spec?.replicas ?? 0;
    const statuses: MetricStatus[] = [];
    let replicas = 0;
    let metric = '';
    let invalid = 0;
    let firstError: MetricError | undefined;
    for (const spec of specs) {
      try {
        const proposal = await this.computeReplicasForMetric(hpa, spec, specReplicas, selectorText);
        statuses.push(proposal.status);
        if (replicas === 0 || proposal.replicas > replicas) {
          replicas = proposal.replicas;
          metric = proposal.name;
        }
      } catch (err) {
        const e = err instanceof MetricError ? err : new MetricError((err as Error).message, unableToCompute((err as Error).message, 'FailedGetResourceMetric'));
        statuses.push({ type: '' } as unknown as MetricStatus);
        if (invalid === 0) firstError = e;
        invalid++;
        this.event(hpa, 'Warning', e.condition.reason, e.message);
      }
    }
    const error = firstError && new Error(`invalid metrics (${invalid} invalid out of ${specs.length}), first error is: ${firstError.message}`);
    if (invalid >= specs.length || (invalid > 0 && replicas < specReplicas)) {
      if (firstError) this.condition(hpa, firstError.condition);
      return { replicas: -1, metric: '', statuses, error };
    }
    this.condition(hpa, { type: 'ScalingActive', status: 'True', reason: 'ValidMetricFound', message: `the HPA was able to successfully calculate a replica count from ${metric}` });
    return { replicas, metric, statuses, error };
  }

  private calculatorOptions(): CalculatorOptions {
    return {
      tolerance: this.o.tolerance,
      cpuInitializationPeriodMs: this.o.cpuInitializationPeriodMs,
      delayOfInitialReadinessStatusMs: this.o.initialReadinessDelayMs,
      nowMs: this.now(),
    };
  }

  private async computeReplicasForMetric(hpa: Hpa, spec: MetricSpec, currentReplicas: number, selectorText: string): Promise<MetricProposal> {
    if (spec.type !== 'Resource' && spec.type !== 'ContainerResource') {
      const reason = spec.type === 'Pods' ? 'FailedGetPodsMetric' : spec.type === 'Object' ? 'FailedGetObjectMetric' : spec.type === 'External' ? 'FailedGetExternalMetric' : 'InvalidMetricSourceType';
      const message = reason === 'InvalidMetricSourceType'
        ? `unknown metric source type "${spec.type}"`
        : `unable to get metric: unable to fetch metrics from custom metrics API: no custom metrics API (${spec.type === 'External' ? 'external.metrics.k8s.io' : 'custom.metrics.k8s.io'}) registered`;
      throw new MetricError(message, unableToCompute(message, reason));
    }
    const container = spec.type === 'ContainerResource' ? spec.containerResource!.container : undefined;
    const source = spec.type === 'ContainerResource' ? spec.containerResource! : spec.resource!;
    const resource = source.name;
    const target = source.target;
    const reason = spec.type === 'ContainerResource' ? 'FailedGetContainerResourceMetric' : 'FailedGetResourceMetric';
    const fail = (message: string): never => {
      throw new MetricError(message, unableToCompute(message, reason));
    };
    const ns = hpa.metadata?.namespace ?? '';
    const selector = parseSelector(selectorText);
    const pods = this.o.pods.store.byIndex('byNamespace', ns).filter((p) => selector.matches(p.metadata?.labels ?? {})) as Pod[];
    const containerWord = spec.type === 'ContainerResource' ? ' container' : '';
    const wrap = (s: object) =>
      (spec.type === 'ContainerResource'
        ? { type: 'ContainerResource', containerResource: { name: resource, container: container!, current: s } }
        : { type: 'Resource', resource: { name: resource, current: s } }) as MetricStatus;

    if (target.averageValue !== undefined) {
      let result;
      try {
        const metrics = await this.o.metrics.podMetrics(ns, selectorText, resource, container);
        result = rawResourceReplicas(currentReplicas, parseQuantity(target.averageValue).milliValue(), resource, pods, metrics, this.calculatorOptions());
      } catch (err) {
        return fail(`failed to get ${resource} usage: ${(err as Error).message}`);
      }
      return { replicas: result.replicas, name: `${resource}${containerWord} resource`, status: wrap({ averageValue: milli(result.rawUsage) }) };
    }
    if (target.averageUtilization === undefined) {
      return fail('invalid resource metric source: neither an average utilization target nor an average value (usage) target was set');
    }
    let result;
    try {
      const metrics = await this.o.metrics.podMetrics(ns, selectorText, resource, container);
      result = resourceReplicas(currentReplicas, target.averageUtilization, resource, container, pods, metrics, this.calculatorOptions());
    } catch (err) {
      return fail(`failed to get ${resource} utilization: ${(err as Error).message}`);
    }
    return {
      replicas: result.replicas,
      name: `${resource}${containerWord} resource utilization (percentage of request)`,
      status: wrap({ averageValue: milli(result.rawUsage), averageUtilization: result.utilization }),
    };
  }
}

function unableToCompute(message: string, reason: string): ConditionChange {
  return { type: 'ScalingActive', status: 'False', reason, message: `the HPA was unable to compute the replica count: ${message}` };
}

export type { HorizontalPodAutoscalerCondition };
