// Leader election on a coordination.k8s.io/v1 Lease, as client-go's tools/leaderelection with a
// LeaseLock: acquire when absent or expired, renew every retryPeriod, stop leading when a renewal does
// not succeed within renewDeadline. Never leads without a successful write; relies on resourceVersion.
import type { ResourceClient } from './types.js';
import type { KubeObject } from './objects.js';
import { realClock, type Clock } from './rate-limiter.js';

/** As upstream's JitterFactor: acquisition retries wait retryPeriod * (1 + rand * 1.2). */
export const JITTER_FACTOR = 1.2;

export interface LeaderElectionLogger {
  info(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export interface LeaderElectionOptions {
  /** The client for coordination.k8s.io/v1 leases. */
  leases: ResourceClient;
  namespace: string;
  name: string;
  /** This candidate's identity, written as spec.holderIdentity (e.g. hostname + '_' + uuid). */
  identity: string;
  leaseDurationSeconds?: number;
  renewDeadlineSeconds?: number;
  retryPeriodSeconds?: number;
  /** Called once leadership is acquired; the signal aborts when it is lost or the election stops. */
  onStartedLeading(signal: AbortSignal): void | Promise<void>;
  /** Called when runLeaderElection ends, whether or not this candidate ever led (as upstream). */
  onStoppedLeading(): void;
  /** Called when the observed holder changes (including to this candidate). */
  onNewLeader?(identity: string): void;
  /** On stop, give the lease up (empty holder, 1 s duration) so another candidate need not wait. */
  releaseOnCancel?: boolean;
  /** Stops the election (and leadership). */
  signal?: AbortSignal;
  clock?: Clock;
  /** [0,1) source for retry jitter. */
  random?: () => number;
  logger?: LeaderElectionLogger;
}

/** The holder record as upstream's resourcelock.LeaderElectionRecord. */
export interface LeaderElectionRecord {
  holderIdentity: string;
  leaseDurationSeconds: number;
  acquireTime: string;
  renewTime: string;
  leaderTransitions: number;
}

export interface LeaseSpec {
  holderIdentity?: string;
  leaseDurationSeconds?: number;
  acquireTime?: string;
  renewTime?: string;
  leaseTransitions?: number;
  [key: string]: unknown;
}

export interface LeaseObject extends KubeObject {
  spec?: LeaseSpec;
}

export interface LeaderElector {
  /** Resolves when the election stops (signal aborted) or leadership was lost. Rejects on bad options. */
  run(): Promise<void>;
  isLeader(): boolean;
  /** The holder last observed ('' if none). */
  getLeader(): string;
}

/** metav1.MicroTime's wire format: RFC 3339 with microseconds, in UTC (`2006-01-02T15:04:05.000000Z`). */
export function formatMicroTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

export function runLeaderElection(options: LeaderElectionOptions): Promise<void> {
  return createLeaderElector(options).run();
}

export function createLeaderElector(options: LeaderElectionOptions): LeaderElector {
  return new Elector(options);
}

const silentLogger: LeaderElectionLogger = { info() {}, error() {} };

function errorReason(err: unknown): string | undefined {
  const e = err as { reason?: unknown; status?: { reason?: unknown } } | null;
  if (e && typeof e.reason === 'string') return e.reason;
  if (e && e.status && typeof e.status.reason === 'string') return e.status.reason;
  return undefined;
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function recordFromSpec(spec: LeaseSpec | undefined): LeaderElectionRecord {
  return {
    holderIdentity: spec?.holderIdentity ?? '',
    leaseDurationSeconds: spec?.leaseDurationSeconds ?? 0,
    acquireTime: spec?.acquireTime ?? '',
    renewTime: spec?.renewTime ?? '',
    leaderTransitions: spec?.leaseTransitions ?? 0,
  };
}

function specFromRecord(r: LeaderElectionRecord): LeaseSpec {
  return {
    holderIdentity: r.holderIdentity,
    leaseDurationSeconds: r.leaseDurationSeconds,
    acquireTime: r.acquireTime,
    renewTime: r.renewTime,
    leaseTransitions: r.leaderTransitions,
  };
}

class Elector implements LeaderElector {
  private readonly o: LeaderElectionOptions;
  private readonly clock: Clock;
  private readonly random: () => number;
  private readonly log: LeaderElectionLogger;
  private readonly leaseDurationMs: number;
  private readonly renewDeadlineMs: number;
  private readonly retryPeriodMs: number;
  /** The Lease as last read or written; updates carry its resourceVersion. */
  private lease: LeaseObject | undefined;
  private observedRecord: LeaderElectionRecord | undefined;
  private observedRaw = '';
  private observedTime = 0;
  private reportedLeader = '';

  constructor(options: LeaderElectionOptions) {
    this.o = options;
    this.clock = options.clock ?? realClock;
    this.random = options.random ?? Math.random;
    this.log = options.logger ?? silentLogger;
    this.leaseDurationMs = (options.leaseDurationSeconds ?? 15) * 1000;
    this.renewDeadlineMs = (options.renewDeadlineSeconds ?? 10) * 1000;
    this.retryPeriodMs = (options.retryPeriodSeconds ?? 2) * 1000;
  }

  isLeader(): boolean {
    return this.observedRecord !== undefined && this.observedRecord.holderIdentity === this.o.identity;
  }

  getLeader(): string {
    return this.observedRecord?.holderIdentity ?? '';
  }

  async run(): Promise<void> {
    this.validate();
    const stop = this.o.signal ?? new AbortController().signal;
    try {
      if (!(await this.acquire(stop))) return;
      const leading = new AbortController();
      const onStop = () => leading.abort();
      stop.addEventListener('abort', onStop, { once: true });
      Promise.resolve()
        .then(() => this.o.onStartedLeading(leading.signal))
        .catch((err) => this.log.error({ err, lease: this.desc() }, 'onStartedLeading failed'));
      try {
        await this.renew(stop);
      } finally {
        stop.removeEventListener('abort', onStop);
        leading.abort();
      }
      if (this.o.releaseOnCancel) await this.release();
    } finally {
      this.o.onStoppedLeading();
    }
  }

  private validate(): void {
    // Same checks and messages as upstream's NewLeaderElector.
    if (this.leaseDurationMs <= this.renewDeadlineMs) throw new Error('leaseDuration must be greater than renewDeadline');
    if (this.renewDeadlineMs <= JITTER_FACTOR * this.retryPeriodMs) throw new Error('renewDeadline must be greater than retryPeriod*JitterFactor');
    if (this.leaseDurationMs < 1) throw new Error('leaseDuration must be greater than zero');
    if (this.renewDeadlineMs < 1) throw new Error('renewDeadline must be greater than zero');
    if (this.retryPeriodMs < 1) throw new Error('retryPeriod must be greater than zero');
    if (typeof this.o.onStartedLeading !== 'function') throw new Error('OnStartedLeading callback must not be nil');
    if (typeof this.o.onStoppedLeading !== 'function') throw new Error('OnStoppedLeading callback must not be nil');
    if (!this.o.identity) throw new Error('Lock identity is empty');
  }

  private desc(): string {
    return `${this.o.namespace}/${this.o.name}`;
  }

  private async acquire(stop: AbortSignal): Promise<boolean> {
    this.log.info({ lease: this.desc(), identity: this.o.identity }, `attempting to acquire leader lease ${this.desc()}...`);
    for (;;) {
      if (stop.aborted) return false;
      const ok = await this.bounded(this.tryAcquireOrRenew(), this.renewDeadlineMs, stop);
      this.maybeReportTransition();
      if (stop.aborted) return false;
      if (ok) {
        this.log.info({ lease: this.desc(), identity: this.o.identity }, `successfully acquired lease ${this.desc()}`);
        return true;
      }
      await this.sleep(this.retryPeriodMs * (1 + this.random() * JITTER_FACTOR), stop);
    }
  }

  /** As upstream (wait.Until + PollImmediateUntil): the first renewal follows acquisition at once. */
  private async renew(stop: AbortSignal): Promise<void> {
    for (;;) {
      if (stop.aborted) return;
      const ok = await this.renewRound(stop);
      if (stop.aborted) return;
      if (!ok) {
        this.log.info({ lease: this.desc(), identity: this.o.identity }, `failed to renew lease ${this.desc()}: timed out waiting for the condition`);
        return;
      }
      await this.sleep(this.retryPeriodMs, stop);
    }
  }

  /** One renewal: retry every retryPeriod until a write succeeds or renewDeadline has passed. */
  private async renewRound(stop: AbortSignal): Promise<boolean> {
    const deadline = this.clock.now() + this.renewDeadlineMs;
    for (;;) {
      const remaining = deadline - this.clock.now();
      if (remaining <= 0 || stop.aborted) return false;
      const ok = await this.bounded(this.tryAcquireOrRenew(), remaining, stop);
      this.maybeReportTransition();
      if (ok) return true;
      await this.sleep(Math.min(this.retryPeriodMs, deadline - this.clock.now()), stop);
    }
  }

  private isLeaseValid(now: number): boolean {
    return this.observedTime + this.leaseDurationMs > now;
  }

  private setObservedRecord(record: LeaderElectionRecord): void {
    this.observedRecord = record;
    this.observedTime = this.clock.now();
  }

  /** As upstream's tryAcquireOrRenew: true when this candidate holds the lease after the call. */
  private async tryAcquireOrRenew(): Promise<boolean> {
    const nowMs = this.clock.now();
    const now = formatMicroTime(nowMs);
    const record: LeaderElectionRecord = {
      holderIdentity: this.o.identity,
      leaseDurationSeconds: Math.floor(this.leaseDurationMs / 1000),
      renewTime: now,
      acquireTime: now,
      leaderTransitions: 0,
    };

    // 1. Fast path: the leader updates optimistically from the record it observed last.
    if (this.isLeader() && this.isLeaseValid(nowMs) && this.lease) {
      record.acquireTime = this.observedRecord!.acquireTime;
      record.leaderTransitions = this.observedRecord!.leaderTransitions;
      try {
        await this.updateLease(record);
        this.setObservedRecord(record);
        return true;
      } catch (err) {
        this.log.error({ err: errorMessage(err), lease: this.desc() }, 'Failed to update lock optimistically, falling back to slow path');
      }
    }

    // 2. Obtain or create the lease.
    let current: LeaseObject;
    try {
      current = (await this.o.leases.get(this.o.name, this.o.namespace)) as LeaseObject;
    } catch (err) {
      if (errorReason(err) !== 'NotFound') {
        this.log.error({ err: errorMessage(err), lease: this.desc() }, `error retrieving resource lock ${this.desc()}`);
        return false;
      }
      try {
        this.lease = (await this.o.leases.create(
          {
            apiVersion: 'coordination.k8s.io/v1',
            kind: 'Lease',
            metadata: { name: this.o.name, namespace: this.o.namespace },
            spec: specFromRecord(record),
          },
          undefined,
          this.o.namespace,
        )) as LeaseObject;
      } catch (createErr) {
        this.log.error({ err: errorMessage(createErr), lease: this.desc() }, 'error initially creating leader election record');
        return false;
      }
      this.setObservedRecord(record);
      return true;
    }

    // 3. Record obtained: check the holder and how long ago it last changed (by our clock).
    this.lease = current;
    const old = recordFromSpec(current.spec);
    const raw = JSON.stringify(old);
    if (raw !== this.observedRaw) {
      this.setObservedRecord(old);
      this.observedRaw = raw;
    }
    if (old.holderIdentity.length > 0 && this.isLeaseValid(nowMs) && !this.isLeader()) {
      return false;
    }

    // 4. Try to write: keep acquireTime when renewing, count a transition when taking over.
    if (this.isLeader()) {
      record.acquireTime = old.acquireTime;
      record.leaderTransitions = old.leaderTransitions;
    } else {
      record.leaderTransitions = old.leaderTransitions + 1;
    }
    try {
      await this.updateLease(record);
    } catch (err) {
      this.log.error({ err: errorMessage(err), lease: this.desc() }, 'Failed to update lock');
      return false;
    }
    this.setObservedRecord(record);
    return true;
  }

  /** Writes the record on top of the last Lease seen; a Conflict means someone else wrote first. */
  private async updateLease(record: LeaderElectionRecord): Promise<void> {
    if (!this.lease) throw new Error('lease not initialized, call get or create first');
    const next: LeaseObject = { ...this.lease, spec: specFromRecord(record) };
    this.lease = (await this.o.leases.update(next)) as LeaseObject;
  }

  private async release(): Promise<boolean> {
    if (!this.isLeader()) return true;
    const now = formatMicroTime(this.clock.now());
    const record: LeaderElectionRecord = {
      holderIdentity: '',
      leaderTransitions: this.observedRecord!.leaderTransitions,
      leaseDurationSeconds: 1,
      renewTime: now,
      acquireTime: now,
    };
    try {
      const never = new AbortController().signal;
      const done = await this.bounded(this.updateLease(record).then(() => true), this.renewDeadlineMs, never);
      if (!done) throw new Error('timed out');
    } catch (err) {
      this.log.error({ err: errorMessage(err), lease: this.desc() }, 'Failed to release lock');
      return false;
    }
    this.setObservedRecord(record);
    return true;
  }

  private maybeReportTransition(): void {
    const holder = this.observedRecord?.holderIdentity ?? '';
    if (holder === this.reportedLeader) return;
    this.reportedLeader = holder;
    if (this.o.onNewLeader) {
      const cb = this.o.onNewLeader;
      queueMicrotask(() => {
        try {
          cb(holder);
        } catch (err) {
          this.log.error({ err: errorMessage(err) }, 'onNewLeader failed');
        }
      });
    }
  }

  /** The promise's result, or false once ms have passed or stop aborted (the call is abandoned). */
  private bounded(p: Promise<boolean>, ms: number, stop: AbortSignal): Promise<boolean> {
    return new Promise((resolve) => {
      let settled = false;
      const finish = (v: boolean) => {
        if (settled) return;
        settled = true;
        this.clock.clearTimeout(timer);
        stop.removeEventListener('abort', onAbort);
        resolve(v);
      };
      const onAbort = () => finish(false);
      const timer = this.clock.setTimeout(() => finish(false), ms);
      stop.addEventListener('abort', onAbort, { once: true });
      p.then(finish, () => finish(false));
    });
  }

  private sleep(ms: number, stop: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      if (stop.aborted) return resolve();
      const done = () => {
        this.clock.clearTimeout(timer);
        stop.removeEventListener('abort', done);
        resolve();
      };
      const timer = this.clock.setTimeout(done, Math.max(0, ms));
      stop.addEventListener('abort', done, { once: true });
    });
  }
}
