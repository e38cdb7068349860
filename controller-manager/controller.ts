// Owns the worker loop every controller shares (sample-controller's processNextWorkItem): take a
// key, reconcile it, forget it on success, re-queue it rate-limited on error, or after requeueAfter.
// Must never run one key in two workers at once (the work queue guarantees it) nor swallow an error
// without re-queueing the key.
import type { Logger } from 'pino';
import { createWorkQueue, type WorkQueue } from '../client/index.js';
import type { ControllerContext } from './context.js';

export interface ReconcileResult {
  /** Reconcile the key again after this many milliseconds (e.g. minReadySeconds, a deadline). */
  requeueAfterMs?: number;
}

export type Reconcile = (key: string) => Promise<ReconcileResult | void>;

export interface RunOptions {
  name: string;
  queue: WorkQueue<string>;
  reconcile: Reconcile;
  workers: number;
  logger: Logger;
  signal: AbortSignal;
}

/** A new rate-limited, de-duplicating queue named after the controller. */
export function newQueue(name: string): WorkQueue<string> {
  return createWorkQueue<string>({ name });
}

/** Runs `workers` loops until the signal aborts; resolves once they have all finished their key. */
export async function runWorkers(options: RunOptions): Promise<void> {
  const { queue, reconcile, logger, signal } = options;
  signal.addEventListener('abort', () => queue.shutDown(), { once: true });
  const worker = async () => {
    for (;;) {
      const item = await queue.get();
      if (item.shutdown) return;
      const key = item.key;
      try {
        const result = await reconcile(key);
        queue.forget(key);
        if (result && result.requeueAfterMs !== undefined) queue.addAfter(key, Math.max(0, result.requeueAfterMs));
      } catch (err) {
        logger.warn({ controller: options.name, key, err: err instanceof Error ? err.message : String(err) }, 'reconcile failed; requeued');
        queue.addRateLimited(key);
      } finally {
        queue.done(key);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, options.workers) }, worker));
}

/**
 * Waits until the shared informers have synced. Resolves false when the controller is stopped first:
 * that is a normal shutdown, not an error to report.
 */
export async function informersSynced(ctx: Pick<ControllerContext, 'informers' | 'signal'>): Promise<boolean> {
  try {
    await ctx.informers.waitForSync();
    return true;
  } catch (err) {
    if (ctx.signal.aborted) return false;
    throw err;
  }
}

/** sample-controller's Run: wait for the caches, then run the workers until the context's signal aborts. */
export async function runWhenSynced(ctx: Pick<ControllerContext, 'informers' | 'signal'>, options: Omit<RunOptions, 'signal'>): Promise<void> {
  if (!(await informersSynced(ctx))) return;
  await runWorkers({ ...options, signal: ctx.signal });
}
