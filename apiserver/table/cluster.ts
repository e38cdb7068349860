// Printers of the remaining built-in groups: Lease, EndpointSlice, Ingress, IngressClass,
// (Cluster)RoleBinding, StorageClass, PriorityClass, and the two fallbacks (upstream's default
// table convertor: Name + Created At; the CRD-style Name + Age). Pure.
import type { Lease } from 'kubernetes-types/coordination/v1.js';
import type { EndpointSlice } from 'kubernetes-types/discovery/v1.js';
import type { Ingress, IngressClass } from 'kubernetes-types/networking/v1.js';
import type { ClusterRoleBinding, RoleBinding, Subject } from 'kubernetes-types/rbac/v1.js';
import type { PriorityClass } from 'kubernetes-types/scheduling/v1.js';
import type { StorageClass } from 'kubernetes-types/storage/v1.js';
import type { ObjectMeta } from 'kubernetes-types/meta/v1.js';
import { parseTime, translateTimestampSince } from '../../api/duration.js';
import { listWithMoreString, NONE } from './format.js';
import { ageCol, col, CREATION_TIMESTAMP_DESCRIPTION, nameCol, type Cell, type PrintContext, type Printer } from './types.js';

const age = (obj: { metadata?: { creationTimestamp?: string } }, now: Date): string =>
  translateTimestampSince(obj.metadata?.creationTimestamp, now);

export const leasePrinter: Printer<Lease> = {
  columns: [nameCol(), col('Holder', 'string', 'holderIdentity contains the identity of the holder of a current lease.'), ageCol()],
  cells: (l: Lease, { now }: PrintContext): Cell[] => [l.metadata?.name ?? '', l.spec?.holderIdentity ?? '', age(l, now)],
};

function formatDiscoveryPorts(slice: EndpointSlice): string {
  const list: string[] = [];
  const max = 3;
  let more = false;
  let count = 0;
  for (const port of slice.ports ?? []) {
    if (list.length < max) {
      let portNum = '*';
      if (port.port !== undefined && port.port !== null) portNum = String(port.port);
      else if (port.name !== undefined && port.name !== null) portNum = port.name;
      list.push(portNum);
    } else if (list.length === max) {
      more = true;
    }
    count++;
  }
  return listWithMoreString(list, more, count, max);
}

function formatDiscoveryEndpoints(slice: EndpointSlice): string {
  const list: string[] = [];
  const max = 3;
  let more = false;
  let count = 0;
  for (const ep of slice.endpoints ?? []) {
    for (const address of ep.addresses ?? []) {
      if (list.length < max) list.push(address);
      else if (list.length === max) more = true;
      count++;
    }
  }
  return listWithMoreString(list, more, count, max);
}

export const endpointSlicePrinter: Printer<EndpointSlice> = {
  columns: [
    nameCol(),
    col('AddressType', 'string', 'addressType specifies the type of address carried by this EndpointSlice.'),
    col('Ports', 'string', 'ports specifies the list of network ports exposed by each endpoint in this slice.'),
    col('Endpoints', 'string', 'endpoints is a list of unique endpoints in this slice.'),
    ageCol(),
  ],
  cells: (s: EndpointSlice, { now }: PrintContext): Cell[] => [
    s.metadata?.name ?? '',
    s.addressType ?? '',
    formatDiscoveryPorts(s),
    formatDiscoveryEndpoints(s),
    age(s, now),
  ],
};

/** upstream formatHosts: up to three hosts, `*` when no rule names one. */
function formatHosts(ing: Ingress): string {
  const rules = ing.spec?.rules ?? [];
  const list: string[] = [];
  const max = 3;
  let more = false;
  for (const rule of rules) {
    if (list.length === max) more = true;
    if (!more && rule.host) list.push(rule.host);
  }
  if (list.length === 0) return '*';
  const ret = list.join(',');
  return more ? `${ret} + ${rules.length - max} more...` : ret;
}

export const ingressPrinter: Printer<Ingress> = {
  columns: [
    nameCol(),
    col('Class', 'string', 'The name of the IngressClass resource that should be used for additional configuration'),
    col('Hosts', 'string', 'Hosts that incoming requests are matched against before the ingress rule'),
    col('Address', 'string', 'Address is a list containing ingress points for the load-balancer'),
    col('Ports', 'string', 'Ports of TLS configurations that open'),
    ageCol(),
  ],
  cells(ing: Ingress, { now }: PrintContext): Cell[] {
    const addresses = new Set<string>();
    for (const i of ing.status?.loadBalancer?.ingress ?? []) {
      if (i.ip) addresses.add(i.ip);
      else if (i.hostname) addresses.add(i.hostname);
    }
    return [
      ing.metadata?.name ?? '',
      ing.spec?.ingressClassName ?? NONE,
      formatHosts(ing),
      [...addresses].sort().join(','),
      (ing.spec?.tls ?? []).length !== 0 ? '80, 443' : '80',
      age(ing, now),
    ];
  },
};

export const ingressClassPrinter: Printer<IngressClass> = {
  columns: [
    nameCol(),
    col('Controller', 'string', 'Controller that is responsible for handling this class'),
    col('Parameters', 'string', 'A reference to a resource with additional parameters'),
    ageCol(),
  ],
  cells(ic: IngressClass, { now }: PrintContext): Cell[] {
    const p = ic.spec?.parameters;
    let parameters = NONE;
    if (p) parameters = `${p.kind}${p.apiGroup !== undefined && p.apiGroup !== null ? '.' + p.apiGroup : ''}/${p.name}`;
    return [ic.metadata?.name ?? '', ic.spec?.controller ?? '', parameters, age(ic, now)];
  },
};

/** upstream rbac.SubjectsStrings: users, groups and `namespace/name` service accounts. */
export function subjectsStrings(subjects: readonly Subject[] | undefined): [string[], string[], string[]] {
  const users: string[] = [];
  const groups: string[] = [];
  const sas: string[] = [];
  for (const s of subjects ?? []) {
    if (s.kind === 'ServiceAccount') sas.push(`${s.namespace ?? ''}/${s.name}`);
    else if (s.kind === 'User') users.push(s.name);
    else if (s.kind === 'Group') groups.push(s.name);
  }
  return [users, groups, sas];
}

function bindingPrinter(what: 'roleBinding' | 'clusterRoleBinding'): Printer<RoleBinding | ClusterRoleBinding> {
  return {
    columns: [
      nameCol(),
      col('Role', 'string', 'RoleRef can reference a Role in the current namespace or a ClusterRole in the global namespace.'),
      ageCol(),
      col('Users', 'string', `Users in the ${what}`, { priority: 1 }),
      col('Groups', 'string', `Groups in the ${what}`, { priority: 1 }),
      col('ServiceAccounts', 'string', `ServiceAccounts in the ${what}`, { priority: 1 }),
    ],
    cells(b: RoleBinding | ClusterRoleBinding, { now }: PrintContext): Cell[] {
      const [users, groups, sas] = subjectsStrings(b.subjects);
      return [b.metadata?.name ?? '', `${b.roleRef?.kind ?? ''}/${b.roleRef?.name ?? ''}`, age(b, now), users.join(', '), groups.join(', '), sas.join(', ')];
    },
  };
}

export const roleBindingPrinter = bindingPrinter('roleBinding');
export const clusterRoleBindingPrinter = bindingPrinter('clusterRoleBinding');

const DEFAULT_STORAGE_CLASS_ANNOTATIONS = ['storageclass.kubernetes.io/is-default-class', 'storageclass.beta.kubernetes.io/is-default-class'];

export const storageClassPrinter: Printer<StorageClass> = {
  columns: [
    nameCol(),
    col('Provisioner', 'string', 'provisioner indicates the type of the provisioner.'),
    col('ReclaimPolicy', 'string', 'reclaimPolicy controls the reclaimPolicy for dynamically provisioned PersistentVolumes of this storage class. Defaults to Delete.'),
    col('VolumeBindingMode', 'string', 'volumeBindingMode indicates how PersistentVolumeClaims should be provisioned and bound.  When unset, VolumeBindingImmediate is used.'),
    col('AllowVolumeExpansion', 'string', 'allowVolumeExpansion shows whether the storage class allow volume expand.'),
    ageCol(),
  ],
  cells(sc: StorageClass, { now }: PrintContext): Cell[] {
    const annotations = sc.metadata?.annotations ?? {};
    const isDefault = DEFAULT_STORAGE_CLASS_ANNOTATIONS.some((a) => annotations[a] === 'true');
    return [
      (sc.metadata?.name ?? '') + (isDefault ? ' (default)' : ''),
      sc.provisioner ?? '',
      sc.reclaimPolicy ?? 'Delete',
      sc.volumeBindingMode ?? 'Immediate',
      sc.allowVolumeExpansion ?? false,
      age(sc, now),
    ];
  },
};

export const priorityClassPrinter: Printer<PriorityClass> = {
  columns: [
    nameCol(),
    col('Value', 'integer', 'value represents the integer value of this priority class.'),
    col('Global-Default', 'boolean', 'globalDefault specifies whether this PriorityClass should be considered as the default priority for pods that do not have any priority class.'),
    ageCol(),
    col('PreemptionPolicy', 'string', 'preemptionPolicy is the Policy for preempting pods with lower priority.'),
  ],
  cells: (pc: PriorityClass, { now }: PrintContext): Cell[] => [
    pc.metadata?.name ?? '',
    pc.value ?? 0,
    pc.globalDefault ?? false,
    age(pc, now),
    pc.preemptionPolicy ?? '',
  ],
};

/** Go's time.RFC3339 of a metav1.Time in UTC: whole seconds, `Z`; the zero time when absent. */
function rfc3339(ts: string | undefined): string {
  const t = parseTime(ts);
  if (t === undefined) return '0001-01-01T00:00:00Z';
  return new Date(t).toISOString().slice(0, 19) + 'Z';
}

/**
 * upstream rest.NewDefaultTableConvertor, what built-ins without a printer (Role, ClusterRole,
 * LimitRange) answer: Name and `Created At` as an RFC 3339 date.
 */
export const defaultPrinter: Printer<{ metadata?: ObjectMeta }> = {
  columns: [nameCol(), col('Created At', 'date', CREATION_TIMESTAMP_DESCRIPTION)],
  cells: (obj: { metadata?: ObjectMeta }): Cell[] => [obj.metadata?.name ?? '', rfc3339(obj.metadata?.creationTimestamp)],
};

/** Name and Age, the columns a custom resource without additionalPrinterColumns gets. */
export const genericPrinter: Printer<{ metadata?: ObjectMeta }> = {
  columns: [nameCol(), col('Age', 'date', CREATION_TIMESTAMP_DESCRIPTION)],
  cells: (obj: { metadata?: ObjectMeta }, { now }: PrintContext): Cell[] => [obj.metadata?.name ?? '', age(obj, now)],
};
