// The Job controller (upstream pkg/controller/job, v1.32 semantics): runs a Job's pods to
// completion, counts finished pods through the batch.kubernetes.io/job-tracking finalizer and
// status.uncountedTerminatedPods, and writes the Job's status and conditions. It writes only pods
// of its Jobs and Jobs' status; it never deletes a Job (the TTL controller and the GC do).
import type { Logger } from 'pino';
import { isDeepStrictEqual } from 'node:util';
import type { Job, JobCondition, JobStatus, Pod } from './types.js';
import { NotFoundError, type Client, type EventRecorder, type Informer, type WorkQueue } from '../../client/index.js';
import type { ReconcileResult } from '../controller.js';
import { nextBackoffRecord, remainingBackoffMs, DEFAULT_POD_FAILURE_BACKOFF_MS, MAX_POD_FAILURE_BACKOFF_MS, type BackoffRecord, type FinishedPod } from './backoff.js';
import {
  findCondition,
  hasTrueCondition,
  isJobFinished,
  setCondition,
  timestamp,
  MESSAGE_BACKOFF_LIMIT_EXCEEDED,
  MESSAGE_COMPLETIONS_REACHED,
  MESSAGE_DEADLINE_EXCEEDED,
  REASON_BACKOFF_LIMIT_EXCEEDED,
  REASON_COMPLETIONS_REACHED,
  REASON_DEADLINE_EXCEEDED,
  REASON_POD_FAILURE_POLICY,
} from './conditions.js';
import { Expectations } from './expectations.js';
import { completionIndexOf, formatIndexes, parseIndexes } from './indexes.js';
import { matchPodFailurePolicy } from './pod-failure-policy.js';
import { JOB_TRACKING_FINALIZER, podFromTemplate } from './pod-template.js';
import { controllingJob, deletionOrder, isPodActive, isPodFinished, isPodReady, isTerminating, onlyReplaceFailedPods, podFinishTime } from './pods.js';

/** Keys of pods whose Job is gone but which still carry the tracking finalizer. */
const ORPHAN_POD_PREFIX = 'orphan-pod:';
/** Upstream's MaxPodCreateDeletePerSync. */
const MAX_POD_CREATE_DELETE_PER_SYNC = 500;
/** Upstream's SlowStartInitialBatchSize. */
const SLOW_START_INITIAL_BATCH = 1;

export interface JobControllerOptions {
  client: Client;
  jobs: Informer<Job>;
  pods: Informer<Pod>;
  queue: WorkQueue<string>;
  recorder: EventRecorder;
  logger: Logger;
  now?: () => number;
  /** DefaultJobPodFailureBackOff / MaxJobPodFailureBackOff (tests shrink them). */
  podFailureBackoffMs?: number;
  maxPodFailureBackoffMs?: number;
}

const keyOf = (namespace: string | undefined, name: string | undefined) => `${namespace}/${name}`;

export class JobController {
  readonly expectations: Expectations;
  private readonly backoff = new Map<string, BackoffRecord>();
  /** Per Job, resourceVersions our own status writes replaced (a cache still showing one is stale). */
  private readonly superseded = new Map<string, Set<string>>();
  private readonly now: () => number;

  constructor(private readonly o: JobControllerOptions) {
    this.now = o.now ?? Date.now;
    this.expectations = new Expectations(this.now);
  }

  /** Registers the informer handlers; they only enqueue keys. */
  register(): void {
    const { jobs, pods, queue } = this.o;
    jobs.on('add', (job) => queue.add(keyOf(job.metadata?.namespace, job.metadata?.name)));
    jobs.on('update', (_old, job) => queue.add(keyOf(job.metadata?.namespace, job.metadata?.name)));
    jobs.on('delete', (job) => {
      const key = keyOf(job.metadata?.namespace, job.metadata?.name);
      this.expectations.delete(key);
      this.backoff.delete(key);
      // Its pods may still carry our finalizer: release them.
      for (const pod of pods.store.byIndex('byNamespace', job.metadata?.namespace ?? '')) {
        if (controllingJob(pod)?.uid === job.metadata?.uid && this.hasFinalizer(pod)) queue.add(ORPHAN_POD_PREFIX + keyOf(pod.metadata?.namespace, pod.metadata?.name));
      }
    });
    pods.on('add', (pod) => this.podChanged(pod, 'add'));
    pods.on('update', (old, pod) => {
      if (this.hasFinalizer(old) && !this.hasFinalizer(pod)) this.observeRemoval(pod);
      this.podChanged(pod, 'update');
    });
    pods.on('delete', (pod) => {
      this.observeRemoval(pod);
      this.podChanged(pod, 'delete');
    });
  }

  private hasFinalizer(pod: Readonly<Pod>): boolean {
    return (pod.metadata?.finalizers ?? []).includes(JOB_TRACKING_FINALIZER);
  }

  private observeRemoval(pod: Readonly<Pod>): void {
    const owner = controllingJob(pod);
    if (owner) this.expectations.deletionObserved(keyOf(pod.metadata?.namespace, owner.name), pod.metadata!.uid!);
  }

  private podChanged(pod: Readonly<Pod>, event: 'add' | 'update' | 'delete'): void {
    const owner = controllingJob(pod);
    if (!owner) return;
    const jobKey = keyOf(pod.metadata?.namespace, owner.name);
    if (event === 'add') this.expectations.creationObserved(jobKey);
    const job = this.o.jobs.store.getByKey(jobKey);
    if (job && job.metadata?.uid === owner.uid) {
      this.o.queue.add(jobKey);
    } else if (event !== 'delete' && this.hasFinalizer(pod)) {
      this.o.queue.add(ORPHAN_POD_PREFIX + keyOf(pod.metadata?.namespace, pod.metadata?.name));
    }
  }

  async reconcile(key: string): Promise<ReconcileResult | void> {
    if (key.startsWith(ORPHAN_POD_PREFIX)) return this.releaseOrphanPod(key.slice(ORPHAN_POD_PREFIX.length));
    const cached = this.o.jobs.store.getByKey(key);
    if (!cached) {
      this.expectations.delete(key);
      this.backoff.delete(key);
      this.superseded.delete(key);
      return;
    }
    // A cache older than our own last status write would recount pods: wait for the update event.
    const superseded = this.superseded.get(key);
    if (superseded?.has(cached.metadata?.resourceVersion ?? '')) return;
    this.superseded.delete(key);
    // Pod events re-queue the Job as the informer catches up; the timer only guards a lost event.
    if (!this.expectations.satisfied(key)) return { requeueAfterMs: 30_000 };
    // Cached objects may lack TypeMeta; the event recorder needs it (upstream gets it from the scheme).
    const job = { ...structuredClone(cached), apiVersion: 'batch/v1', kind: 'Job' } as Job;
    return new JobSync(this, this.o, job, key, this.now()).run();
  }

  backoffRecord(key: string): BackoffRecord | undefined {
    return this.backoff.get(key);
  }

  statusWritten(key: string, replacedResourceVersion: string | undefined): void {
    if (!replacedResourceVersion) return;
    let set = this.superseded.get(key);
    if (!set) this.superseded.set(key, (set = new Set()));
    set.add(replacedResourceVersion);
  }

  recordFinished(key: string, finished: FinishedPod[]): void {
    if (finished.length) this.backoff.set(key, nextBackoffRecord(this.backoff.get(key), finished));
  }

  /** A pod of a Job that no longer exists: drop our finalizer once a live GET confirms the Job is gone (upstream's orphan queue). */
  private async releaseOrphanPod(podKey: string): Promise<void> {
    const pod = this.o.pods.store.getByKey(podKey);
    if (!pod || !this.hasFinalizer(pod)) return;
    const owner = controllingJob(pod);
    if (owner) {
      const job = await this.o.client.resource<Job>('jobs.batch').get(owner.name, pod.metadata!.namespace).catch((err) => {
        if (err instanceof NotFoundError) return undefined;
        throw err;
      });
      if (job && job.metadata?.uid === owner.uid) return;
    }
    await removeTrackingFinalizer(this.o.client, pod);
  }
}

export async function removeTrackingFinalizer(client: Client, pod: Readonly<Pod>): Promise<void> {
  try {
    await client.resource('pods').patch(pod.metadata!.name!, 'strategic', { metadata: { [`$deleteFromPrimitiveList/finalizers`]: [JOB_TRACKING_FINALIZER] } }, {}, pod.metadata!.namespace);
  } catch (err) {
    if (!(err instanceof NotFoundError)) throw err;
  }
}

/** One sync of one Job: reads the pods, counts, decides, writes. */
class JobSync {
  private readonly client: Client;
  private readonly log: Logger;
  private readonly ns: string;
  private readonly name: string;
  private readonly indexed: boolean;
  private readonly completions: number | undefined;
  private pods: Readonly<Pod>[];

  constructor(
    private readonly ctl: JobController,
    private readonly o: JobControllerOptions,
    private job: Job,
    private readonly key: string,
    private readonly now: number,
  ) {
    this.client = o.client;
    this.ns = job.metadata!.namespace!;
    this.name = job.metadata!.name!;
    this.log = o.logger.child({ job: key });
    this.indexed = job.spec?.completionMode === 'Indexed';
    this.completions = job.spec?.completions ?? undefined;
    this.pods = o.pods.store
      .byIndex('byNamespace', this.ns)
      .filter((p) => controllingJob(p)?.uid === job.metadata!.uid);
  }

  private jobs() {
    return this.client.resource<Job>('jobs.batch', this.ns);
  }

  private hasFinalizer(pod: Readonly<Pod>): boolean {
    return (pod.metadata?.finalizers ?? []).includes(JOB_TRACKING_FINALIZER);
  }

  async run(): Promise<ReconcileResult | void> {
    const job = this.job;
    if (job.metadata?.deletionTimestamp || isJobFinished(job)) {
      // Nothing left to run: only make sure no pod keeps our finalizer.
      await this.removeFinalizers(this.pods.filter((p) => this.hasFinalizer(p)));
      return;
    }
    await this.trackFinishedPods();
    return this.manage();
  }

  /**
   * Upstream's trackJobStatusAndRemoveFinalizers: a finished pod's uid goes into
   * status.uncountedTerminatedPods (or, for a succeeded Indexed pod, its index into completedIndexes)
   * first, then its finalizer is removed, then the uids move into the succeeded/failed counters.
   * A crash between steps neither loses nor double-counts a pod.
   */
  private async trackFinishedPods(): Promise<void> {
    const job = this.job;
    const status: JobStatus = structuredClone(job.status ?? {});
    const uncounted = { succeeded: [...(status.uncountedTerminatedPods?.succeeded ?? [])], failed: [...(status.uncountedTerminatedPods?.failed ?? [])] };
    const known = new Set([...uncounted.succeeded, ...uncounted.failed]);
    const completed = this.indexed ? parseIndexes(status.completedIndexes, this.completions ?? 0) : new Set<number>();
    const suspended = job.spec?.suspend === true;
    const newlyFinished: FinishedPod[] = [];
    const release: Readonly<Pod>[] = [];
    let failJob: string | undefined;
    for (const pod of this.pods) {
      if (!this.hasFinalizer(pod) || !isPodFinished(pod, job)) continue;
      release.push(pod);
      const uid = pod.metadata!.uid!;
      if (known.has(uid)) continue;
      const succeeded = pod.status?.phase === 'Succeeded';
      if (succeeded) {
        if (this.indexed) {
          const ix = completionIndexOf(pod);
          if (ix !== undefined && ix < (this.completions ?? 0) && !completed.has(ix)) completed.add(ix);
        } else {
          uncounted.succeeded.push(uid);
        }
        newlyFinished.push({ succeeded: true, finishTime: podFinishTime(pod, this.now) });
        continue;
      }
      // Pods removed because the Job was suspended are not failures.
      if (suspended && pod.status?.phase !== 'Failed') continue;
      const match = pod.status?.phase === 'Failed' ? matchPodFailurePolicy(job, pod) : undefined;
      if (match?.action === 'Ignore') continue;
      if (match?.action === 'FailJob' && failJob === undefined) failJob = match.message;
      uncounted.failed.push(uid);
      newlyFinished.push({ succeeded: false, finishTime: podFinishTime(pod, this.now) });
    }
    if (release.length === 0 && uncounted.succeeded.length === 0 && uncounted.failed.length === 0) return;

    // Step 1: record what finished before any finalizer goes.
    status.uncountedTerminatedPods = { succeeded: uncounted.succeeded, failed: uncounted.failed };
    if (this.indexed) {
      status.completedIndexes = formatIndexes(completed);
      status.succeeded = completed.size;
    }
    if (failJob !== undefined) {
      status.conditions = status.conditions ?? [];
      setCondition(status.conditions, 'FailureTarget', 'True', REASON_POD_FAILURE_POLICY, failJob, this.now);
    }
    await this.writeStatus(status);
    this.ctl.recordFinished(this.key, newlyFinished);

    // Step 2: release the pods.
    await this.removeFinalizers(release);

    // Step 3: move the uids into the counters.
    const flushed: JobStatus = structuredClone(this.job.status ?? {});
    flushed.succeeded = (flushed.succeeded ?? 0) + (this.indexed ? 0 : uncounted.succeeded.length);
    flushed.failed = (flushed.failed ?? 0) + uncounted.failed.length;
    flushed.uncountedTerminatedPods = {};
    await this.writeStatus(flushed);
    const released = new Set(release.map((p) => p.metadata!.uid));
    this.pods = this.pods.filter((p) => !released.has(p.metadata!.uid) || !isPodFinished(p, job));
  }

  private async removeFinalizers(pods: Readonly<Pod>[]): Promise<void> {
    if (pods.length === 0) return;
    this.ctl.expectations.expectDeletions(this.key, pods.map((p) => p.metadata!.uid!));
    const results = await Promise.allSettled(pods.map((p) => removeTrackingFinalizer(this.client, p)));
    const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    for (const [i, r] of results.entries()) {
      if (r.status === 'rejected') this.ctl.expectations.deletionObserved(this.key, pods[i]!.metadata!.uid!);
    }
    if (failed.length) throw new Error(`removing the ${JOB_TRACKING_FINALIZER} finalizer from ${failed.length} pods: ${failed[0]!.reason}`);
  }

  private async writeStatus(status: JobStatus): Promise<void> {
    if (isDeepStrictEqual(status, this.job.status ?? {})) return;
    const replaced = this.job.metadata?.resourceVersion;
    this.job = await this.jobs().updateStatus({ ...this.job, status });
    this.ctl.statusWritten(this.key, replaced);
  }

  /** Decides the Job's fate and its pods: upstream's syncJob after the tracking step. */
  private async manage(): Promise<ReconcileResult | void> {
    const job = this.job;
    const spec = job.spec!;
    const status: JobStatus = structuredClone(job.status ?? {});
    const conditions: JobCondition[] = (status.conditions = status.conditions ?? []);
    const active = this.pods.filter(isPodActive);
    const terminating = this.pods.filter((p) => isTerminating(p) && !isPodFinished(p, job));
    const succeeded = status.succeeded ?? 0;
    const failed = status.failed ?? 0;
    const parallelism = spec.parallelism ?? 1;
    const suspended = spec.suspend === true;
    let requeueAfterMs: number | undefined;
    const requeue = (ms: number) => {
      requeueAfterMs = requeueAfterMs === undefined ? ms : Math.min(requeueAfterMs, ms);
    };

    // Suspension and the start time.
    const wasSuspended = hasTrueCondition(job, 'Suspended');
    if (suspended) {
      if (setCondition(conditions, 'Suspended', 'True', 'JobSuspended', 'Job suspended', this.now)) this.o.recorder.event(job, 'Normal', 'Suspended', 'Job suspended');
    } else {
      if (wasSuspended) {
        setCondition(conditions, 'Suspended', 'False', 'JobResumed', 'Job resumed', this.now);
        this.o.recorder.event(job, 'Normal', 'Resumed', 'Job resumed');
        // The active deadline counts from the resume, as upstream.
        status.startTime = timestamp(this.now);
      }
      if (!status.startTime) status.startTime = timestamp(this.now);
    }

    // Failure and success criteria (FailureTarget / SuccessCriteriaMet come first, as 1.32 does).
    let failure = findCondition(conditions, 'FailureTarget');
    if (failure?.status !== 'True') failure = undefined;
    let success = findCondition(conditions, 'SuccessCriteriaMet');
    if (success?.status !== 'True') success = undefined;
    if (!failure && !success) {
      const backoffLimit = spec.backoffLimit ?? 6;
      const pastBackoff = failed > backoffLimit || pastBackoffLimitOnFailure(job, active, backoffLimit);
      const deadlineMs = spec.activeDeadlineSeconds != null && status.startTime && !suspended ? Date.parse(status.startTime) + spec.activeDeadlineSeconds * 1000 : undefined;
      if (pastBackoff) {
        setCondition(conditions, 'FailureTarget', 'True', REASON_BACKOFF_LIMIT_EXCEEDED, MESSAGE_BACKOFF_LIMIT_EXCEEDED, this.now);
      } else if (deadlineMs !== undefined && this.now >= deadlineMs) {
        setCondition(conditions, 'FailureTarget', 'True', REASON_DEADLINE_EXCEEDED, MESSAGE_DEADLINE_EXCEEDED, this.now);
      } else if (this.successReached(status, active.length)) {
        setCondition(conditions, 'SuccessCriteriaMet', 'True', REASON_COMPLETIONS_REACHED, MESSAGE_COMPLETIONS_REACHED, this.now);
      } else if (deadlineMs !== undefined) {
        requeue(deadlineMs - this.now);
      }
      failure = conditions.find((c) => c.type === 'FailureTarget' && c.status === 'True');
      success = conditions.find((c) => c.type === 'SuccessCriteriaMet' && c.status === 'True');
    }

    if (failure || success) {
      // Finishing: no pod may keep running; the terminal condition waits for them to be gone.
      await this.deletePods(active);
      const stillRunning = active.length + terminating.length;
      if (stillRunning === 0) {
        if (failure) {
          setCondition(conditions, 'Failed', 'True', failure.reason!, failure.message!, this.now);
          this.o.recorder.event(job, 'Warning', failure.reason!, failure.message!);
        } else {
          setCondition(conditions, 'Complete', 'True', success!.reason!, success!.message!, this.now);
          status.completionTime = timestamp(this.now);
          this.o.recorder.event(job, 'Normal', 'Completed', 'Job completed');
        }
      }
      status.active = 0;
      status.ready = 0;
      status.terminating = terminating.length + active.length;
      await this.writeStatus(this.tidy(status));
      return;
    }

    let activeCount = active.length;
    if (suspended) {
      await this.deletePods(active);
      activeCount = 0;
    } else {
      const waitMs = remainingBackoffMs(this.ctl.backoffRecord(this.key), this.now, this.o.podFailureBackoffMs ?? DEFAULT_POD_FAILURE_BACKOFF_MS, this.o.maxPodFailureBackoffMs ?? MAX_POD_FAILURE_BACKOFF_MS);
      const replacementBlocked = onlyReplaceFailedPods(job) ? terminating.length : 0;
      if (this.indexed) activeCount = await this.manageIndexed(active, parallelism, status, waitMs > 0, replacementBlocked);
      else activeCount = await this.manageNonIndexed(active, parallelism, succeeded, waitMs > 0, replacementBlocked);
      if (waitMs > 0) requeue(waitMs);
    }
    status.active = activeCount;
    status.ready = suspended ? 0 : active.filter(isPodReady).length;
    status.terminating = terminating.length + (suspended ? active.length : 0);
    await this.writeStatus(this.tidy(status));
    return requeueAfterMs === undefined ? undefined : { requeueAfterMs: Math.max(0, requeueAfterMs) };
  }

  private tidy(status: JobStatus): JobStatus {
    if (status.conditions && status.conditions.length === 0) delete status.conditions;
    if (status.uncountedTerminatedPods && Object.keys(status.uncountedTerminatedPods).length === 0 && !this.job.status?.uncountedTerminatedPods) delete status.uncountedTerminatedPods;
    if (this.indexed && status.completedIndexes === undefined) status.completedIndexes = '';
    return status;
  }

  private successReached(status: JobStatus, active: number): boolean {
    const succeeded = status.succeeded ?? 0;
    if (this.indexed) return parseIndexes(status.completedIndexes, this.completions ?? 0).size >= (this.completions ?? 0);
    if (this.completions === undefined) return succeeded > 0 && active === 0;
    return succeeded >= this.completions;
  }

  private async manageNonIndexed(active: Readonly<Pod>[], parallelism: number, succeeded: number, inBackoff: boolean, blocked: number): Promise<number> {
    let want: number;
    if (this.completions === undefined) want = succeeded > 0 ? Math.min(active.length, parallelism) : parallelism;
    else want = Math.max(0, Math.min(parallelism, this.completions - succeeded));
    if (active.length > want) {
      const excess = [...active].sort(deletionOrder).slice(0, active.length - want);
      await this.deletePods(excess);
      return want;
    }
    const diff = Math.min(want - active.length - blocked, MAX_POD_CREATE_DELETE_PER_SYNC);
    if (diff <= 0 || inBackoff) return active.length;
    const created = await this.createPods(Array.from({ length: diff }, () => undefined));
    return active.length + created;
  }

  private async manageIndexed(active: Readonly<Pod>[], parallelism: number, status: JobStatus, inBackoff: boolean, blocked: number): Promise<number> {
    const completions = this.completions ?? 0;
    const completed = parseIndexes(status.completedIndexes, completions);
    // Pods with a bad, completed or duplicate index go, as upstream's firstPendingIndexes/dedup.
    const byIndex = new Map<number, Readonly<Pod>>();
    const extra: Readonly<Pod>[] = [];
    for (const pod of [...active].sort((a, b) => -deletionOrder(a, b))) {
      const ix = completionIndexOf(pod);
      if (ix === undefined || ix >= completions || completed.has(ix) || byIndex.has(ix)) extra.push(pod);
      else byIndex.set(ix, pod);
    }
    let keep = [...byIndex.entries()].sort((a, b) => a[0] - b[0]);
    if (keep.length > parallelism) {
      extra.push(...keep.slice(parallelism).map(([, p]) => p));
      keep = keep.slice(0, parallelism);
    }
    await this.deletePods(extra);
    const running = new Set(keep.map(([ix]) => ix));
    const room = Math.min(parallelism - keep.length - blocked, MAX_POD_CREATE_DELETE_PER_SYNC);
    if (room <= 0 || inBackoff) return keep.length;
    const pending: number[] = [];
    for (let ix = 0; ix < completions && pending.length < room; ix++) if (!completed.has(ix) && !running.has(ix)) pending.push(ix);
    const created = await this.createPods(pending);
    return keep.length + created;
  }

  /** Creates pods in slow-start batches (1, 2, 4, ...) as upstream; returns how many were created. */
  private async createPods(indexes: (number | undefined)[]): Promise<number> {
    if (indexes.length === 0) return 0;
    this.ctl.expectations.expectCreations(this.key, indexes.length);
    let created = 0;
    let batch = SLOW_START_INITIAL_BATCH;
    let pos = 0;
    let firstError: unknown;
    while (pos < indexes.length) {
      const slice = indexes.slice(pos, pos + batch);
      pos += slice.length;
      const results = await Promise.allSettled(slice.map((ix) => this.client.resource<Pod>('pods', this.ns).create(podFromTemplate(this.job, ix))));
      for (const r of results) {
        if (r.status === 'fulfilled') {
          created++;
          this.o.recorder.eventf(this.job, 'Normal', 'SuccessfulCreate', 'Created pod: %v', r.value.metadata!.name);
        } else {
          this.ctl.expectations.creationObserved(this.key);
          firstError ??= r.reason;
          this.o.recorder.eventf(this.job, 'Warning', 'FailedCreate', 'Error creating: %v', r.reason instanceof Error ? r.reason.message : String(r.reason));
        }
      }
      if (firstError) {
        // Skip the rest, as upstream does after a failed batch.
        for (let i = pos; i < indexes.length; i++) this.ctl.expectations.creationObserved(this.key);
        break;
      }
      batch *= 2;
    }
    if (firstError) {
      this.log.warn({ err: firstError instanceof Error ? firstError.message : String(firstError), created }, 'creating pods failed');
      if (created === 0) throw firstError;
    }
    return created;
  }

  private async deletePods(pods: Readonly<Pod>[]): Promise<void> {
    if (pods.length === 0) return;
    const results = await Promise.allSettled(
      pods.map(async (pod) => {
        await this.client.resource('pods', this.ns).delete(pod.metadata!.name!, { preconditions: { uid: pod.metadata!.uid } });
        this.o.recorder.eventf(this.job, 'Normal', 'SuccessfulDelete', 'Deleted pod: %v', pod.metadata!.name);
      }),
    );
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected' && !(r.reason instanceof NotFoundError));
    if (failed) throw failed.reason;
  }
}

/** Upstream's pastBackoffLimitOnFailure: with restartPolicy OnFailure, container restarts count as failures. */
function pastBackoffLimitOnFailure(job: Readonly<Job>, active: Readonly<Pod>[], backoffLimit: number): boolean {
  if (job.spec?.template?.spec?.restartPolicy !== 'OnFailure') return false;
  let restarts = 0;
  for (const pod of active) {
    if (pod.status?.phase !== 'Running' && pod.status?.phase !== 'Pending') continue;
    for (const cs of [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])]) restarts += cs.restartCount ?? 0;
  }
  return backoffLimit === 0 ? restarts > 0 : restarts >= backoffLimit;
}
