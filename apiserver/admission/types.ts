// The shapes of the admission chain (upstream k8s.io/apiserver/pkg/admission): what a plugin is
// told about a write, and what it may read. A plugin throws a StatusError to refuse; a mutating
// plugin changes `object` in place. Plugins never write to storage.
import { ForbiddenError, type StatusCause } from '../../api/errors.js';
import type { ResourceInfo } from '../../api/resources.js';
import type { KubeObject } from '../registry/codec.js';
import type { UserInfo } from '../registry/context.js';

export type Operation = 'CREATE' | 'UPDATE';

export interface AdmissionAttributes {
  operation: Operation;
  resource: ResourceInfo;
  /** '' for the object itself, else e.g. 'status'. */
  subresource: string;
  namespace: string | undefined;
  name: string;
  /** The object to be stored; mutating plugins change it in place. */
  object: KubeObject;
  /** The stored object (updates only). */
  oldObject?: KubeObject;
  user: UserInfo;
  dryRun: boolean;
}

/** Read access to the apiserver's stores, as upstream plugins use informers/listers. */
export interface AdmissionReader {
  get(group: string, plural: string, namespace: string | undefined, name: string): Promise<KubeObject | undefined>;
  list(group: string, plural: string, namespace?: string): Promise<KubeObject[]>;
}

export interface AdmissionPlugin {
  /** Upstream's plugin name, e.g. `NamespaceLifecycle`. */
  name: string;
  /** Mutating phase: may change attrs.object. */
  admit?(attrs: AdmissionAttributes, reader: AdmissionReader): void | Promise<void>;
  /** Validating phase: runs after schema validation, on the final object; must not change it. */
  validate?(attrs: AdmissionAttributes, reader: AdmissionReader): void | Promise<void>;
}

/** upstream admission.NewForbidden: `<resource> "<name>" is forbidden: <reason>`. */
export function forbiddenMessage(attrs: AdmissionAttributes, reason: string): string {
  const resource = attrs.resource.group ? `${attrs.resource.plural}.${attrs.resource.group}` : attrs.resource.plural;
  const name = attrs.name || attrs.object.metadata?.name || attrs.object.metadata?.generateName || '';
  return `${resource} "${name}" is forbidden: ${reason}`;
}

/** The 403 of upstream admission.NewForbidden, with details {name, group, kind: resource}. */
export function forbidden(attrs: AdmissionAttributes, reason: string, causes?: StatusCause[]): ForbiddenError {
  const name = attrs.name || attrs.object.metadata?.name || '';
  return new ForbiddenError(forbiddenMessage(attrs, reason), {
    name,
    group: attrs.resource.group || undefined,
    kind: attrs.resource.plural,
    ...(causes ? { causes } : {}),
  });
}
