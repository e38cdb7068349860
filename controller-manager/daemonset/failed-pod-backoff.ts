// The backoff before replacing a failed daemon pod on a node (upstream failedPodsBackoff, client-go
// flowcontrol.Backoff 1 s doubling to 15 min, keyed by DaemonSet and node), so a kubelet that keeps
// rejecting a pod does not make the controller hot-loop. In-memory; never I/O.
const INITIAL_MS = 1_000;
const MAX_MS = 15 * 60 * 1_000;

interface Entry { delayMs: number; lastUpdate: number }

export class FailedPodBackoff {
  private readonly entries = new Map<string, Entry>();
  constructor(private readonly now: () => number = Date.now) {}

  /** Milliseconds left of the current backoff for key; 0 when a failed pod may be deleted now. */
  remaining(key: string): number {
    const e = this.entries.get(key);
    if (!e) return 0;
    const left = e.lastUpdate + e.delayMs - this.now();
    return left > 0 ? left : 0;
  }

  /** Records a deletion: the next one waits twice as long (reset after 2 × max of quiet). */
  next(key: string): void {
    const now = this.now();
    const e = this.entries.get(key);
    if (!e || now - e.lastUpdate > 2 * MAX_MS) this.entries.set(key, { delayMs: INITIAL_MS, lastUpdate: now });
    else this.entries.set(key, { delayMs: Math.min(e.delayMs * 2, MAX_MS), lastUpdate: now });
  }

  /** Drops entries idle for longer than 2 × max (upstream GC). */
  gc(): void {
    const now = this.now();
    for (const [key, e] of this.entries) if (now - e.lastUpdate > 2 * MAX_MS) this.entries.delete(key);
  }
}
