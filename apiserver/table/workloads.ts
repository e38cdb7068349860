// Printers of the workload kinds (apps/v1 and batch/v1): Deployment, ReplicaSet, DaemonSet,
// StatefulSet, ControllerRevision, Job, CronJob, cell for cell as upstream printers.go. Pure.
import type { ControllerRevision, DaemonSet, Deployment, ReplicaSet, StatefulSet } from 'kubernetes-types/apps/v1.js';
import type { CronJob, Job, JobCondition } from 'kubernetes-types/batch/v1.js';
import { humanDuration, parseTime, translateTimestampSince } from '../../api/duration.js';
import { formatLabels, formatLabelSelector, formatResourceName, layoutContainerCells, NONE, printBoolPtr, selectorString } from './format.js';
import { parseApiVersion } from '../../api/resources.js';
import {
  ageCol,
  col,
  CONTAINERS_DESCRIPTION,
  IMAGES_DESCRIPTION,
  nameCol,
  wide,
  type Cell,
  type PrintContext,
  type Printer,
} from './types.js';

const age = (obj: { metadata?: { creationTimestamp?: string } }, now: Date): string =>
  translateTimestampSince(obj.metadata?.creationTimestamp, now);

export const deploymentPrinter: Printer<Deployment> = {
  columns: [
    nameCol(),
    col('Ready', 'string', 'Number of the pod with ready state'),
    col('Up-to-date', 'string', 'Total number of non-terminated pods targeted by this deployment that have the desired template spec.'),
    col('Available', 'string', 'Total number of available pods (ready for at least minReadySeconds) targeted by this deployment.'),
    ageCol(),
    wide('Containers', CONTAINERS_DESCRIPTION),
    wide('Images', IMAGES_DESCRIPTION),
    wide('Selector', 'Label selector for pods. Existing ReplicaSets whose pods are selected by this will be the ones affected by this deployment.'),
  ],
  cells(d: Deployment, { now }: PrintContext): Cell[] {
    const st = d.status ?? {};
    const [names, images] = layoutContainerCells(d.spec?.template?.spec?.containers);
    return [
      d.metadata?.name ?? '',
      `${st.readyReplicas ?? 0}/${d.spec?.replicas ?? 0}`,
      st.updatedReplicas ?? 0,
      st.availableReplicas ?? 0,
      age(d, now),
      names,
      images,
      selectorString(d.spec?.selector),
    ];
  },
};

export const replicaSetPrinter: Printer<ReplicaSet> = {
  columns: [
    nameCol(),
    col('Desired', 'integer', 'Replicas is the number of desired replicas.'),
    col('Current', 'integer', 'Replicas is the most recently observed number of replicas.'),
    col('Ready', 'integer', 'The number of ready replicas for this replica set.'),
    ageCol(),
    wide('Containers', CONTAINERS_DESCRIPTION),
    wide('Images', IMAGES_DESCRIPTION),
    wide('Selector', 'Selector is a label query over pods that should match the replica count.'),
  ],
  cells(rs: ReplicaSet, { now }: PrintContext): Cell[] {
    const [names, images] = layoutContainerCells(rs.spec?.template?.spec?.containers);
    return [
      rs.metadata?.name ?? '',
      rs.spec?.replicas ?? 0,
      rs.status?.replicas ?? 0,
      rs.status?.readyReplicas ?? 0,
      age(rs, now),
      names,
      images,
      formatLabelSelector(rs.spec?.selector),
    ];
  },
};

export const daemonSetPrinter: Printer<DaemonSet> = {
  columns: [
    nameCol(),
    col('Desired', 'integer', 'The total number of nodes that should be running the daemon pod (including nodes correctly running the daemon pod).'),
    col('Current', 'integer', 'The number of nodes that are running at least 1 daemon pod and are supposed to run the daemon pod.'),
    col('Ready', 'integer', 'The number of nodes that should be running the daemon pod and have one or more of the daemon pod running and ready.'),
    col('Up-to-date', 'integer', 'The total number of nodes that are running updated daemon pod'),
    col('Available', 'integer', 'The number of nodes that should be running the daemon pod and have one or more of the daemon pod running and available (ready for at least spec.minReadySeconds)'),
    col('Node Selector', 'string', "NodeSelector is a selector which must be true for the pod to fit on a node. Selector which must match a node's labels for the pod to be scheduled on that node."),
    ageCol(),
    wide('Containers', CONTAINERS_DESCRIPTION),
    wide('Images', IMAGES_DESCRIPTION),
    wide('Selector', 'A label query over pods that are managed by the daemon set.'),
  ],
  cells(ds: DaemonSet, { now }: PrintContext): Cell[] {
    const st = ds.status;
    const [names, images] = layoutContainerCells(ds.spec?.template?.spec?.containers);
    return [
      ds.metadata?.name ?? '',
      st?.desiredNumberScheduled ?? 0,
      st?.currentNumberScheduled ?? 0,
      st?.numberReady ?? 0,
      st?.updatedNumberScheduled ?? 0,
      st?.numberAvailable ?? 0,
      formatLabels(ds.spec?.template?.spec?.nodeSelector),
      age(ds, now),
      names,
      images,
      formatLabelSelector(ds.spec?.selector),
    ];
  },
};

export const statefulSetPrinter: Printer<StatefulSet> = {
  columns: [
    nameCol(),
    col('Ready', 'string', 'Number of the pod with ready state'),
    ageCol(),
    wide('Containers', CONTAINERS_DESCRIPTION),
    wide('Images', IMAGES_DESCRIPTION),
  ],
  cells(sts: StatefulSet, { now }: PrintContext): Cell[] {
    const [names, images] = layoutContainerCells(sts.spec?.template?.spec?.containers);
    return [sts.metadata?.name ?? '', `${sts.status?.readyReplicas ?? 0}/${sts.spec?.replicas ?? 0}`, age(sts, now), names, images];
  },
};

export const controllerRevisionPrinter: Printer<ControllerRevision> = {
  columns: [
    nameCol(),
    col('Controller', 'string', 'Controller of the object'),
    col('Revision', 'string', 'Revision indicates the revision of the state represented by Data.'),
    ageCol(),
  ],
  cells(cr: ControllerRevision, { now }: PrintContext): Cell[] {
    const ref = (cr.metadata?.ownerReferences ?? []).find((r) => r.controller === true);
    let controller = NONE;
    if (ref) controller = formatResourceName(parseApiVersion(ref.apiVersion).group, ref.kind, ref.name);
    return [cr.metadata?.name ?? '', controller, cr.revision ?? 0, age(cr, now)];
  },
};

/** upstream hasJobCondition: the status of the first condition of that type is True. */
function hasJobCondition(conditions: readonly JobCondition[] | undefined, type: string): boolean {
  const c = (conditions ?? []).find((x) => x.type === type);
  return c?.status === 'True';
}

export function jobStatus(job: Job): string {
  const conds = job.status?.conditions;
  if (hasJobCondition(conds, 'Complete')) return 'Complete';
  if (hasJobCondition(conds, 'Failed')) return 'Failed';
  if (job.metadata?.deletionTimestamp) return 'Terminating';
  if (hasJobCondition(conds, 'Suspended')) return 'Suspended';
  if (hasJobCondition(conds, 'FailureTarget')) return 'FailureTarget';
  return 'Running';
}

export const jobPrinter: Printer<Job> = {
  columns: [
    nameCol(),
    col('Status', 'string', 'Status of the job.'),
    col('Completions', 'string', 'The number of pods which reached phase Succeeded.'),
    col('Duration', 'string', 'Time required to complete the job.'),
    ageCol(),
    wide('Containers', CONTAINERS_DESCRIPTION),
    wide('Images', IMAGES_DESCRIPTION),
    wide('Selector', 'A label query over pods that should match the pod count.'),
  ],
  cells(job: Job, { now }: PrintContext): Cell[] {
    const succeeded = job.status?.succeeded ?? 0;
    let completions: string;
    if (job.spec?.completions !== undefined && job.spec?.completions !== null) {
      completions = `${succeeded}/${job.spec.completions}`;
    } else {
      const parallelism = job.spec?.parallelism ?? 0;
      completions = parallelism > 1 ? `${succeeded}/1 of ${parallelism}` : `${succeeded}/1`;
    }
    const start = parseTime(job.status?.startTime);
    const completion = parseTime(job.status?.completionTime);
    let duration = '';
    if (start !== undefined) duration = humanDuration((completion ?? now.getTime()) - start);
    const [names, images] = layoutContainerCells(job.spec?.template?.spec?.containers);
    return [job.metadata?.name ?? '', jobStatus(job), completions, duration, age(job, now), names, images, formatLabelSelector(job.spec?.selector)];
  },
};

export const cronJobPrinter: Printer<CronJob> = {
  columns: [
    nameCol(),
    col('Schedule', 'string', 'The schedule in Cron format, see https://en.wikipedia.org/wiki/Cron.'),
    col('Timezone', 'string', 'The time zone name for the given schedule, see https://en.wikipedia.org/wiki/List_of_tz_database_time_zones.'),
    col('Suspend', 'boolean', 'This flag tells the controller to suspend subsequent executions, it does not apply to already started executions.'),
    col('Active', 'integer', 'A list of pointers to currently running jobs.'),
    col('Last Schedule', 'string', 'Information when was the last time the job was successfully scheduled.'),
    ageCol(),
    wide('Containers', CONTAINERS_DESCRIPTION),
    wide('Images', IMAGES_DESCRIPTION),
    wide('Selector', 'A label query over pods that should match the pod count.'),
  ],
  cells(cj: CronJob, { now }: PrintContext): Cell[] {
    const last = cj.status?.lastScheduleTime ? translateTimestampSince(cj.status.lastScheduleTime, now) : NONE;
    const jobSpec = cj.spec?.jobTemplate?.spec;
    const [names, images] = layoutContainerCells(jobSpec?.template?.spec?.containers);
    return [
      cj.metadata?.name ?? '',
      cj.spec?.schedule ?? '',
      cj.spec?.timeZone ?? NONE,
      printBoolPtr(cj.spec?.suspend),
      (cj.status?.active ?? []).length,
      last,
      age(cj, now),
      names,
      images,
      formatLabelSelector(jobSpec?.selector),
    ];
  },
};
