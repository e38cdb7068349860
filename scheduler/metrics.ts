// The scheduler's Prometheus metrics, named as upstream's pkg/scheduler/metrics. Only counters,
// gauges and histograms; the scheduling loop updates them.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export class SchedulerMetrics {
  readonly registry = new Registry();
  readonly attempts = new Counter({
    name: 'scheduler_schedule_attempts_total',
    help: 'Number of attempts to schedule pods, by the result. \'unschedulable\' means a pod could not be scheduled, while \'error\' means an internal scheduler problem.',
    labelNames: ['result', 'profile'],
    registers: [this.registry],
  });
  readonly attemptDuration = new Histogram({
    name: 'scheduler_scheduling_attempt_duration_seconds',
    help: 'Scheduling attempt latency in seconds (scheduling algorithm + binding)',
    labelNames: ['result', 'profile'],
    buckets: Array.from({ length: 15 }, (_, i) => 0.001 * 2 ** i),
    registers: [this.registry],
  });
  readonly pendingPods = new Gauge({
    name: 'scheduler_pending_pods',
    help: "Number of pending pods, by the queue type. 'active' means number of pods in activeQ; 'backoff' means number of pods in backoffQ; 'unschedulable' means number of pods in unschedulablePods that the scheduler attempted to schedule and failed; 'gated' is the number of unschedulable pods that the scheduler never attempted to schedule because they are gated.",
    labelNames: ['queue'],
    registers: [this.registry],
  });
  readonly preemptionAttempts = new Counter({
    name: 'scheduler_preemption_attempts_total',
    help: 'Total preemption attempts in the cluster till now',
    registers: [this.registry],
  });
  readonly preemptionVictims = new Histogram({
    name: 'scheduler_preemption_victims',
    help: 'Number of selected preemption victims',
    buckets: Array.from({ length: 7 }, (_, i) => 2 ** i),
    registers: [this.registry],
  });

  constructor(withProcessMetrics = false) {
    if (withProcessMetrics) collectDefaultMetrics({ register: this.registry });
  }
}
