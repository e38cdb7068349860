// Printers of the core/v1 kinds other than Pod: Service, Endpoints, ConfigMap, Secret, Namespace,
// Node, Event, ServiceAccount, PersistentVolume(Claim), ResourceQuota, as upstream printers.go. Pure.
import type {
  ConfigMap,
  Endpoints,
  Event,
  LoadBalancerStatus,
  Namespace,
  Node,
  PersistentVolume,
  PersistentVolumeClaim,
  ResourceQuota,
  Secret,
  Service,
  ServiceAccount,
} from 'kubernetes-types/core/v1.js';
import { translateTimestampSince } from '../../api/duration.js';
import { formatLabels, joinHostPort, NONE } from './format.js';
import { ageCol, col, nameCol, type Cell, type PrintContext, type Printer } from './types.js';

const age = (obj: { metadata?: { creationTimestamp?: string } }, now: Date): string =>
  translateTimestampSince(obj.metadata?.creationTimestamp, now);

const LOAD_BALANCER_WIDTH = 16;

/** upstream loadBalancerStatusStringer (sorted unique IPs or hostnames); the server prints wide. */
export function loadBalancerStatusStringer(s: LoadBalancerStatus | undefined, wideOutput = true): string {
  const set = new Set<string>();
  for (const ing of s?.ingress ?? []) {
    if (ing.ip) set.add(ing.ip);
    else if (ing.hostname) set.add(ing.hostname);
  }
  let r = [...set].sort().join(',');
  if (!wideOutput && r.length > LOAD_BALANCER_WIDTH) r = r.slice(0, LOAD_BALANCER_WIDTH - 3) + '...';
  return r;
}

function serviceExternalIP(svc: Service): string {
  const externalIPs = svc.spec?.externalIPs ?? [];
  switch (svc.spec?.type ?? '') {
    case 'ClusterIP':
    case 'NodePort':
      return externalIPs.length > 0 ? externalIPs.join(',') : NONE;
    case 'LoadBalancer': {
      const lbIps = loadBalancerStatusStringer(svc.status?.loadBalancer);
      if (externalIPs.length > 0) return [...(lbIps ? lbIps.split(',') : []), ...externalIPs].join(',');
      return lbIps || '<pending>';
    }
    case 'ExternalName':
      return svc.spec?.externalName ?? '';
  }
  return '<unknown>';
}

/** upstream makePortString: `80/TCP`, `80:30080/TCP`, comma-joined. */
export function makePortString(svc: Service): string {
  return (svc.spec?.ports ?? [])
    .map((p) => (p.nodePort && p.nodePort > 0 ? `${p.port}:${p.nodePort}/${p.protocol ?? 'TCP'}` : `${p.port}/${p.protocol ?? 'TCP'}`))
    .join(',');
}

export const servicePrinter: Printer<Service> = {
  columns: [
    nameCol(),
    col('Type', 'string', 'type determines how the Service is exposed.'),
    col('Cluster-IP', 'string', 'clusterIP is the IP address of the service and is usually assigned randomly.'),
    col('External-IP', 'string', 'externalIPs is a list of IP addresses for which nodes in the cluster will also accept traffic for this service.'),
    col('Port(s)', 'string', 'The list of ports that are exposed by this service.'),
    ageCol(),
    col('Selector', 'string', 'Route service traffic to pods with label keys and values matching this selector.', { priority: 1 }),
  ],
  cells(svc: Service, { now }: PrintContext): Cell[] {
    return [
      svc.metadata?.name ?? '',
      svc.spec?.type ?? '',
      // clusterIPs is what upstream reads; clusterIP covers objects written before dual-stack defaulting
      svc.spec?.clusterIPs?.[0] ?? svc.spec?.clusterIP ?? NONE,
      serviceExternalIP(svc),
      makePortString(svc) || NONE,
      age(svc, now),
      formatLabels(svc.spec?.selector),
    ];
  },
};

/** upstream formatEndpoints with all ports: `10.0.0.1:80,... + N more...`. */
export function formatEndpoints(ep: Endpoints): string {
  const subsets = ep.subsets ?? [];
  if (subsets.length === 0) return NONE;
  const list: string[] = [];
  const max = 3;
  let more = false;
  let count = 0;
  for (const ss of subsets) {
    const addresses = ss.addresses ?? [];
    if ((ss.ports ?? []).length === 0) {
      // headless services may have no ports
      count += addresses.length;
      for (const a of addresses) {
        if (list.length === max) {
          more = true;
          break;
        }
        list.push(a.ip);
      }
      continue;
    }
    for (const port of ss.ports ?? []) {
      count += addresses.length;
      for (const a of addresses) {
        if (list.length === max) {
          more = true;
          break;
        }
        list.push(joinHostPort(a.ip, port.port));
      }
    }
  }
  const ret = list.join(',');
  return more ? `${ret} + ${count - max} more...` : ret;
}

export const endpointsPrinter: Printer<Endpoints> = {
  columns: [nameCol(), col('Endpoints', 'string', 'The set of all endpoints is the union of all subsets.'), ageCol()],
  cells: (ep: Endpoints, { now }: PrintContext): Cell[] => [ep.metadata?.name ?? '', formatEndpoints(ep), age(ep, now)],
};

export const configMapPrinter: Printer<ConfigMap> = {
  columns: [nameCol(), col('Data', 'string', 'Data contains the configuration data.'), ageCol()],
  cells: (cm: ConfigMap, { now }: PrintContext): Cell[] => [
    cm.metadata?.name ?? '',
    Object.keys(cm.data ?? {}).length + Object.keys(cm.binaryData ?? {}).length,
    age(cm, now),
  ],
};

export const secretPrinter: Printer<Secret> = {
  columns: [nameCol(), col('Type', 'string', 'Used to facilitate programmatic handling of secret data.'), col('Data', 'string', 'Data contains the secret data.'), ageCol()],
  cells: (s: Secret, { now }: PrintContext): Cell[] => [s.metadata?.name ?? '', s.type ?? '', Object.keys(s.data ?? {}).length, age(s, now)],
};

export const namespacePrinter: Printer<Namespace> = {
  columns: [nameCol(), col('Status', 'string', 'The status of the namespace'), ageCol()],
  cells: (ns: Namespace, { now }: PrintContext): Cell[] => [ns.metadata?.name ?? '', ns.status?.phase ?? '', age(ns, now)],
};

export const serviceAccountPrinter: Printer<ServiceAccount> = {
  columns: [nameCol(), col('Secrets', 'string', 'Secrets is a list of the secrets in the same namespace that pods running using this ServiceAccount are allowed to use.'), ageCol()],
  cells: (sa: ServiceAccount, { now }: PrintContext): Cell[] => [sa.metadata?.name ?? '', (sa.secrets ?? []).length, age(sa, now)],
};

const LABEL_NODE_ROLE_PREFIX = 'node-role.kubernetes.io/';
const NODE_LABEL_ROLE = 'kubernetes.io/role';

/** upstream findNodeRoles: sorted roles from node-role.kubernetes.io/<role> and kubernetes.io/role. */
export function findNodeRoles(node: Node): string[] {
  const roles = new Set<string>();
  for (const [k, v] of Object.entries(node.metadata?.labels ?? {})) {
    if (k.startsWith(LABEL_NODE_ROLE_PREFIX)) {
      const role = k.slice(LABEL_NODE_ROLE_PREFIX.length);
      if (role.length > 0) roles.add(role);
    } else if (k === NODE_LABEL_ROLE && v !== '') {
      roles.add(v);
    }
  }
  return [...roles].sort();
}

/** `Ready`, `NotReady`, `Unknown`, with `,SchedulingDisabled` for a cordoned node. */
export function nodeStatus(node: Node): string {
  const status: string[] = [];
  // upstream keeps the last condition of a type (a map keyed by type)
  const ready = [...(node.status?.conditions ?? [])].reverse().find((c) => c.type === 'Ready');
  if (ready) status.push(ready.status === 'True' ? 'Ready' : 'NotReady');
  if (status.length === 0) status.push('Unknown');
  if (node.spec?.unschedulable) status.push('SchedulingDisabled');
  return status.join(',');
}

function nodeAddress(node: Node, type: string): string {
  return (node.status?.addresses ?? []).find((a) => a.type === type)?.address ?? NONE;
}

export const nodePrinter: Printer<Node> = {
  columns: [
    nameCol(),
    col('Status', 'string', 'The status of the node'),
    col('Roles', 'string', 'The roles of the node'),
    ageCol(),
    col('Version', 'string', 'Kubelet Version reported by the node.'),
    col('Internal-IP', 'string', 'List of addresses reachable to the node.', { priority: 1 }),
    col('External-IP', 'string', 'List of addresses reachable to the node.', { priority: 1 }),
    col('OS-Image', 'string', 'OS Image reported by the node from /etc/os-release (e.g. Debian GNU/Linux 7 (wheezy)).', { priority: 1 }),
    col('Kernel-Version', 'string', "Kernel Version reported by the node from 'uname -r' (e.g. 3.16.0-0.bpo.4-amd64).", { priority: 1 }),
    col('Container-Runtime', 'string', 'ContainerRuntime Version reported by the node through runtime remote API (e.g. containerd://1.4.2).', { priority: 1 }),
  ],
  cells(node: Node, { now }: PrintContext): Cell[] {
    const info = node.status?.nodeInfo;
    const roles = findNodeRoles(node).join(',');
    return [
      node.metadata?.name ?? '',
      nodeStatus(node),
      roles || NONE,
      age(node, now),
      info?.kubeletVersion ?? '',
      nodeAddress(node, 'InternalIP'),
      nodeAddress(node, 'ExternalIP'),
      info?.osImage || '<unknown>',
      info?.kernelVersion || '<unknown>',
      info?.containerRuntimeVersion || '<unknown>',
    ];
  },
};

function formatEventSource(e: Event): string {
  const component = e.source?.component || e.reportingComponent || '';
  const instance = e.source?.host || e.reportingInstance || '';
  return instance ? `${component}, ${instance}` : component;
}

export const eventPrinter: Printer<Event> = {
  columns: [
    col('Last Seen', 'string', 'The time at which the most recent occurrence of this event was recorded.'),
    col('Type', 'string', 'Type of this event (Normal, Warning), new types could be added in the future'),
    col('Reason', 'string', "This should be a short, machine understandable string that gives the reason for the transition into the object's current status."),
    col('Object', 'string', 'The object that this event is about.'),
    col('Subobject', 'string', 'If referring to a piece of an object instead of an entire object, this string should contain a valid JSON/Go field access statement.', { priority: 1 }),
    col('Source', 'string', 'The component reporting this event. Should be a short machine understandable string.', { priority: 1 }),
    col('Message', 'string', 'A human-readable description of the status of this operation.'),
    col('First Seen', 'string', 'The time at which the event was first recorded. (Time of server receipt is in TypeMeta.)', { priority: 1 }),
    col('Count', 'string', 'The number of times this event has occurred.', { priority: 1 }),
    col('Name', 'string', 'Name must be unique within a namespace.', { priority: 1, format: 'name' }),
  ],
  cells(e: Event, { now }: PrintContext): Cell[] {
    let firstTimestamp = translateTimestampSince(e.firstTimestamp, now);
    if (!e.firstTimestamp) firstTimestamp = translateTimestampSince(e.eventTime, now);
    let lastTimestamp = translateTimestampSince(e.lastTimestamp, now);
    if (!e.lastTimestamp) lastTimestamp = firstTimestamp;
    let count = e.count ?? 0;
    if (e.series) {
      lastTimestamp = translateTimestampSince(e.series.lastObservedTime, now);
      count = e.series.count ?? 0;
    } else if (count === 0) {
      // singleton events of the events.k8s.io API carry no count
      count = 1;
    }
    const involved = e.involvedObject ?? {};
    const kind = (involved.kind ?? '').toLowerCase();
    const target = involved.name ? `${kind}/${involved.name}` : kind;
    return [
      lastTimestamp,
      e.type ?? '',
      e.reason ?? '',
      target,
      involved.fieldPath ?? '',
      formatEventSource(e),
      (e.message ?? '').trim(),
      firstTimestamp,
      count,
      e.metadata?.name ?? '',
    ];
  },
};

/** upstream helper.GetAccessModesAsString: RWO, ROX, RWX, RWOP in that order. */
export function accessModesAsString(modes: readonly string[] | undefined): string {
  const set = new Set(modes ?? []);
  const out: string[] = [];
  if (set.has('ReadWriteOnce')) out.push('RWO');
  if (set.has('ReadOnlyMany')) out.push('ROX');
  if (set.has('ReadWriteMany')) out.push('RWX');
  if (set.has('ReadWriteOncePod')) out.push('RWOP');
  return out.join(',');
}

const BETA_STORAGE_CLASS_ANNOTATION = 'volume.beta.kubernetes.io/storage-class';

export const persistentVolumePrinter: Printer<PersistentVolume> = {
  columns: [
    nameCol(),
    col('Capacity', 'string', "capacity is the description of the persistent volume's resources and capacity."),
    col('Access Modes', 'string', 'accessModes contains all ways the volume can be mounted.'),
    col('Reclaim Policy', 'string', 'persistentVolumeReclaimPolicy defines what happens to a persistent volume when released from its claim.'),
    col('Status', 'string', 'phase indicates if a volume is available, bound to a claim, or released by a claim.'),
    col('Claim', 'string', 'claimRef is part of a bi-directional binding between PersistentVolume and PersistentVolumeClaim.'),
    col('StorageClass', 'string', 'StorageClass of the pv'),
    col('VolumeAttributesClass', 'string', 'VolumeAttributesClass of the pv'),
    col('Reason', 'string', 'reason is a brief CamelCase string that describes any failure and is meant for machine parsing and tidy display in the CLI.'),
    ageCol(),
    col('VolumeMode', 'string', 'volumeMode defines if a volume is intended to be used with a formatted filesystem or to remain in raw block state.', { priority: 1 }),
  ],
  cells(pv: PersistentVolume, { now }: PrintContext): Cell[] {
    const spec = pv.spec ?? {};
    const claim = spec.claimRef ? `${spec.claimRef.namespace ?? ''}/${spec.claimRef.name ?? ''}` : '';
    const phase = pv.metadata?.deletionTimestamp ? 'Terminating' : (pv.status?.phase ?? '');
    const storageClass = pv.metadata?.annotations?.[BETA_STORAGE_CLASS_ANNOTATION] ?? spec.storageClassName ?? '';
    return [
      pv.metadata?.name ?? '',
      spec.capacity?.['storage'] ?? '0',
      accessModesAsString(spec.accessModes),
      spec.persistentVolumeReclaimPolicy ?? '',
      phase,
      claim,
      storageClass,
      spec.volumeAttributesClassName ?? '<unset>',
      pv.status?.reason ?? '',
      age(pv, now),
      spec.volumeMode ?? '<unset>',
    ];
  },
};

export const persistentVolumeClaimPrinter: Printer<PersistentVolumeClaim> = {
  columns: [
    nameCol(),
    col('Status', 'string', 'phase represents the current phase of PersistentVolumeClaim.'),
    col('Volume', 'string', 'volumeName is the binding reference to the PersistentVolume backing this claim.'),
    col('Capacity', 'string', 'capacity represents the actual resources of the underlying volume.'),
    col('Access Modes', 'string', 'accessModes contains the actual access modes the volume backing the PVC has.'),
    col('StorageClass', 'string', 'StorageClass of the pvc'),
    col('VolumeAttributesClass', 'string', 'VolumeAttributesClass of the pvc'),
    ageCol(),
    col('VolumeMode', 'string', 'volumeMode defines what type of volume is required by the claim.', { priority: 1 }),
  ],
  cells(pvc: PersistentVolumeClaim, { now }: PrintContext): Cell[] {
    const spec = pvc.spec ?? {};
    const phase = pvc.metadata?.deletionTimestamp ? 'Terminating' : (pvc.status?.phase ?? '');
    let capacity = '';
    let accessModes = '';
    if (spec.volumeName) {
      accessModes = accessModesAsString(pvc.status?.accessModes);
      capacity = pvc.status?.capacity?.['storage'] ?? '0';
    }
    const storageClass = pvc.metadata?.annotations?.[BETA_STORAGE_CLASS_ANNOTATION] ?? spec.storageClassName ?? '';
    return [
      pvc.metadata?.name ?? '',
      phase,
      spec.volumeName ?? '',
      capacity,
      accessModes,
      storageClass,
      spec.volumeAttributesClassName ?? '<unset>',
      age(pvc, now),
      spec.volumeMode ?? '<unset>',
    ];
  },
};

export const resourceQuotaPrinter: Printer<ResourceQuota> = {
  columns: [
    nameCol(),
    col('Request', 'string', 'Request represents a minimum amount of cpu/memory that a container may consume.'),
    col('Limit', 'string', 'Limits control the maximum amount of cpu/memory that a container may use independent of contention on the node.'),
    ageCol(),
  ],
  cells(rq: ResourceQuota, { now }: PrintContext): Cell[] {
    const hard = rq.status?.hard ?? {};
    const used = rq.status?.used ?? {};
    const requests: string[] = [];
    const limits: string[] = [];
    for (const resource of Object.keys(hard).sort()) {
      const pieces = resource.split('.');
      const target = pieces.length > 1 && pieces[0] === 'limits' ? limits : requests;
      target.push(`${resource}: ${used[resource] ?? '0'}/${hard[resource]}`);
    }
    return [rq.metadata?.name ?? '', requests.join(', '), limits.join(', '), age(rq, now)];
  },
};
