// The scheduling queue (upstream internal/queue.PriorityQueue): activeQ ordered by priority then
// arrival, backoffQ (1 s doubling to 10 s per attempt), and the unschedulable pods, moved back on
// cluster events that may help and flushed after 5 minutes. Holds pod keys and their latest
// object; it never decides where a pod goes.
import type { Pod } from '../api/types.js';

export const POD_INITIAL_BACKOFF_MS = 1_000;
export const POD_MAX_BACKOFF_MS = 10_000;
/** upstream podMaxInUnschedulablePodsDuration. */
export const POD_MAX_IN_UNSCHEDULABLE_MS = 5 * 60_000;

export interface QueuedPodInfo {
  pod: Pod;
  key: string;
  /** When the pod first entered the queue (ordering among equal priorities). */
  timestamp: number;
  attempts: number;
  /** When the pod last failed (backoff and unschedulable timeouts count from here). */
  failedAt: number;
  /** The move-request cycle when the pod was popped; an event since then means "try again soon". */
  popCycle: number;
}

export interface Clock {
  now(): number;
}

const less = (a: QueuedPodInfo, b: QueuedPodInfo) => {
  const pa = a.pod.spec?.priority ?? 0;
  const pb = b.pod.spec?.priority ?? 0;
  return pa !== pb ? pa > pb : a.timestamp < b.timestamp;
};

/** A binary heap keyed by pod key, so updates and deletes are cheap. */
class Heap {
  private items: QueuedPodInfo[] = [];
  private index = new Map<string, number>();
  constructor(private readonly before: (a: QueuedPodInfo, b: QueuedPodInfo) => boolean) {}
  get size(): number {
    return this.items.length;
  }
  has(key: string): boolean {
    return this.index.has(key);
  }
  get(key: string): QueuedPodInfo | undefined {
    const i = this.index.get(key);
    return i === undefined ? undefined : this.items[i];
  }
  peek(): QueuedPodInfo | undefined {
    return this.items[0];
  }
  push(item: QueuedPodInfo): void {
    const existing = this.index.get(item.key);
    if (existing !== undefined) {
      this.items[existing] = item;
      this.fix(existing);
      return;
    }
    this.items.push(item);
    this.index.set(item.key, this.items.length - 1);
    this.up(this.items.length - 1);
  }
  pop(): QueuedPodInfo | undefined {
    if (this.items.length === 0) return undefined;
    const top = this.items[0]!;
    this.removeAt(0);
    return top;
  }
  delete(key: string): QueuedPodInfo | undefined {
    const i = this.index.get(key);
    if (i === undefined) return undefined;
    const item = this.items[i]!;
    this.removeAt(i);
    return item;
  }
  values(): QueuedPodInfo[] {
    return [...this.items];
  }
  private removeAt(i: number): void {
    this.index.delete(this.items[i]!.key);
    const last = this.items.pop()!;
    if (i < this.items.length) {
      this.items[i] = last;
      this.index.set(last.key, i);
      this.fix(i);
    }
  }
  private fix(i: number): void {
    this.up(i);
    this.down(i);
  }
  private swap(i: number, j: number): void {
    const a = this.items[i]!;
    const b = this.items[j]!;
    this.items[i] = b;
    this.items[j] = a;
    this.index.set(b.key, i);
    this.index.set(a.key, j);
  }
  private up(i: number): void {
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.before(this.items[i]!, this.items[parent]!)) break;
      this.swap(i, parent);
      i = parent;
    }
  }
  private down(i: number): void {
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < this.items.length && this.before(this.items[l]!, this.items[m]!)) m = l;
      if (r < this.items.length && this.before(this.items[r]!, this.items[m]!)) m = r;
      if (m === i) return;
      this.swap(i, m);
      i = m;
    }
  }
}

export function backoffDuration(attempts: number): number {
  let d = POD_INITIAL_BACKOFF_MS;
  for (let i = 1; i < attempts; i++) {
    d *= 2;
    if (d >= POD_MAX_BACKOFF_MS) return POD_MAX_BACKOFF_MS;
  }
  return d;
}

export class SchedulingQueue {
  private readonly active = new Heap(less);
  private readonly backoff = new Heap((a, b) => this.backoffExpiry(a) < this.backoffExpiry(b));
  private readonly unschedulable = new Map<string, QueuedPodInfo>();
  /** Popped and not yet finished: kept so a failure can be re-queued with its history. */
  private readonly inFlight = new Map<string, QueuedPodInfo>();
  /** Counts move requests; a pod popped before the latest one retries soon instead of waiting. */
  private moveRequestCycle = 0;
  private waiters: ((item: QueuedPodInfo | undefined) => void)[] = [];
  private closed = false;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly clock: Clock = { now: () => Date.now() }) {}

  /** Starts the periodic flushes (backoffQ every second, unschedulable every 30 s). */
  run(): void {
    let ticks = 0;
    this.timer = setInterval(() => {
      this.flushBackoffCompleted();
      if (++ticks % 30 === 0) this.flushUnschedulableLeftover();
    }, 1_000);
    this.timer.unref();
  }

  close(): void {
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    for (const w of this.waiters.splice(0)) w(undefined);
  }

  private backoffExpiry(p: QueuedPodInfo): number {
    return p.failedAt + backoffDuration(p.attempts);
  }

  private isBackingOff(p: QueuedPodInfo): boolean {
    return this.backoffExpiry(p) > this.clock.now();
  }

  private pushActive(p: QueuedPodInfo): void {
    const waiter = this.waiters.shift();
    if (waiter) {
      this.take(p);
      waiter(p);
    } else {
      this.active.push(p);
    }
  }

  private take(p: QueuedPodInfo): void {
    p.attempts++;
    p.popCycle = this.moveRequestCycle;
    this.inFlight.set(p.key, p);
  }

  /** A new pending pod. */
  add(pod: Pod): void {
    const key = `${pod.metadata?.namespace}/${pod.metadata?.name}`;
    if (this.has(key)) return this.update(pod);
    this.pushActive({ pod, key, timestamp: this.clock.now(), attempts: 0, failedAt: 0, popCycle: 0 });
  }

  has(key: string): boolean {
    return this.active.has(key) || this.backoff.has(key) || this.unschedulable.has(key) || this.inFlight.has(key);
  }

  /**
   * The pod changed: keep its place; an unschedulable pod gets another chance (after backoff) when
   * its spec or metadata changed, not for a status-only update such as our own condition.
   */
  update(pod: Pod, specChanged = true): void {
    const key = `${pod.metadata?.namespace}/${pod.metadata?.name}`;
    const a = this.active.get(key);
    if (a) return this.active.push({ ...a, pod });
    const b = this.backoff.get(key);
    if (b) return this.backoff.push({ ...b, pod });
    const f = this.inFlight.get(key);
    if (f) {
      f.pod = pod;
      return;
    }
    const u = this.unschedulable.get(key);
    if (u && !specChanged) {
      u.pod = pod;
      return;
    }
    if (u) {
      this.unschedulable.delete(key);
      const moved = { ...u, pod };
      if (this.isBackingOff(moved)) this.backoff.push(moved);
      else this.pushActive(moved);
      return;
    }
    this.add(pod);
  }

  delete(pod: Pod): void {
    const key = `${pod.metadata?.namespace}/${pod.metadata?.name}`;
    this.active.delete(key);
    this.backoff.delete(key);
    this.unschedulable.delete(key);
    this.inFlight.delete(key);
  }

  /** The next pod to schedule; waits while activeQ is empty; undefined once closed. */
  pop(): Promise<QueuedPodInfo | undefined> {
    if (this.closed) return Promise.resolve(undefined);
    const p = this.active.pop();
    if (p) {
      this.take(p);
      return Promise.resolve(p);
    }
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** The popped pod is done (scheduled, or deleted meanwhile). */
  done(key: string): void {
    this.inFlight.delete(key);
  }

  /**
   * The popped pod failed. Unschedulable pods wait for a helpful event unless one already came
   * while they were in flight (then backoff); errors always go to backoff.
   */
  addUnschedulable(info: QueuedPodInfo, pod: Pod, unschedulable: boolean): void {
    if (!this.inFlight.has(info.key)) return; // deleted while being scheduled
    this.inFlight.delete(info.key);
    const p = { ...info, pod, failedAt: this.clock.now() };
    if (!unschedulable || this.moveRequestCycle > info.popCycle) this.backoff.push(p);
    else this.unschedulable.set(p.key, p);
  }

  /** A cluster event that may make unschedulable pods fit (upstream MoveAllToActiveOrBackoffQueue). */
  moveAllToActiveOrBackoff(filter: (pod: Pod) => boolean = () => true): void {
    this.moveRequestCycle++;
    for (const [key, p] of this.unschedulable) {
      if (!filter(p.pod)) continue;
      this.unschedulable.delete(key);
      if (this.isBackingOff(p)) this.backoff.push(p);
      else this.pushActive(p);
    }
  }

  flushBackoffCompleted(): void {
    for (;;) {
      const p = this.backoff.peek();
      if (!p || this.isBackingOff(p)) return;
      this.backoff.pop();
      this.pushActive(p);
    }
  }

  flushUnschedulableLeftover(): void {
    const now = this.clock.now();
    for (const [key, p] of this.unschedulable) {
      if (now - p.failedAt < POD_MAX_IN_UNSCHEDULABLE_MS) continue;
      this.unschedulable.delete(key);
      if (this.isBackingOff(p)) this.backoff.push(p);
      else this.pushActive(p);
    }
  }

  /** Sizes for scheduler_pending_pods. */
  pending(): { active: number; backoff: number; unschedulable: number } {
    return { active: this.active.size, backoff: this.backoff.size, unschedulable: this.unschedulable.size };
  }
}
