// The CronJob controller (upstream's cronjob_controllerv2, v1.32 semantics): creates a Job
// `<cronjob>-<scheduled minutes>` per scheduled time, honours concurrencyPolicy, startingDeadlineSeconds
// and suspend, keeps status.active/lastScheduleTime/lastSuccessfulTime, and deletes finished Jobs
// beyond the history limits. It writes only Jobs it owns and its CronJobs' status; the clock is injectable.
import type { Logger } from 'pino';
import { isDeepStrictEqual } from 'node:util';
import { AlreadyExistsError, NotFoundError, StatusError, type Client, type EventRecorder, type Informer, type WorkQueue } from '../../client/index.js';
import type { ReconcileResult } from '../controller.js';
import { formatRFC1123Z, formatRFC3339In, isValidTimeZone, parseSchedule, type Schedule } from './schedule.js';
import { mostRecentScheduleTime, nextScheduleTimeDuration, TOO_MANY_MISSED } from './schedule-times.js';
import type { CronJob, Job } from './types.js';

export const SCHEDULED_TIMESTAMP_ANNOTATION = 'batch.kubernetes.io/cronjob-scheduled-timestamp';

type ObjectReference = NonNullable<NonNullable<CronJob['status']>['active']>[number];

export interface CronJobControllerOptions {
  client: Client;
  cronJobs: Informer<CronJob>;
  jobs: Informer<Job>;
  queue: WorkQueue<string>;
  recorder: EventRecorder;
  logger: Logger;
  /** The clock (ms since the epoch); tests move it. */
  now?: () => number;
}

/** metav1.Time on the wire. */
function timestamp(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function finishedCondition(job: Readonly<Job>): string | undefined {
  return (job.status?.conditions ?? []).find((c) => (c.type === 'Complete' || c.type === 'Failed') && c.status === 'True')?.type;
}

function controllerUid(job: Readonly<Job>): string | undefined {
  const ref = (job.metadata?.ownerReferences ?? []).find((r) => r.controller === true);
  return ref && ref.kind === 'CronJob' && ref.apiVersion.startsWith('batch/') ? ref.uid : undefined;
}

/** Upstream's getJobName: the scheduled time in minutes since the epoch, so a time runs at most once. */
export function jobNameFor(cj: Readonly<CronJob>, scheduledMs: number): string {
  return `${cj.metadata!.name}-${Math.floor(scheduledMs / 60_000)}`;
}

/** Upstream's getJobFromTemplate2. */
export function jobFromTemplate(cj: Readonly<CronJob>, scheduledMs: number): Job {
  const template = cj.spec!.jobTemplate;
  const annotations = { ...(template.metadata?.annotations ?? {}), [SCHEDULED_TIMESTAMP_ANNOTATION]: formatRFC3339In(scheduledMs, cj.spec?.timeZone ?? undefined) };
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: {
      name: jobNameFor(cj, scheduledMs),
      namespace: cj.metadata!.namespace,
      labels: { ...(template.metadata?.labels ?? {}) },
      annotations,
      ownerReferences: [{ apiVersion: 'batch/v1', kind: 'CronJob', name: cj.metadata!.name!, uid: cj.metadata!.uid!, controller: true, blockOwnerDeletion: true }],
    },
    spec: structuredClone(template.spec!),
  } as Job;
}

function refTo(job: Readonly<Job>): ObjectReference {
  return { kind: 'Job', namespace: job.metadata!.namespace, name: job.metadata!.name, uid: job.metadata!.uid, apiVersion: 'batch/v1', resourceVersion: job.metadata!.resourceVersion };
}

export class CronJobController {
  private readonly now: () => number;

  constructor(private readonly o: CronJobControllerOptions) {
    this.now = o.now ?? Date.now;
  }

  register(): void {
    const { cronJobs, jobs, queue } = this.o;
    const enqueue = (cj: Readonly<CronJob>) => queue.add(`${cj.metadata?.namespace}/${cj.metadata?.name}`);
    cronJobs.on('add', enqueue);
    cronJobs.on('update', (_old, cj) => enqueue(cj));
    const jobChanged = (job: Readonly<Job>) => {
      const uid = controllerUid(job);
      if (!uid) return;
      const ref = (job.metadata?.ownerReferences ?? []).find((r) => r.uid === uid)!;
      const cj = cronJobs.store.getByKey(`${job.metadata?.namespace}/${ref.name}`);
      if (cj && cj.metadata?.uid === uid) enqueue(cj);
    };
    jobs.on('add', jobChanged);
    jobs.on('update', (_old, job) => jobChanged(job));
    jobs.on('delete', jobChanged);
  }

  async reconcile(key: string): Promise<ReconcileResult | void> {
    const cached = this.o.cronJobs.store.getByKey(key);
    if (!cached) return;
    // Cached objects may lack TypeMeta; the event recorder needs it (upstream gets it from the scheme).
    const cj = { ...structuredClone(cached), apiVersion: 'batch/v1', kind: 'CronJob' } as CronJob;
    const before = structuredClone(cj.status ?? {});
    const jobs = this.o.jobs.store.byIndex('byNamespace', cj.metadata!.namespace!).filter((j) => controllerUid(j) === cj.metadata!.uid);
    let requeueAfterMs: number | undefined;
    let syncError: unknown;
    try {
      requeueAfterMs = await this.sync(cj, jobs);
    } catch (err) {
      syncError = err;
    }
    if (!cj.metadata?.deletionTimestamp) await this.cleanupFinishedJobs(cj, jobs);
    if (!isDeepStrictEqual(before, cj.status ?? {})) {
      await this.o.client.resource<CronJob>('cronjobs.batch', cj.metadata!.namespace).updateStatus(cj);
    }
    if (syncError) throw syncError;
    return requeueAfterMs === undefined ? undefined : { requeueAfterMs: Math.max(0, requeueAfterMs) };
  }

  private async getJob(namespace: string, name: string): Promise<Job | undefined> {
    try {
      return await this.o.client.resource<Job>('jobs.batch', namespace).get(name);
    } catch (err) {
      if (err instanceof NotFoundError) return undefined;
      throw err;
    }
  }

  /** Upstream's syncCronJob: mutates cj.status; returns when to look again. */
  private async sync(cj: CronJob, jobs: Readonly<Job>[]): Promise<number | undefined> {
    const { recorder } = this.o;
    const now = this.now();
    const status = (cj.status ??= {});
    const ns = cj.metadata!.namespace!;
    const inActive = (uid: string | undefined) => (status.active ?? []).some((r) => r.uid === uid);
    const children = new Set<string>();
    for (const job of jobs) {
      children.add(job.metadata!.uid!);
      const finished = finishedCondition(job);
      const found = inActive(job.metadata!.uid);
      if (!found && !finished) {
        recorder.eventf(cj, 'Warning', 'UnexpectedJob', 'Saw a job that the controller did not create or forgot: %s', job.metadata!.name);
      } else if (found && finished) {
        status.active = (status.active ?? []).filter((r) => r.uid !== job.metadata!.uid);
        recorder.eventf(cj, 'Normal', 'SawCompletedJob', 'Saw completed job: %s, condition: %v', job.metadata!.name, finished);
      }
      if (finished === 'Complete' && job.status?.completionTime) {
        if (!status.lastSuccessfulTime || Date.parse(job.status.completionTime) > Date.parse(status.lastSuccessfulTime)) status.lastSuccessfulTime = job.status.completionTime;
      }
    }
    // Active references whose Job is gone (checked live: the informer may lag).
    for (const ref of [...(status.active ?? [])]) {
      if (children.has(ref.uid!)) continue;
      const live = await this.getJob(ref.namespace ?? ns, ref.name!);
      if (!live || live.metadata?.uid !== ref.uid) {
        recorder.eventf(cj, 'Normal', 'MissingJob', 'Active job went missing: %v', ref.name);
        status.active = (status.active ?? []).filter((r) => r.uid !== ref.uid);
      }
    }
    if (status.active && status.active.length === 0) delete status.active;
    if (cj.metadata?.deletionTimestamp) return undefined;

    const timeZone = cj.spec?.timeZone ?? undefined;
    if (timeZone != null && !isValidTimeZone(timeZone)) {
      recorder.eventf(cj, 'Warning', 'UnknownTimeZone', 'invalid timeZone: %q: unknown time zone %s', timeZone, timeZone);
      return undefined;
    }
    if (cj.spec?.suspend) return undefined;
    let schedule: Schedule;
    try {
      schedule = parseSchedule(cj.spec!.schedule, timeZone);
    } catch (err) {
      recorder.eventf(cj, 'Warning', 'UnparseableSchedule', 'unparseable schedule: %q : %s', cj.spec!.schedule, err instanceof Error ? err.message : String(err));
      return undefined;
    }
    let recent;
    try {
      recent = mostRecentScheduleTime(cj, now, schedule, true);
    } catch (err) {
      recorder.eventf(cj, 'Warning', 'InvalidSchedule', 'invalid schedule: %s : %s', cj.spec!.schedule, err instanceof Error ? err.message : String(err));
      return undefined;
    }
    const scheduled = recent.mostRecent;
    if (scheduled === undefined || scheduled > now) return nextScheduleTimeDuration(cj, now, schedule);
    if (recent.missed > TOO_MANY_MISSED) {
      recorder.eventf(cj, 'Warning', 'TooManyMissedTimes', 'too many missed start times: %d. Set or decrease .spec.startingDeadlineSeconds or check clock skew', recent.missed);
    }
    const sds = cj.spec?.startingDeadlineSeconds;
    if (sds != null && scheduled + sds * 1000 < now) {
      recorder.eventf(cj, 'Warning', 'MissSchedule', 'Missed scheduled time to start a job: %s', formatRFC1123Z(scheduled));
      return nextScheduleTimeDuration(cj, now, schedule);
    }
    const name = jobNameFor(cj, scheduled);
    if ((status.active ?? []).some((r) => r.name === name) || (status.lastScheduleTime && Date.parse(status.lastScheduleTime) === scheduled)) {
      return nextScheduleTimeDuration(cj, now, schedule);
    }
    if (cj.spec?.concurrencyPolicy === 'Forbid' && (status.active ?? []).length > 0) {
      recorder.event(cj, 'Normal', 'JobAlreadyActive', 'Not starting job because prior execution is running and concurrency policy is Forbid');
      return nextScheduleTimeDuration(cj, now, schedule);
    }
    if (cj.spec?.concurrencyPolicy === 'Replace') {
      for (const ref of [...(status.active ?? [])]) {
        const job = await this.getJob(ref.namespace ?? ns, ref.name!);
        if (job) await this.deleteJob(cj, job);
        status.active = (status.active ?? []).filter((r) => r.uid !== ref.uid);
      }
      if (status.active && status.active.length === 0) delete status.active;
    }
    let created: Job;
    try {
      created = await this.o.client.resource<Job>('jobs.batch', ns).create(jobFromTemplate(cj, scheduled));
      recorder.eventf(cj, 'Normal', 'SuccessfulCreate', 'Created job %v', created.metadata!.name);
    } catch (err) {
      if (!(err instanceof AlreadyExistsError)) {
        const terminating = err instanceof StatusError && (err.details?.causes ?? []).some((c) => c.type === 'NamespaceTerminating');
        if (!terminating) recorder.eventf(cj, 'Warning', 'FailedCreate', 'Error creating job: %v', err instanceof Error ? err.message : String(err));
        throw err;
      }
      // Someone (an earlier run of ours) made it already: adopt it into the status if it is ours.
      const existing = await this.getJob(ns, name);
      if (!existing || controllerUid(existing) !== cj.metadata!.uid) throw new Error(`job ${ns}/${name} exists and is not controlled by cronjob ${cj.metadata!.name}`);
      if (inActive(existing.metadata!.uid)) return undefined;
      created = existing;
    }
    status.active = [...(status.active ?? []), refTo(created)];
    status.lastScheduleTime = timestamp(scheduled);
    return nextScheduleTimeDuration(cj, now, schedule);
  }

  /** Deletes a Job (Background propagation, as upstream's jobControl.DeleteJob) and records it. */
  private async deleteJob(cj: CronJob, job: Readonly<Job>): Promise<void> {
    try {
      await this.o.client.resource('jobs.batch', job.metadata!.namespace).delete(job.metadata!.name!, { propagationPolicy: 'Background' });
    } catch (err) {
      if (!(err instanceof NotFoundError)) {
        this.o.recorder.eventf(cj, 'Warning', 'FailedDelete', 'Deleted job: %v', err instanceof Error ? err.message : String(err));
        throw err;
      }
    }
    if (cj.status?.active) cj.status.active = cj.status.active.filter((r) => r.uid !== job.metadata!.uid);
    this.o.recorder.eventf(cj, 'Normal', 'SuccessfulDelete', 'Deleted job %v', job.metadata!.name);
  }

  /** Upstream's cleanupFinishedJobs: keep the newest successfulJobsHistoryLimit / failedJobsHistoryLimit finished Jobs. */
  private async cleanupFinishedJobs(cj: CronJob, jobs: Readonly<Job>[]): Promise<void> {
    const successLimit = cj.spec?.successfulJobsHistoryLimit;
    const failedLimit = cj.spec?.failedJobsHistoryLimit;
    if (successLimit == null && failedLimit == null) return;
    const byStart = (a: Readonly<Job>, b: Readonly<Job>) => {
      const sa = a.status?.startTime ? Date.parse(a.status.startTime) : Number.POSITIVE_INFINITY;
      const sb = b.status?.startTime ? Date.parse(b.status.startTime) : Number.POSITIVE_INFINITY;
      return sa !== sb ? sa - sb : (a.metadata!.name! < b.metadata!.name! ? -1 : 1);
    };
    const live = jobs.filter((j) => !j.metadata?.deletionTimestamp);
    const succeeded = live.filter((j) => finishedCondition(j) === 'Complete').sort(byStart);
    const failed = live.filter((j) => finishedCondition(j) === 'Failed').sort(byStart);
    for (const [list, limit] of [[succeeded, successLimit], [failed, failedLimit]] as const) {
      if (limit == null || list.length <= limit) continue;
      for (const job of list.slice(0, list.length - limit)) await this.deleteJob(cj, job);
    }
  }
}
