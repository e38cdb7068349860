// The object types the job controller handles: upstream's generated types made usable where the
// client expects a KubeObject. Types only.
import type { KubeObject } from '../../client/index.js';
import type { Job as JobType, Pod as PodType } from '../../api/types.js';

export type { JobCondition } from 'kubernetes-types/batch/v1.js';
export type { Container, JobStatus } from '../../api/types.js';
export type Job = JobType & KubeObject;
export type Pod = PodType & KubeObject;
