// Builds the pods of a Job from its template as upstream's job controller does: generateName,
// the controller ownerReference, the job-tracking finalizer, and for Indexed Jobs the completion
// index (annotation, label, JOB_COMPLETION_INDEX env via the downward API, hostname <job>-<index>).
// Pure: never writes anything.
import type { Container, Job, Pod } from './types.js';
import { COMPLETION_INDEX_ANNOTATION, COMPLETION_INDEX_ENV, COMPLETION_INDEX_LABEL } from './indexes.js';

export const JOB_TRACKING_FINALIZER = 'batch.kubernetes.io/job-tracking';

/** The controller ownerReference every object a workload controller creates carries. */
export function controllerRefTo(job: Readonly<Job>): NonNullable<NonNullable<Pod['metadata']>['ownerReferences']>[number] {
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    name: job.metadata!.name!,
    uid: job.metadata!.uid!,
    controller: true,
    blockOwnerDeletion: true,
  };
}

function addIndexEnv(containers: Container[] | undefined): void {
  for (const c of containers ?? []) {
    if ((c.env ?? []).some((e) => e.name === COMPLETION_INDEX_ENV)) continue;
    c.env = [...(c.env ?? []), { name: COMPLETION_INDEX_ENV, valueFrom: { fieldRef: { fieldPath: `metadata.labels['${COMPLETION_INDEX_LABEL}']` } } }];
  }
}

/** The pod to create for `job` (and completion `index` when the Job is Indexed). */
export function podFromTemplate(job: Readonly<Job>, index?: number): Pod {
  const template = job.spec!.template;
  const name = job.metadata!.name!;
  const meta = structuredClone(template.metadata ?? {});
  const pod: Pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      labels: { ...(meta.labels ?? {}) },
      annotations: { ...(meta.annotations ?? {}) },
      namespace: job.metadata!.namespace,
      generateName: index === undefined ? `${name}-` : `${name}-${index}-`,
      ownerReferences: [controllerRefTo(job)],
      finalizers: [...(meta.finalizers ?? []).filter((f) => f !== JOB_TRACKING_FINALIZER), JOB_TRACKING_FINALIZER],
    },
    spec: structuredClone(template.spec!),
  };
  if (Object.keys(pod.metadata!.annotations!).length === 0) delete pod.metadata!.annotations;
  if (index !== undefined) {
    pod.metadata!.annotations = { ...(pod.metadata!.annotations ?? {}), [COMPLETION_INDEX_ANNOTATION]: String(index) };
    pod.metadata!.labels![COMPLETION_INDEX_LABEL] = String(index);
    addIndexEnv(pod.spec!.initContainers);
    addIndexEnv(pod.spec!.containers);
    // Stable network identity within the Job's headless service, as upstream.
    if (!pod.spec!.hostname) pod.spec!.hostname = `${name}-${index}`;
  }
  return pod;
}
