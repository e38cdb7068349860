// The TTL-after-finished controller (upstream pkg/controller/ttlafterfinished): deletes a finished
// Job (Complete or Failed) ttlSecondsAfterFinished after it finished, with Foreground propagation and
// a uid precondition. It deletes nothing else and never deletes a Job a live read shows unfinished.
import type { Logger } from 'pino';
import { ConflictError, NotFoundError, type Client, type Informer, type WorkQueue } from '../../client/index.js';
import type { ReconcileResult } from '../controller.js';
import type { Job } from './types.js';

export interface TTLAfterFinishedOptions {
  client: Client;
  jobs: Informer<Job>;
  queue: WorkQueue<string>;
  logger: Logger;
  now?: () => number;
}

/** When the Job finished: the lastTransitionTime of its Complete/Failed condition (upstream's jobFinishTime). */
export function jobFinishTime(job: Readonly<Job>): number | undefined {
  const c = (job.status?.conditions ?? []).find((x) => (x.type === 'Complete' || x.type === 'Failed') && x.status === 'True');
  if (!c) return undefined;
  const t = Date.parse(c.lastTransitionTime ?? '');
  return Number.isFinite(t) ? t : undefined;
}

/** A Job with a TTL that has finished and is not being deleted. */
export function needsCleanup(job: Readonly<Job>): boolean {
  return job.spec?.ttlSecondsAfterFinished != null && !job.metadata?.deletionTimestamp && jobFinishTime(job) !== undefined;
}

/** Milliseconds until the Job expires (<= 0: expired), or undefined when it does not need clean-up. */
export function timeLeft(job: Readonly<Job>, now: number): number | undefined {
  if (!needsCleanup(job)) return undefined;
  return jobFinishTime(job)! + job.spec!.ttlSecondsAfterFinished! * 1000 - now;
}

export class TTLAfterFinishedController {
  private readonly now: () => number;

  constructor(private readonly o: TTLAfterFinishedOptions) {
    this.now = o.now ?? Date.now;
  }

  register(): void {
    const enqueue = (job: Readonly<Job>) => {
      if (needsCleanup(job)) this.o.queue.add(`${job.metadata?.namespace}/${job.metadata?.name}`);
    };
    this.o.jobs.on('add', enqueue);
    this.o.jobs.on('update', (_old, job) => enqueue(job));
  }

  async reconcile(key: string): Promise<ReconcileResult | void> {
    const cached = this.o.jobs.store.getByKey(key);
    if (!cached) return;
    const left = timeLeft(cached, this.now());
    if (left === undefined) return;
    if (left > 0) return { requeueAfterMs: left };
    // The cache may be old (the TTL or the Job changed): decide on a live read, as upstream.
    const [namespace, name] = [cached.metadata!.namespace!, cached.metadata!.name!];
    const jobs = this.o.client.resource<Job>('jobs.batch', namespace);
    let fresh: Job;
    try {
      fresh = await jobs.get(name);
    } catch (err) {
      if (err instanceof NotFoundError) return;
      throw err;
    }
    const freshLeft = timeLeft(fresh, this.now());
    if (freshLeft === undefined) return;
    if (freshLeft > 0) return { requeueAfterMs: freshLeft };
    this.o.logger.info({ job: key }, 'cleaning up the finished job (TTL expired)');
    try {
      await jobs.delete(name, { propagationPolicy: 'Foreground', preconditions: { uid: fresh.metadata!.uid } });
    } catch (err) {
      if (err instanceof NotFoundError || err instanceof ConflictError) return;
      throw err;
    }
  }
}
