// The object types the cronjob controller handles, usable where the client expects a KubeObject. Types only.
import type { KubeObject } from '../../client/index.js';
import type { CronJob as CronJobType, Job as JobType } from '../../api/types.js';

export type CronJob = CronJobType & KubeObject;
export type Job = JobType & KubeObject;
