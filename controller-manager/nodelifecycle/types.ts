// The object types node lifecycle handles: upstream's generated types made usable where the client
// expects a KubeObject. Types only.
import type { KubeObject } from '../../client/index.js';
import type * as api from '../../api/types.js';

export type { NodeCondition, Taint, Toleration, PodCondition } from '../../api/types.js';
export type Pod = api.Pod & KubeObject;
export type Node = api.Node & KubeObject;
export type Lease = api.Lease & KubeObject;
