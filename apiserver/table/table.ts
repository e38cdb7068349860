// toTable: turns objects of one resource into the meta.k8s.io/v1 Table `kubectl get` asks for,
// choosing the printer by group and kind. Pure (no Fastify, no storage, no clock unless `now` is
// omitted); it never mutates the objects it is given.
import type { ResourceInfo } from '../../api/resources.js';
import { apiVersionOf } from '../../api/resources.js';
import {
  clusterRoleBindingPrinter,
  defaultPrinter,
  endpointSlicePrinter,
  genericPrinter,
  ingressClassPrinter,
  ingressPrinter,
  leasePrinter,
  priorityClassPrinter,
  roleBindingPrinter,
  storageClassPrinter,
} from './cluster.js';
import {
  configMapPrinter,
  endpointsPrinter,
  eventPrinter,
  namespacePrinter,
  nodePrinter,
  persistentVolumeClaimPrinter,
  persistentVolumePrinter,
  resourceQuotaPrinter,
  secretPrinter,
  serviceAccountPrinter,
  servicePrinter,
} from './core.js';
import { podPrinter } from './pod.js';
import { horizontalPodAutoscalerPrinter } from './autoscaling.js';
import type { Printer, Table, TableRow } from './types.js';
import {
  controllerRevisionPrinter,
  cronJobPrinter,
  daemonSetPrinter,
  deploymentPrinter,
  jobPrinter,
  replicaSetPrinter,
  statefulSetPrinter,
} from './workloads.js';

export type { Table, TableColumnDefinition, TableRow, TableRowCondition, Cell } from './types.js';

/** Printers keyed by `group/Kind` (`/Pod` for core). Kinds not listed get upstream's default. */
const PRINTERS: ReadonlyMap<string, Printer> = new Map<string, Printer>([
  ['/Pod', podPrinter],
  ['/Service', servicePrinter],
  ['/Endpoints', endpointsPrinter],
  ['/ConfigMap', configMapPrinter],
  ['/Secret', secretPrinter],
  ['/Namespace', namespacePrinter],
  ['/Node', nodePrinter],
  ['/Event', eventPrinter],
  ['/ServiceAccount', serviceAccountPrinter],
  ['/PersistentVolume', persistentVolumePrinter],
  ['/PersistentVolumeClaim', persistentVolumeClaimPrinter],
  ['/ResourceQuota', resourceQuotaPrinter],
  ['/LimitRange', defaultPrinter],
  ['apps/Deployment', deploymentPrinter],
  ['apps/ReplicaSet', replicaSetPrinter],
  ['apps/DaemonSet', daemonSetPrinter],
  ['apps/StatefulSet', statefulSetPrinter],
  ['apps/ControllerRevision', controllerRevisionPrinter],
  ['autoscaling/HorizontalPodAutoscaler', horizontalPodAutoscalerPrinter],
  ['batch/Job', jobPrinter],
  ['batch/CronJob', cronJobPrinter],
  ['coordination.k8s.io/Lease', leasePrinter],
  ['discovery.k8s.io/EndpointSlice', endpointSlicePrinter],
  ['networking.k8s.io/Ingress', ingressPrinter],
  ['networking.k8s.io/IngressClass', ingressClassPrinter],
  ['rbac.authorization.k8s.io/Role', defaultPrinter],
  ['rbac.authorization.k8s.io/ClusterRole', defaultPrinter],
  ['rbac.authorization.k8s.io/RoleBinding', roleBindingPrinter],
  ['rbac.authorization.k8s.io/ClusterRoleBinding', clusterRoleBindingPrinter],
  ['storage.k8s.io/StorageClass', storageClassPrinter],
  ['scheduling.k8s.io/PriorityClass', priorityClassPrinter],
]);

/** The printer for a resource: upstream's when one exists, else Name + Age. */
export function printerFor(resource: Pick<ResourceInfo, 'group' | 'kind'>): Printer {
  return PRINTERS.get(`${resource.group}/${resource.kind}`) ?? genericPrinter;
}

export type IncludeObject = 'None' | 'Metadata' | 'Object';

export interface ToTableOptions {
  /** `includeObject` of metav1.TableOptions; kubectl asks for Metadata (the default). */
  includeObject: IncludeObject;
  /** The time ages are measured against; defaults to the current time. */
  now?: Date;
  /** List metadata to carry over; for a single object pass its resourceVersion here. */
  listMeta?: { resourceVersion?: string; continue?: string; remainingItemCount?: number };
  /** Leave out columnDefinitions, as upstream does for TableOptions.noHeaders (watch events). */
  noHeaders?: boolean;
}

interface AnyObject {
  apiVersion?: string;
  kind?: string;
  metadata?: Record<string, unknown>;
}

function rowObject(resource: ResourceInfo, obj: AnyObject, include: IncludeObject): unknown {
  switch (include) {
    case 'None':
      return undefined;
    case 'Object':
      return { ...obj, apiVersion: obj.apiVersion ?? apiVersionOf(resource), kind: obj.kind ?? resource.kind };
    default:
      return { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: obj.metadata ?? {} };
  }
}

/** Builds the meta.k8s.io/v1 Table of `objects`, all of them of `resource`. */
export function toTable(resource: ResourceInfo, objects: readonly object[], options: ToTableOptions): Table {
  const printer = printerFor(resource);
  const ctx = { now: options.now ?? new Date() };
  const rows: TableRow[] = objects.map((o) => {
    const obj = o as AnyObject;
    const row: TableRow = { cells: printer.cells(obj, ctx) };
    const conditions = printer.conditions?.(obj);
    if (conditions) row.conditions = conditions;
    const object = rowObject(resource, obj, options.includeObject);
    if (object !== undefined) row.object = object;
    return row;
  });
  const metadata: Table['metadata'] = {};
  const lm = options.listMeta ?? {};
  if (lm.resourceVersion !== undefined) metadata.resourceVersion = lm.resourceVersion;
  if (lm.continue) metadata.continue = lm.continue;
  if (lm.remainingItemCount !== undefined) metadata.remainingItemCount = lm.remainingItemCount;
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata,
    columnDefinitions: options.noHeaders ? [] : printer.columns.map((c) => ({ ...c })),
    rows,
  };
}
