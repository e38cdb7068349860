// The object types the PV binder handles: upstream's generated types made usable where the client
// expects a KubeObject. Types only.
import type { KubeObject } from '../../client/index.js';
import type * as api from '../../api/types.js';

export type { NodeSelectorRequirement, ObjectReference } from '../../api/types.js';
export type PersistentVolume = api.PersistentVolume & KubeObject;
export type PersistentVolumeClaim = api.PersistentVolumeClaim & KubeObject;
export type StorageClass = api.StorageClass & KubeObject;
export type Node = api.Node & KubeObject;
