// One worker per (pod, container, probe kind), like upstream's prober workers: initialDelay, period,
// timeout, success/failure thresholds, startup gating liveness/readiness, liveness on hold after a
// failure until the container is replaced. Reports results; never restarts or kills anything.
import type Docker from 'dockerode';
import type { Logger } from 'pino';
import type { Container, Pod, Probe } from '../../api/types.js';
import { realClock, type Clock } from './clock.js';
import { runProbe, type ProbeKind, type ProbeOutcome, type ProbeTarget } from './run-probe.js';

export type ProbeResult = 'success' | 'failure';

export interface ProbeResultDetail {
  containerId: string;
  /** The thresholded result differs from the one reported before for this container instance. */
  changed: boolean;
}

export interface ProbeManagerOptions {
  docker: Docker;
  /**
   * Thresholded results: called when a result changes, and again on every failure while the probe
   * stays failed (readiness; liveness/startup stop probing after a failure until the container is
   * replaced). A 'failure' here is what upstream acts on (restart, not ready).
   */
  onResult: (podUid: string, containerName: string, kind: ProbeKind, result: ProbeResult, message: string, detail: ProbeResultDetail) => void;
  /** Every failed probe run, below the threshold too: upstream's `Unhealthy` event (`Liveness probe failed: ...`). */
  onProbeFailed?: (podUid: string, containerName: string, kind: ProbeKind, message: string, containerId: string) => void;
  logger: Logger;
  clock?: Clock;
  /** Replaces runProbe (tests). */
  prober?: (probe: Probe, target: ProbeTarget) => Promise<ProbeOutcome>;
}

export interface RunningContainer {
  containerId: string;
  startedAtMs: number;
}

const KINDS: ProbeKind[] = ['startup', 'liveness', 'readiness'];

function probeOf(container: Container, kind: ProbeKind): Probe | undefined {
  return kind === 'liveness' ? container.livenessProbe : kind === 'readiness' ? container.readinessProbe : container.startupProbe;
}

/** Probe defaults (upstream SetDefaults_Probe). */
function spec(probe: Probe) {
  return {
    initialDelayMs: (probe.initialDelaySeconds ?? 0) * 1000,
    periodMs: Math.max(1, probe.periodSeconds ?? 10) * 1000,
    successThreshold: Math.max(1, probe.successThreshold ?? 1),
    failureThreshold: Math.max(1, probe.failureThreshold ?? 3),
  };
}

class Worker {
  /** The reported (thresholded) result; undefined = not yet known. */
  result: ProbeResult | undefined;
  private lastResult: ProbeResult | undefined;
  private resultRun = 0;
  private onHold = false;
  private stopped = false;
  private timer: unknown;
  private running = false;
  private rerun = false;

  constructor(
    private readonly manager: ProbeManager,
    readonly podUid: string,
    public pod: Pod,
    readonly container: Container,
    readonly kind: ProbeKind,
    readonly probe: Probe,
    public instance: RunningContainer,
    public podIP: string | undefined,
  ) {
    this.result = kind === 'liveness' ? 'success' : kind === 'readiness' ? 'failure' : undefined;
  }

  start(): void {
    this.schedule(0);
  }

  stop(): void {
    this.stopped = true;
    if (this.timer !== undefined) this.manager.clock.clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** A new container instance: start over as upstream's worker does on a container ID change. */
  reset(instance: RunningContainer): void {
    this.instance = instance;
    this.onHold = false;
    this.resultRun = 0;
    this.lastResult = undefined;
    const initial = this.kind === 'liveness' ? 'success' : this.kind === 'readiness' ? 'failure' : undefined;
    const previous = this.result;
    this.result = initial;
    // As upstream's results manager does for a new container ID: its initial result is news.
    if (initial !== undefined && initial !== previous) this.manager.options.onResult(this.podUid, this.container.name, this.kind, initial, '', { containerId: instance.containerId, changed: true });
  }

  /** Probe now instead of at the next tick (readiness right after startup succeeded). */
  trigger(): void {
    if (this.stopped) return;
    if (this.running) {
      this.rerun = true;
      return;
    }
    this.schedule(0);
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    if (this.timer !== undefined) this.manager.clock.clearTimeout(this.timer);
    this.timer = this.manager.clock.setTimeout(() => {
      this.timer = undefined;
      void this.tick();
    }, delayMs);
  }

  private async tick(): Promise<void> {
    if (this.stopped) return;
    this.running = true;
    const tickAt = this.manager.clock.now();
    let keepGoing = true;
    try {
      keepGoing = await this.doProbe();
    } catch (err) {
      this.manager.logger.warn({ podUid: this.podUid, container: this.container.name, kind: this.kind, err: (err as Error).message }, 'probe worker error');
    } finally {
      this.running = false;
    }
    if (!keepGoing) {
      this.stop();
      return;
    }
    if (this.rerun) {
      this.rerun = false;
      this.schedule(0);
      return;
    }
    const { periodMs } = spec(this.probe);
    this.schedule(Math.max(0, tickAt + periodMs - this.manager.clock.now()));
  }

  /** upstream worker.doProbe; false stops the worker. */
  private async doProbe(): Promise<boolean> {
    const { initialDelayMs, successThreshold, failureThreshold } = spec(this.probe);
    const instance = this.instance;
    if (this.pod.metadata?.deletionTimestamp && (this.kind === 'liveness' || this.kind === 'startup')) {
      this.set('success', '', instance.containerId);
      return false;
    }
    if (this.onHold) return true;
    if (Math.floor((this.manager.clock.now() - instance.startedAtMs) / 1000) * 1000 < initialDelayMs) return true;
    const started = this.manager.started(this.podUid, this.container.name);
    if (this.kind === 'startup' ? started : !started) return true;

    const outcome = await this.manager.prober(this.probe, { containerId: instance.containerId, container: this.container, ...(this.podIP ? { podIP: this.podIP } : {}) });
    if (this.stopped || this.instance !== instance) return !this.stopped;

    if (outcome.result === 'failure') this.manager.options.onProbeFailed?.(this.podUid, this.container.name, this.kind, outcome.message, instance.containerId);
    if (this.lastResult === outcome.result) this.resultRun++;
    else {
      this.lastResult = outcome.result;
      this.resultRun = 1;
    }
    if ((outcome.result === 'failure' && this.resultRun < failureThreshold) || (outcome.result === 'success' && this.resultRun < successThreshold)) return true;
    this.set(outcome.result, outcome.message, instance.containerId);
    if ((this.kind === 'liveness' || this.kind === 'startup') && outcome.result === 'failure') {
      this.onHold = true;
      this.resultRun = 0;
    }
    return true;
  }

  private set(result: ProbeResult, message: string, containerId: string): void {
    const changed = this.result !== result;
    this.result = result;
    if (changed || result === 'failure') this.manager.options.onResult(this.podUid, this.container.name, this.kind, result, message, { containerId, changed });
    if (changed && this.kind === 'startup' && result === 'success') this.manager.triggerReadiness(this.podUid, this.container.name);
  }
}

export class ProbeManager {
  readonly clock: Clock;
  readonly logger: Logger;
  readonly prober: (probe: Probe, target: ProbeTarget) => Promise<ProbeOutcome>;
  private readonly workers = new Map<string, Worker>();
  /** podUid -> container name -> running instance, from the last syncPod. */
  private readonly running = new Map<string, Map<string, RunningContainer>>();

  constructor(readonly options: ProbeManagerOptions) {
    this.clock = options.clock ?? realClock;
    this.logger = options.logger;
    this.prober = options.prober ?? ((probe, target) => runProbe(options.docker, probe, target));
  }

  private key(podUid: string, containerName: string, kind: ProbeKind): string {
    return `${podUid}/${containerName}/${kind}`;
  }

  /** Starts workers for running containers with probes, resets them for new instances, stops the rest. */
  syncPod(pod: Pod, running: Map<string, RunningContainer>, podIP?: string): void {
    const podUid = pod.metadata?.uid ?? '';
    this.running.set(podUid, new Map(running));
    const wanted = new Set<string>();
    const containers = [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? []).filter((c) => c.restartPolicy === 'Always')];
    for (const container of containers) {
      const instance = running.get(container.name);
      if (!instance) continue;
      for (const kind of KINDS) {
        const probe = probeOf(container, kind);
        if (!probe) continue;
        const key = this.key(podUid, container.name, kind);
        wanted.add(key);
        const existing = this.workers.get(key);
        if (existing) {
          existing.pod = pod;
          existing.podIP = podIP;
          if (existing.instance.containerId !== instance.containerId) existing.reset(instance);
          continue;
        }
        const worker = new Worker(this, podUid, pod, container, kind, probe, instance, podIP);
        this.workers.set(key, worker);
        worker.start();
      }
    }
    for (const [key, worker] of this.workers) {
      if (key.startsWith(`${podUid}/`) && !wanted.has(key)) {
        worker.stop();
        this.workers.delete(key);
      }
    }
  }

  removePod(podUid: string): void {
    this.running.delete(podUid);
    for (const [key, worker] of this.workers) {
      if (key.startsWith(`${podUid}/`)) {
        worker.stop();
        this.workers.delete(key);
      }
    }
  }

  /** Startup probe passed (true without one) for a running container. */
  started(podUid: string, containerName: string): boolean {
    if (!this.running.get(podUid)?.has(containerName)) return false;
    const worker = this.workers.get(this.key(podUid, containerName, 'startup'));
    return worker ? worker.result === 'success' : true;
  }

  /** Ready: started and readiness passed (true without a readiness probe). */
  ready(podUid: string, containerName: string): boolean {
    if (!this.started(podUid, containerName)) return false;
    const worker = this.workers.get(this.key(podUid, containerName, 'readiness'));
    return worker ? worker.result === 'success' : true;
  }

  /** @internal */
  triggerReadiness(podUid: string, containerName: string): void {
    this.workers.get(this.key(podUid, containerName, 'readiness'))?.trigger();
    this.workers.get(this.key(podUid, containerName, 'liveness'))?.trigger();
  }

  stop(): void {
    for (const worker of this.workers.values()) worker.stop();
    this.workers.clear();
    this.running.clear();
  }
}
