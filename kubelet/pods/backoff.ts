// Owns restart and image-pull backoff as upstream's flowcontrol.Backoff: per key, the first retry
// waits `initial`, each further one doubles up to `max`, and an entry untouched for 2*max (so 10 min
// of good running with the defaults) starts over. Pure state; time comes from the caller's clock.
export interface BackoffOptions {
  initialMs: number;
  maxMs: number;
  now?: () => number;
}

interface Entry {
  backoffMs: number;
  lastUpdateMs: number;
}

export class KeyedBackoff {
  private readonly entries = new Map<string, Entry>();
  private readonly now: () => number;

  constructor(private readonly options: BackoffOptions) {
    this.now = options.now ?? Date.now;
  }

  private expired(eventMs: number, entry: Entry): boolean {
    return eventMs - entry.lastUpdateMs > this.options.maxMs * 2;
  }

  /** Upstream's IsInBackOffSince: still waiting after an event (a container's finish) at eventMs? */
  inBackoffSince(key: string, eventMs: number): boolean {
    const e = this.entries.get(key);
    if (!e || this.expired(eventMs, e)) return false;
    return this.now() - eventMs < e.backoffMs;
  }

  /** When the wait after eventMs ends (ms epoch), or undefined when not backing off. */
  retryAt(key: string, eventMs: number): number | undefined {
    const e = this.entries.get(key);
    if (!e || this.expired(eventMs, e)) return undefined;
    return eventMs + e.backoffMs;
  }

  /** Upstream's IsInBackOffSinceUpdate: still waiting since the last next()? */
  inBackoffSinceUpdate(key: string): boolean {
    const e = this.entries.get(key);
    return !!e && this.now() - e.lastUpdateMs < e.backoffMs;
  }

  /** When the wait since the last next() ends, or undefined. */
  updatedRetryAt(key: string): number | undefined {
    const e = this.entries.get(key);
    return e ? e.lastUpdateMs + e.backoffMs : undefined;
  }

  /** The current delay of a key (for messages like `back-off 20s restarting ...`). */
  delayMs(key: string): number {
    return this.entries.get(key)?.backoffMs ?? 0;
  }

  /** Upstream's Next: record a retry now; the delay starts at initial or doubles. */
  next(key: string, eventMs: number): void {
    const e = this.entries.get(key);
    if (!e || this.expired(eventMs, e)) {
      this.entries.set(key, { backoffMs: this.options.initialMs, lastUpdateMs: this.now() });
    } else {
      e.backoffMs = Math.min(e.backoffMs * 2, this.options.maxMs);
      e.lastUpdateMs = this.now();
    }
  }

  reset(key: string): void {
    this.entries.delete(key);
  }

  /** Drops every key with the prefix (a pod's keys when it goes away). */
  forgetPrefix(prefix: string): void {
    for (const k of this.entries.keys()) if (k.startsWith(prefix)) this.entries.delete(k);
  }
}

/** Go's time.Duration String for whole seconds/minutes as upstream prints back-off delays: 10s, 1m20s, 5m0s. */
export function goDuration(ms: number): string {
  const totalSeconds = Math.round(ms / 1000);
  if (totalSeconds < 60) return `${totalSeconds}s`;
  const m = Math.floor(totalSeconds / 60);
  const s = totalSeconds % 60;
  if (m < 60) return `${m}m${s}s`;
  return `${Math.floor(m / 60)}h${m % 60}m${s}s`;
}

/** Go's Duration String for sub-second precision, as in "Successfully pulled image ... in 1.234s". */
export function goDurationPrecise(ms: number): string {
  if (ms < 1) return `${Math.round(ms * 1000)}µs`;
  if (ms < 1000) return `${+ms.toFixed(3)}ms`;
  if (ms < 60_000) return `${+(ms / 1000).toFixed(9)}s`;
  const m = Math.floor(ms / 60_000);
  return `${m}m${+((ms - m * 60_000) / 1000).toFixed(9)}s`;
}
