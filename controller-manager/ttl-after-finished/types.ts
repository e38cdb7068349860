// The object type the TTL-after-finished controller handles, usable where the client expects a KubeObject. Types only.
import type { KubeObject } from '../../client/index.js';
import type { Job as JobType } from '../../api/types.js';

export type Job = JobType & KubeObject;
