// The fields each resource can be selected by (fieldSelector), as upstream's per-type
// GetAttrs/ToSelectableFields. Pure: reads an object, never changes it.
import type { ResourceInfo } from '../../api/resources.js';
import type { KubeObject } from './codec.js';

type FieldGetters = Record<string, (o: KubeObject) => unknown>;

const meta: FieldGetters = {
  'metadata.name': (o) => o.metadata?.name,
  'metadata.namespace': (o) => o.metadata?.namespace,
};

const PER_RESOURCE: Record<string, FieldGetters> = {
  pods: {
    'spec.nodeName': (o) => o.spec?.nodeName,
    'spec.restartPolicy': (o) => o.spec?.restartPolicy,
    'spec.schedulerName': (o) => o.spec?.schedulerName,
    'spec.serviceAccountName': (o) => o.spec?.serviceAccountName,
    'spec.hostNetwork': (o) => String(Boolean(o.spec?.hostNetwork)),
    'status.phase': (o) => o.status?.phase,
    'status.podIP': (o) => o.status?.podIP,
    'status.nominatedNodeName': (o) => o.status?.nominatedNodeName,
  },
  events: {
    'involvedObject.kind': (o) => o.involvedObject?.kind,
    'involvedObject.namespace': (o) => o.involvedObject?.namespace,
    'involvedObject.name': (o) => o.involvedObject?.name,
    'involvedObject.uid': (o) => o.involvedObject?.uid,
    'involvedObject.apiVersion': (o) => o.involvedObject?.apiVersion,
    'involvedObject.resourceVersion': (o) => o.involvedObject?.resourceVersion,
    'involvedObject.fieldPath': (o) => o.involvedObject?.fieldPath,
    reason: (o) => o.reason,
    reportingComponent: (o) => o.reportingComponent,
    source: (o) => o.source?.component ?? o.reportingComponent,
    type: (o) => o.type,
  },
  secrets: { type: (o) => o.type },
  nodes: { 'spec.unschedulable': (o) => String(Boolean(o.spec?.unschedulable)) },
  namespaces: { 'status.phase': (o) => o.status?.phase },
  replicasets: { 'status.replicas': (o) => String(o.status?.replicas ?? 0) },
  jobs: { 'status.successful': (o) => String(o.status?.succeeded ?? 0) },
  services: { 'spec.clusterIP': (o) => o.spec?.clusterIP, 'spec.type': (o) => o.spec?.type },
  persistentvolumeclaims: { 'spec.storageClassName': (o) => o.spec?.storageClassName },
};

export function selectableFields(res: ResourceInfo): string[] {
  const own = res.group === '' || res.group === 'apps' || res.group === 'batch' ? PER_RESOURCE[res.plural] ?? {} : {};
  return [...Object.keys(meta), ...Object.keys(own)];
}

/** A getter for fieldSelector matching; undefined for fields the resource cannot be selected by. */
export function fieldGetter(res: ResourceInfo, obj: KubeObject): (field: string) => string | undefined {
  const own = res.group === '' || res.group === 'apps' || res.group === 'batch' ? PER_RESOURCE[res.plural] ?? {} : {};
  return (f) => {
    const get = meta[f] ?? own[f];
    const v = get?.(obj);
    if (!get) return undefined;
    return v === undefined || v === null ? '' : String(v);
  };
}
