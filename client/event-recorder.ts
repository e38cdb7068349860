// The event recorder of controllers, as client-go's tools/record with its EventCorrelator: builds
// core/v1 Events, folds repeats into one Event with a rising count, combines floods of similar events
// and rate-limits each object. Writes in the background; never blocks or throws into the caller.
import type { ResourceClient } from './types.js';
import type { KubeObject } from './objects.js';
import { realClock, type Clock } from './rate-limiter.js';

export type EventType = 'Normal' | 'Warning';

export interface ObjectReference {
  kind?: string;
  namespace?: string;
  name?: string;
  uid?: string;
  apiVersion?: string;
  resourceVersion?: string;
  fieldPath?: string;
}

/** The fields of a core/v1 Event the recorder writes. */
export interface CoreEvent extends KubeObject {
  metadata: { name: string; namespace: string; resourceVersion?: string; [key: string]: unknown };
  involvedObject: ObjectReference;
  reason: string;
  message: string;
  source: { component?: string; host?: string };
  firstTimestamp: string;
  lastTimestamp: string;
  count: number;
  type: string;
  reportingComponent?: string;
  reportingInstance?: string;
}

export interface EventRecorderLogger {
  debug(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export interface CorrelatorOptions {
  /** LRU size of each cache (upstream maxLruCacheEntries). */
  lruCacheSize?: number;
  /** Similar events (same reason, different message) before they are combined (upstream 10). */
  maxEvents?: number;
  /** Window of similar-event aggregation in seconds (upstream 600). */
  maxIntervalInSeconds?: number;
  /** Spam filter per object: burst (upstream 25) and refill rate in events per second (upstream 1/300). */
  burstSize?: number;
  qps?: number;
  clock?: Clock;
}

export interface EventRecorderOptions {
  /** The client for core/v1 events. */
  events: ResourceClient;
  component: string;
  host?: string;
  logger?: EventRecorderLogger;
  clock?: Clock;
  /** [0,1) source for the randomised first retry sleep. */
  random?: () => number;
  /** Events waiting to be written beyond which new ones are dropped (upstream 1000). */
  maxQueuedEvents?: number;
  /** Attempts per event on transport errors (upstream 12). */
  maxTriesPerEvent?: number;
  /** Sleep between attempts in ms (upstream 10 s; the first sleep is randomised). */
  sleepDurationMs?: number;
  correlator?: CorrelatorOptions;
}

export interface EventRecorder {
  event(object: KubeObject, type: EventType, reason: string, message: string): void;
  eventf(object: KubeObject, type: EventType, reason: string, messageFmt: string, ...args: unknown[]): void;
  /** Resolves once every event queued so far has been written, dropped or given up on. */
  flush(): Promise<void>;
  /** Stops accepting events and stops retrying; queued events are still attempted once. */
  shutdown(): void;
}

const silentLogger: EventRecorderLogger = { debug() {}, error() {} };

/** metav1.Time's wire format: RFC 3339 in UTC, whole seconds. */
export function formatTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** A small subset of Go's fmt verbs (%v %s %d %q %t %%), enough for upstream's message formats. */
export function sprintf(format: string, ...args: unknown[]): string {
  let i = 0;
  return format.replace(/%([vsdqtf%])/g, (m, verb: string) => {
    if (verb === '%') return '%';
    if (i >= args.length) return `%!${verb}(MISSING)`;
    const arg = args[i++];
    if (verb === 'q') return JSON.stringify(String(arg));
    if (verb === 'd') return typeof arg === 'number' ? String(Math.trunc(arg)) : String(arg);
    if (arg !== null && typeof arg === 'object') {
      try {
        return JSON.stringify(arg);
      } catch {
        return String(arg);
      }
    }
    return String(arg);
  });
}

class Lru<V> {
  private readonly map = new Map<string, V>();
  constructor(private readonly max: number) {}
  get(key: string): V | undefined {
    const v = this.map.get(key);
    if (v !== undefined) {
      this.map.delete(key);
      this.map.set(key, v);
    }
    return v;
  }
  add(key: string, value: V): void {
    this.map.delete(key);
    this.map.set(key, value);
    if (this.map.size > this.max) this.map.delete(this.map.keys().next().value as string);
  }
}

/** A passive token bucket (golang.org/x/time/rate Allow): starts full, refills at qps. */
class TokenBucket {
  private tokens: number;
  private last: number;
  constructor(private readonly qps: number, private readonly burst: number, private readonly clock: Clock) {
    this.tokens = burst;
    this.last = clock.now();
  }
  tryAccept(): boolean {
    const now = this.clock.now();
    this.tokens = Math.min(this.burst, this.tokens + (Math.max(0, now - this.last) / 1000) * this.qps);
    this.last = Math.max(this.last, now);
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return true;
    }
    return false;
  }
}

function ref(e: CoreEvent): ObjectReference {
  return e.involvedObject;
}

/** As upstream's getEventKey: identical events share it. */
function getEventKey(e: CoreEvent): string {
  const r = ref(e);
  return [e.source.component, e.source.host, r.kind, r.namespace, r.name, r.fieldPath, r.uid, r.apiVersion, e.type, e.reason, e.message]
    .map((s) => s ?? '')
    .join('');
}

/** As upstream's getSpamKey: one bucket per source and object. */
function getSpamKey(e: CoreEvent): string {
  const r = ref(e);
  return [e.source.component, e.source.host, r.kind, r.namespace, r.name, r.uid, r.apiVersion].map((s) => s ?? '').join('');
}

/** As upstream's EventAggregatorByReasonFunc: [aggregate key, local key (the message)]. */
function aggregateKeys(e: CoreEvent): [string, string] {
  const r = ref(e);
  const key = [e.source.component, e.source.host, r.kind, r.namespace, r.name, r.uid, r.apiVersion, e.type, e.reason, e.reportingComponent, e.reportingInstance]
    .map((s) => s ?? '')
    .join('');
  return [key, e.message];
}

export interface CorrelateResult {
  event?: CoreEvent;
  /** A strategic merge patch for an Event seen before (then event.count > 1). */
  patch?: { count: number; lastTimestamp: string; message: string };
  skip: boolean;
}

interface EventLog {
  count: number;
  firstTimestamp: string;
  name: string;
  resourceVersion?: string;
}

/** Upstream's EventCorrelator: aggregator, then logger (counting), then spam filter. */
export class EventCorrelator {
  private readonly clock: Clock;
  private readonly maxEvents: number;
  private readonly maxIntervalMs: number;
  private readonly burst: number;
  private readonly qps: number;
  private readonly spam: Lru<TokenBucket>;
  private readonly aggregates: Lru<{ localKeys: Set<string>; lastTimestamp: number }>;
  private readonly logs: Lru<EventLog>;
  private lastNanos = 0n;

  constructor(options: CorrelatorOptions = {}) {
    const size = options.lruCacheSize ?? 4096;
    this.clock = options.clock ?? realClock;
    this.maxEvents = options.maxEvents ?? 10;
    this.maxIntervalMs = (options.maxIntervalInSeconds ?? 600) * 1000;
    this.burst = options.burstSize ?? 25;
    this.qps = options.qps ?? 1 / 300;
    this.spam = new Lru(size);
    this.aggregates = new Lru(size);
    this.logs = new Lru(size);
  }

  /** Unix nanoseconds as hex for Event names, strictly increasing within this process. */
  nameSuffix(ms: number): string {
    let nanos = BigInt(Math.floor(ms)) * 1_000_000n;
    if (nanos <= this.lastNanos) nanos = this.lastNanos + 1n;
    this.lastNanos = nanos;
    return nanos.toString(16);
  }

  correlate(newEvent: CoreEvent): CorrelateResult {
    const [aggregated, key] = this.aggregate(newEvent);
    const { event, patch } = this.observe(aggregated, key);
    if (this.filter(event)) return { skip: true };
    return { event, patch, skip: false };
  }

  /** Records what the server returned, so the next repeat patches this Event. */
  updateState(event: CoreEvent): void {
    this.logs.add(getEventKey(event), {
      count: event.count,
      firstTimestamp: event.firstTimestamp,
      name: event.metadata.name,
      resourceVersion: event.metadata.resourceVersion,
    });
  }

  private aggregate(newEvent: CoreEvent): [CoreEvent, string] {
    const now = this.clock.now();
    const eventKey = getEventKey(newEvent);
    const [aggregateKey, localKey] = aggregateKeys(newEvent);
    let record = this.aggregates.get(aggregateKey);
    if (!record || now - record.lastTimestamp > this.maxIntervalMs) record = { localKeys: new Set(), lastTimestamp: 0 };
    record.localKeys.add(localKey);
    record.lastTimestamp = now;
    this.aggregates.add(aggregateKey, record);
    if (record.localKeys.size < this.maxEvents) return [newEvent, eventKey];
    // Too many similar events: drop one remembered message and emit a combined Event instead.
    record.localKeys.delete(record.localKeys.values().next().value as string);
    const t = formatTime(now);
    const combined: CoreEvent = {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name: `${newEvent.involvedObject.name}.${this.nameSuffix(now)}`, namespace: newEvent.metadata.namespace },
      count: 1,
      firstTimestamp: t,
      involvedObject: newEvent.involvedObject,
      lastTimestamp: t,
      message: `(combined from similar events): ${newEvent.message}`,
      type: newEvent.type,
      reason: newEvent.reason,
      source: newEvent.source,
    };
    return [combined, aggregateKey];
  }

  private observe(newEvent: CoreEvent, key: string): { event: CoreEvent; patch?: CorrelateResult['patch'] } {
    let event = newEvent;
    let patch: CorrelateResult['patch'];
    const last = this.logs.get(key);
    if (last && last.count > 0) {
      event = structuredClone(newEvent);
      event.metadata.name = last.name;
      if (last.resourceVersion === undefined) delete event.metadata.resourceVersion;
      else event.metadata.resourceVersion = last.resourceVersion;
      event.firstTimestamp = last.firstTimestamp;
      event.count = last.count + 1;
      // What upstream's CreateTwoWayMergePatch yields from (count 0, epoch, "") to the new event.
      patch = { count: event.count, lastTimestamp: event.lastTimestamp, message: event.message };
    }
    this.logs.add(key, { count: event.count, firstTimestamp: event.firstTimestamp, name: event.metadata.name, resourceVersion: event.metadata.resourceVersion });
    return { event, patch };
  }

  /** As upstream's EventSourceObjectSpamFilter: true means drop. */
  private filter(event: CoreEvent): boolean {
    const key = getSpamKey(event);
    let bucket = this.spam.get(key);
    if (!bucket) {
      bucket = new TokenBucket(this.qps, this.burst, this.clock);
      this.spam.add(key, bucket);
    }
    return !bucket.tryAccept();
  }
}

function reasonOf(err: unknown): string | undefined {
  const e = err as { reason?: unknown; status?: { reason?: unknown } } | null;
  if (e && typeof e.reason === 'string') return e.reason;
  if (e && e.status && typeof e.status.reason === 'string') return e.status.reason;
  return undefined;
}

/** A StatusError from the server (any reason): retrying would not help. */
function isStatusError(err: unknown): boolean {
  const e = err as { code?: unknown; reason?: unknown } | null;
  return !!e && typeof e.code === 'number' && typeof e.reason === 'string';
}

export function createEventRecorder(options: EventRecorderOptions): EventRecorder {
  return new Recorder(options);
}

class Recorder implements EventRecorder {
  private readonly o: EventRecorderOptions;
  private readonly clock: Clock;
  private readonly random: () => number;
  private readonly log: EventRecorderLogger;
  private readonly correlator: EventCorrelator;
  private readonly maxQueued: number;
  private readonly maxTries: number;
  private readonly sleepMs: number;
  private readonly queue: CoreEvent[] = [];
  private running = false;
  private stopped = false;
  private readonly stop = new AbortController();
  private idleWaiters: (() => void)[] = [];

  constructor(options: EventRecorderOptions) {
    this.o = options;
    this.clock = options.clock ?? realClock;
    this.random = options.random ?? Math.random;
    this.log = options.logger ?? silentLogger;
    this.correlator = new EventCorrelator({ clock: this.clock, ...options.correlator });
    this.maxQueued = options.maxQueuedEvents ?? 1000;
    this.maxTries = options.maxTriesPerEvent ?? 12;
    this.sleepMs = options.sleepDurationMs ?? 10_000;
  }

  event(object: KubeObject, type: EventType, reason: string, message: string): void {
    try {
      this.generate(object, type, reason, message);
    } catch (err) {
      this.log.error({ err: String(err) }, 'failed to record event');
    }
  }

  eventf(object: KubeObject, type: EventType, reason: string, messageFmt: string, ...args: unknown[]): void {
    this.event(object, type, reason, sprintf(messageFmt, ...args));
  }

  flush(): Promise<void> {
    if (!this.running && this.queue.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  shutdown(): void {
    this.stopped = true;
    this.stop.abort();
  }

  private generate(object: KubeObject, type: string, reason: string, message: string): void {
    if (this.stopped) return;
    const meta = object?.metadata ?? {};
    if (!object?.kind || !object.apiVersion || !meta.name) {
      this.log.error({ kind: object?.kind, name: meta.name, reason, message }, `Could not construct reference to: '${object?.kind}/${meta.name}'. Will not report event: '${type}' '${reason}' '${message}'`);
      return;
    }
    if (type !== 'Normal' && type !== 'Warning') {
      this.log.error({ type }, `Unsupported event type: '${type}'`);
      return;
    }
    const involved: ObjectReference = { kind: object.kind };
    if (meta.namespace) involved.namespace = meta.namespace;
    involved.name = meta.name;
    if (meta.uid) involved.uid = meta.uid;
    involved.apiVersion = object.apiVersion;
    if (meta.resourceVersion) involved.resourceVersion = meta.resourceVersion;
    const now = this.clock.now();
    const t = formatTime(now);
    const source: CoreEvent['source'] = { component: this.o.component };
    if (this.o.host) source.host = this.o.host;
    const event: CoreEvent = {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name: `${meta.name}.${this.correlator.nameSuffix(now)}`, namespace: meta.namespace || 'default' },
      involvedObject: involved,
      reason,
      message,
      firstTimestamp: t,
      lastTimestamp: t,
      count: 1,
      type,
      source,
      reportingComponent: this.o.component,
    };
    if (this.o.host) event.reportingInstance = this.o.host;
    this.log.debug({ object: `${meta.namespace ?? ''}/${meta.name}`, kind: object.kind, apiVersion: object.apiVersion, type, reason, message }, 'Event occurred');
    if (this.queue.length >= this.maxQueued) {
      this.log.error({ reason, object: meta.name }, 'Dropping event because incoming channel is full');
      return;
    }
    this.queue.push(event);
    if (!this.running) {
      this.running = true;
      void this.drain();
    }
  }

  private async drain(): Promise<void> {
    try {
      while (this.queue.length > 0) {
        const event = this.queue.shift()!;
        try {
          await this.recordToSink(event);
        } catch (err) {
          this.log.error({ err: String(err) }, 'failed to write event');
        }
      }
    } finally {
      this.running = false;
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const w of waiters) w();
    }
  }

  private async recordToSink(event: CoreEvent): Promise<void> {
    const result = this.correlator.correlate(structuredClone(event));
    if (result.skip || !result.event) return;
    for (let tries = 1; ; tries++) {
      if (await this.recordEvent(result.event, result.patch)) return;
      if (tries >= this.maxTries || this.stop.signal.aborted) {
        this.log.error({ event: result.event.metadata.name }, `Unable to write event '${result.event.metadata.name}' (retry limit exceeded!)`);
        return;
      }
      // Randomise the first sleep so clients do not retry in lockstep after an apiserver outage.
      await this.sleep(tries === 1 ? this.sleepMs * this.random() : this.sleepMs);
    }
  }

  /** True when done with the event (written, or rejected by the server); false to retry. */
  private async recordEvent(event: CoreEvent, patch: CorrelateResult['patch']): Promise<boolean> {
    const namespace = event.metadata.namespace;
    let written: CoreEvent | undefined;
    let error: unknown;
    const update = event.count > 1 && patch !== undefined;
    if (update) {
      try {
        written = (await this.o.events.patch(event.metadata.name, 'strategic', patch, undefined, namespace)) as CoreEvent;
      } catch (err) {
        error = err;
      }
    }
    // The Event may have been deleted (TTL) since: create it again.
    if (!update || (written === undefined && reasonOf(error) === 'NotFound')) {
      error = undefined;
      const fresh = structuredClone(event);
      delete fresh.metadata.resourceVersion;
      try {
        written = (await this.o.events.create(fresh, undefined, namespace)) as CoreEvent;
      } catch (err) {
        error = err;
      }
    }
    if (written !== undefined && error === undefined) {
      this.correlator.updateState(written);
      return true;
    }
    if (isStatusError(error)) {
      this.log.error({ err: String((error as Error).message), event: event.metadata.name }, `Server rejected event '${event.metadata.name}' (will not retry!)`);
      return true;
    }
    this.log.error({ err: String(error), event: event.metadata.name }, 'Unable to write event (may retry after sleeping)');
    return false;
  }

  private sleep(ms: number): Promise<void> {
    const signal = this.stop.signal;
    return new Promise((resolve) => {
      if (signal.aborted) return resolve();
      const done = () => {
        this.clock.clearTimeout(timer);
        signal.removeEventListener('abort', done);
        resolve();
      };
      const timer = this.clock.setTimeout(done, ms);
      signal.addEventListener('abort', done, { once: true });
    });
  }
}
