// The object types of the StatefulSet controller. Types only.
import type { StatefulSetStatus } from 'kubernetes-types/apps/v1.js';

export type { ControllerRevision, PersistentVolumeClaim, Pod, StatefulSet } from '../history/types.js';
/** A StatefulSet status as the controller builds it (writable). */
export type StatefulSetStatusT = { -readonly [K in keyof StatefulSetStatus]: StatefulSetStatus[K] };
