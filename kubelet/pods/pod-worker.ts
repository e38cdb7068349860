// Owns the serialisation of one pod's work, as upstream's podWorkers: at most one sync of a pod at a
// time, level-triggered (a wake during a sync causes one more sync, never a queue of them), requeue
// timers, and the end of the worker once its pod is gone. Never syncs two pods in one worker.
import type { Logger } from 'pino';
import type { Pod } from '../../api/types.js';

/** Even with no event a pod is synced this often (upstream's --sync-frequency default 1m). */
export const RESYNC_MS = 60_000;

export interface WorkerStep {
  /** Sync again after this long even without a wake. */
  requeueAfterMs?: number;
  /** The pod is gone and cleaned up: the worker ends. */
  done?: boolean;
}

export class PodWorker {
  private pod: Pod;
  private removed = false;
  private dirty = true;
  private wakeUp?: () => void;
  readonly finished: Promise<void>;

  constructor(
    pod: Pod,
    private readonly step: (pod: Pod, removed: boolean) => Promise<WorkerStep>,
    private readonly logger: Logger,
    private readonly signal: AbortSignal,
  ) {
    this.pod = pod;
    this.finished = this.loop();
  }

  get current(): Pod {
    return this.pod;
  }

  get isRemoved(): boolean {
    return this.removed;
  }

  update(pod: Pod): void {
    this.pod = pod;
    this.wake();
  }

  /** A newer copy of the pod that needs no sync (its status changed, nothing else). */
  replace(pod: Pod): void {
    this.pod = pod;
  }

  /** The pod object is gone: the next sync tears everything down and ends the worker. */
  remove(): void {
    this.removed = true;
    this.wake();
  }

  wake(): void {
    this.dirty = true;
    this.wakeUp?.();
  }

  private waitForWake(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.signal.removeEventListener('abort', done);
        this.wakeUp = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.signal.addEventListener('abort', done, { once: true });
      this.wakeUp = done;
    });
  }

  private async loop(): Promise<void> {
    let requeue = RESYNC_MS;
    let failures = 0;
    while (!this.signal.aborted) {
      if (!this.dirty) await this.waitForWake(requeue);
      if (this.signal.aborted) break;
      this.dirty = false;
      try {
        const result = await this.step(this.pod, this.removed);
        failures = 0;
        if (result.done) return;
        requeue = Math.min(result.requeueAfterMs ?? RESYNC_MS, RESYNC_MS);
      } catch (err) {
        // Nothing a pod brings may stop the kubelet: log, back off, try again.
        failures++;
        requeue = Math.min(1000 * 2 ** Math.min(failures, 5), 30_000);
        this.logger.error({ pod: `${this.pod.metadata?.namespace}/${this.pod.metadata?.name}`, err: (err as Error).stack ?? String(err) }, 'pod sync failed');
      }
    }
  }
}
