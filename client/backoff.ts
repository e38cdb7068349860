// Owns the jittered exponential backoff of the client library (client-go's exponential backoff
// manager: 1 s doubling to 30 s, jittered, reset after a quiet period) and an abortable sleep.
// Must never sleep by itself outside sleep(), and never read the real clock or randomness when told not to.

export interface BackoffOptions {
  /** First delay; default 1000 ms. */
  initialMs?: number;
  /** Cap of the un-jittered delay; default 30000 ms. */
  maxMs?: number;
  /** Growth per failure; default 2. */
  factor?: number;
  /** As client-go's wait.Jitter: delay + random() * jitter * delay; default 0.2, 0 disables. */
  jitter?: number;
  /** When next() is called this long after the previous next(), start again at initialMs; default 120000 ms (as client-go). */
  resetAfterMs?: number;
  /** Source of randomness in [0, 1); tests pass a deterministic one. */
  random?: () => number;
  /** Clock in ms; tests pass a fake one. */
  now?: () => number;
}

export const DEFAULT_BACKOFF = {
  initialMs: 1000,
  maxMs: 30_000,
  factor: 2,
  jitter: 0.2,
  resetAfterMs: 120_000,
} as const;

export class Backoff {
  private readonly initialMs: number;
  private readonly maxMs: number;
  private readonly factor: number;
  private readonly jitter: number;
  private readonly resetAfterMs: number;
  private readonly random: () => number;
  private readonly now: () => number;
  private current: number;
  private lastAt: number | undefined;

  constructor(options: BackoffOptions = {}) {
    this.initialMs = options.initialMs ?? DEFAULT_BACKOFF.initialMs;
    this.maxMs = options.maxMs ?? DEFAULT_BACKOFF.maxMs;
    this.factor = options.factor ?? DEFAULT_BACKOFF.factor;
    this.jitter = options.jitter ?? DEFAULT_BACKOFF.jitter;
    this.resetAfterMs = options.resetAfterMs ?? DEFAULT_BACKOFF.resetAfterMs;
    this.random = options.random ?? Math.random;
    this.now = options.now ?? Date.now;
    if (!(this.initialMs > 0) || !(this.maxMs >= this.initialMs) || !(this.factor >= 1) || !(this.jitter >= 0)) {
      throw new Error(`invalid backoff: initialMs ${this.initialMs}, maxMs ${this.maxMs}, factor ${this.factor}, jitter ${this.jitter}`);
    }
    this.current = this.initialMs;
  }

  /** The delay to wait before the next attempt; each call grows the following one up to maxMs. */
  next(): number {
    const now = this.now();
    if (this.lastAt !== undefined && now - this.lastAt >= this.resetAfterMs) this.current = this.initialMs;
    this.lastAt = now;
    const base = this.current;
    this.current = Math.min(this.current * this.factor, this.maxMs);
    return this.jitter > 0 ? base + this.random() * this.jitter * base : base;
  }

  /** Start again at initialMs (after a healthy period). */
  reset(): void {
    this.current = this.initialMs;
    this.lastAt = undefined;
  }
}

/** Resolves after ms, or at once (without rejecting) when signal aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}

/** A deterministic random() for tests (mulberry32). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
