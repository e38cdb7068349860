// Rate limiters of the work queue, as client-go's workqueue/default_rate_limiters.go, and the
// injectable Clock that the queue, leader election and the event recorder use for time.
// Pure bookkeeping: never sleeps, never touches the network; callers decide what to do with a delay.

/** Time source. Tests pass a FakeClock so nothing sleeps for real. */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const realClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => {
    const t = setTimeout(fn, ms);
    return t;
  },
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/**
 * A manual clock for tests: time moves only through advance(), which fires due timers in order.
 * Exported here (not in a test file) because the queue, leader-election and recorder tests share it.
 */
export class FakeClock implements Clock {
  private time: number;
  private nextId = 1;
  private readonly timers = new Map<number, { at: number; fn: () => void }>();

  constructor(start = Date.UTC(2024, 0, 1, 0, 0, 0)) {
    this.time = start;
  }

  now(): number {
    return this.time;
  }

  setTimeout(fn: () => void, ms: number): unknown {
    const id = this.nextId++;
    this.timers.set(id, { at: this.time + Math.max(0, ms), fn });
    return id;
  }

  clearTimeout(handle: unknown): void {
    this.timers.delete(handle as number);
  }

  /** Timers waiting to fire. */
  pending(): number {
    return this.timers.size;
  }

  /** Moves time forward by ms, firing every timer that falls due on the way (in time order). */
  advance(ms: number): void {
    const end = this.time + ms;
    for (;;) {
      let nextId = -1;
      let nextAt = Infinity;
      for (const [id, t] of this.timers) {
        if (t.at <= end && (t.at < nextAt || (t.at === nextAt && id < nextId))) {
          nextAt = t.at;
          nextId = id;
        }
      }
      if (nextId < 0) break;
      const timer = this.timers.get(nextId)!;
      this.timers.delete(nextId);
      this.time = Math.max(this.time, timer.at);
      timer.fn();
    }
    this.time = end;
  }
}

/** As upstream's workqueue.TypedRateLimiter: how long to wait before an item may be retried. */
export interface RateLimiter<K = string> {
  /** The delay before `item` may be processed again; counts as one more failure for per-item limiters. */
  when(item: K): number;
  /** Stops tracking `item` (it succeeded). */
  forget(item: K): void;
  /** How many times `item` was rate-limited since it was last forgotten. */
  numRequeues(item: K): number;
}

/** Per-item exponential backoff: base * 2^failures, capped at max (milliseconds). */
export class ItemExponentialFailureRateLimiter<K = string> implements RateLimiter<K> {
  private readonly failures = new Map<K, number>();

  constructor(
    readonly baseDelayMs: number,
    readonly maxDelayMs: number,
  ) {}

  when(item: K): number {
    const exp = this.failures.get(item) ?? 0;
    this.failures.set(item, exp + 1);
    const backoff = this.baseDelayMs * Math.pow(2, exp);
    return backoff > this.maxDelayMs ? this.maxDelayMs : backoff;
  }

  numRequeues(item: K): number {
    return this.failures.get(item) ?? 0;
  }

  forget(item: K): void {
    this.failures.delete(item);
  }
}

/**
 * An overall token bucket (golang.org/x/time/rate semantics: starts full, each when() reserves a
 * token, a negative balance is the delay). Not per item, so forget/numRequeues do nothing.
 */
export class BucketRateLimiter<K = string> implements RateLimiter<K> {
  private tokens: number;
  private last: number;

  constructor(
    readonly qps: number,
    readonly burst: number,
    private readonly clock: Clock = realClock,
  ) {
    this.tokens = burst;
    this.last = clock.now();
  }

  when(_item: K): number {
    const now = this.clock.now();
    const elapsed = Math.max(0, now - this.last) / 1000;
    this.last = Math.max(this.last, now);
    this.tokens = Math.min(this.burst, this.tokens + elapsed * this.qps);
    this.tokens -= 1;
    if (this.tokens >= 0) return 0;
    return Math.ceil((-this.tokens / this.qps) * 1000);
  }

  numRequeues(_item: K): number {
    return 0;
  }

  forget(_item: K): void {}
}

/** The worst (longest) delay of several limiters, as upstream's MaxOfRateLimiter. */
export class MaxOfRateLimiter<K = string> implements RateLimiter<K> {
  private readonly limiters: RateLimiter<K>[];

  constructor(...limiters: RateLimiter<K>[]) {
    this.limiters = limiters;
  }

  when(item: K): number {
    let ret = 0;
    for (const l of this.limiters) ret = Math.max(ret, l.when(item));
    return ret;
  }

  numRequeues(item: K): number {
    let ret = 0;
    for (const l of this.limiters) ret = Math.max(ret, l.numRequeues(item));
    return ret;
  }

  forget(item: K): void {
    for (const l of this.limiters) l.forget(item);
  }
}

/**
 * Upstream's DefaultControllerRateLimiter: per-item exponential 5 ms doubling to 1000 s, and an
 * overall 10 qps / burst 100 bucket that only matters under massive retry storms.
 */
export function defaultControllerRateLimiter<K = string>(clock: Clock = realClock): RateLimiter<K> {
  return new MaxOfRateLimiter<K>(
    new ItemExponentialFailureRateLimiter<K>(5, 1000 * 1000),
    new BucketRateLimiter<K>(10, 100, clock),
  );
}
