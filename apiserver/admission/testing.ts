// Test support for admission plugins: attributes for a write and a reader over fixed objects.
import { findByPlural } from '../../api/resources.js';
import type { KubeObject } from '../registry/codec.js';
import type { AdmissionAttributes, AdmissionReader, Operation } from './types.js';

export function attrs(plural: string, object: KubeObject, o: { group?: string; operation?: Operation; namespace?: string; subresource?: string; oldObject?: KubeObject } = {}): AdmissionAttributes {
  const group = o.group ?? '';
  const resource = findByPlural(group, group === '' ? 'v1' : 'v1', plural)!;
  return {
    operation: o.operation ?? 'CREATE',
    resource,
    subresource: o.subresource ?? '',
    namespace: resource.namespaced ? (o.namespace ?? 'default') : undefined,
    name: object.metadata?.name ?? '',
    object,
    oldObject: o.oldObject,
    user: { name: 'admin', groups: ['system:masters'] },
    dryRun: false,
  };
}

/** A reader over `objects` keyed `group/plural/namespace/name` (namespace '' when cluster-scoped). */
export function readerOf(objects: Record<string, KubeObject>): AdmissionReader {
  return {
    async get(group, plural, namespace, name) {
      return objects[`${group}/${plural}/${namespace ?? ''}/${name}`];
    },
    async list(group, plural) {
      return Object.entries(objects).filter(([k]) => k.startsWith(`${group}/${plural}/`)).map(([, v]) => v);
    },
  };
}
