// The rate-limited, de-duplicating work queue of controllers, as client-go's workqueue (Type +
// delaying + rate limiting): a key is queued at most once, never handed to two workers at a time,
// and re-queued after done() if it was added while being processed. Never runs the work itself.
import { defaultControllerRateLimiter, realClock, type Clock, type RateLimiter } from './rate-limiter.js';

export type QueueItem<K> = { key: K; shutdown: false } | { key?: undefined; shutdown: true };

export interface WorkQueue<K = string> {
  readonly name: string;
  /** Queues key unless it is already queued (dirty); a key being processed is queued again on done(). */
  add(key: K): void;
  /** Waits for the next key; `shutdown: true` once the queue is shut down and empty. */
  get(): Promise<QueueItem<K>>;
  /** Marks the key finished; if it was added meanwhile it goes back on the queue. */
  done(key: K): void;
  /** Adds key after ms milliseconds (an earlier pending time wins). */
  addAfter(key: K, ms: number): void;
  /** Adds key after the rate limiter says it is ok. */
  addRateLimited(key: K): void;
  /** Stops rate-limit tracking of key (call it when the key was processed successfully). */
  forget(key: K): void;
  numRequeues(key: K): number;
  /** Keys waiting to be handed out (not counting delayed or in-process keys). */
  len(): number;
  /** Ignores further adds and wakes waiting get()s once the queue is empty. */
  shutDown(): void;
  /** Like shutDown, and resolves once every key handed out so far has been marked done(). */
  shutDownWithDrain(): Promise<void>;
  shuttingDown(): boolean;
}

export interface WorkQueueOptions<K> {
  name?: string;
  rateLimiter?: RateLimiter<K>;
  clock?: Clock;
}

export function createWorkQueue<K = string>(options: WorkQueueOptions<K> = {}): WorkQueue<K> {
  return new RateLimitingQueue<K>(options);
}

class RateLimitingQueue<K> implements WorkQueue<K> {
  readonly name: string;
  private readonly clock: Clock;
  private readonly rateLimiter: RateLimiter<K>;
  private readonly queue: K[] = [];
  private readonly dirty = new Set<K>();
  private readonly processing = new Set<K>();
  private readonly waiting = new Map<K, { readyAt: number; timer: unknown }>();
  private readonly getters: ((item: QueueItem<K>) => void)[] = [];
  private drainers: (() => void)[] = [];
  private isShuttingDown = false;

  constructor(options: WorkQueueOptions<K>) {
    this.name = options.name ?? '';
    this.clock = options.clock ?? realClock;
    this.rateLimiter = options.rateLimiter ?? defaultControllerRateLimiter<K>(this.clock);
  }

  add(key: K): void {
    if (this.isShuttingDown) return;
    if (this.dirty.has(key)) return;
    this.dirty.add(key);
    if (this.processing.has(key)) return;
    this.queue.push(key);
    this.dispatch();
  }

  get(): Promise<QueueItem<K>> {
    if (this.queue.length > 0) return Promise.resolve(this.take());
    if (this.isShuttingDown) return Promise.resolve({ shutdown: true });
    return new Promise((resolve) => this.getters.push(resolve));
  }

  done(key: K): void {
    this.processing.delete(key);
    if (this.dirty.has(key)) {
      this.queue.push(key);
      this.dispatch();
    } else if (this.processing.size === 0) {
      this.releaseDrainers();
    }
  }

  addAfter(key: K, ms: number): void {
    if (this.isShuttingDown) return;
    if (ms <= 0) {
      this.add(key);
      return;
    }
    const readyAt = this.clock.now() + ms;
    const existing = this.waiting.get(key);
    if (existing) {
      if (existing.readyAt <= readyAt) return;
      this.clock.clearTimeout(existing.timer);
    }
    const timer = this.clock.setTimeout(() => {
      this.waiting.delete(key);
      this.add(key);
    }, ms);
    this.waiting.set(key, { readyAt, timer });
  }

  addRateLimited(key: K): void {
    this.addAfter(key, this.rateLimiter.when(key));
  }

  forget(key: K): void {
    this.rateLimiter.forget(key);
  }

  numRequeues(key: K): number {
    return this.rateLimiter.numRequeues(key);
  }

  len(): number {
    return this.queue.length;
  }

  shutDown(): void {
    if (this.isShuttingDown) return;
    this.isShuttingDown = true;
    for (const { timer } of this.waiting.values()) this.clock.clearTimeout(timer);
    this.waiting.clear();
    this.dispatch();
  }

  shutDownWithDrain(): Promise<void> {
    this.shutDown();
    if (this.processing.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.drainers.push(resolve));
  }

  shuttingDown(): boolean {
    return this.isShuttingDown;
  }

  private take(): QueueItem<K> {
    const key = this.queue.shift() as K;
    this.processing.add(key);
    this.dirty.delete(key);
    return { key, shutdown: false };
  }

  private dispatch(): void {
    while (this.getters.length > 0 && this.queue.length > 0) this.getters.shift()!(this.take());
    if (this.isShuttingDown && this.queue.length === 0) {
      while (this.getters.length > 0) this.getters.shift()!({ shutdown: true });
      if (this.processing.size === 0) this.releaseDrainers();
    }
  }

  private releaseDrainers(): void {
    const drainers = this.drainers;
    this.drainers = [];
    for (const d of drainers) d();
  }
}
