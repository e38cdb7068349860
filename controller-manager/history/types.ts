// The object types the DaemonSet and StatefulSet controllers handle: upstream's generated types made
// usable where the client expects a KubeObject. Types only.
import type { KubeObject } from '../../client/index.js';
import type {
  ControllerRevision as ControllerRevisionType, DaemonSet as DaemonSetType, Node as NodeType,
  PersistentVolumeClaim as PersistentVolumeClaimType, Pod as PodType, StatefulSet as StatefulSetType,
} from '../../api/types.js';

export type { Affinity, NodeSelectorRequirement, NodeSelectorTerm, PodSpec, PodTemplateSpec, Taint, Toleration } from '../../api/types.js';
export type ControllerRevision = ControllerRevisionType & KubeObject;
export type DaemonSet = DaemonSetType & KubeObject;
export type StatefulSet = StatefulSetType & KubeObject;
export type Node = NodeType & KubeObject;
export type Pod = PodType & KubeObject;
export type PersistentVolumeClaim = PersistentVolumeClaimType & KubeObject;
