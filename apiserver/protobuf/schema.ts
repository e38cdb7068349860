// The shape of the generated message table (messages.ts) and the mapping from an object's
// apiVersion/kind to its protobuf message name. It holds no field data itself and never decodes bytes.

export type ScalarType =
  | 'string'
  | 'bytes'
  | 'bool'
  | 'double'
  | 'float'
  | 'int32'
  | 'int64'
  | 'uint32'
  | 'uint64'
  | 'sint32'
  | 'sint64'
  | 'fixed32'
  | 'fixed64'
  | 'sfixed32'
  | 'sfixed64';

/** A scalar, or `message:<full name without leading dot>`. */
export type FieldType = ScalarType | `message:${string}`;

export interface FieldSpec {
  /** The JSON name; in Kubernetes' generated.proto files it is the proto field name. */
  name: string;
  type: FieldType;
  repeated?: true;
  /** JSON requires the field (kubernetes-types has no `?`): clients send it even when empty. */
  required?: true;
  /** An embedded Go struct (`json:",inline"`): its fields are merged into the parent object. */
  inline?: true;
  /** Present for map fields (`type` then names the synthetic entry message and is unused). */
  map?: { key: FieldType; value: FieldType };
}

/** Message full name (e.g. `k8s.io.api.core.v1.Namespace`) -> field number -> field. */
export type MessageTable = Record<string, Record<number, FieldSpec>>;

export const META_V1 = 'k8s.io.apimachinery.pkg.apis.meta.v1';

/** The proto package of an API group version: `apps/v1` -> `k8s.io.api.apps.v1`, `v1` -> core. */
export function packageOf(apiVersion: string): string | undefined {
  const slash = apiVersion.indexOf('/');
  const group = slash < 0 ? '' : apiVersion.slice(0, slash);
  const version = slash < 0 ? apiVersion : apiVersion.slice(slash + 1);
  if (!version || /[^a-z0-9]/.test(version)) return undefined;
  if (group === 'meta.k8s.io') return `${META_V1.slice(0, -'.v1'.length)}.${version}`;
  // Package names are the group's first DNS label: rbac.authorization.k8s.io -> rbac.
  const short = group === '' ? 'core' : group.split('.')[0]!;
  if (!/^[a-z0-9]+$/.test(short)) return undefined;
  return `k8s.io.api.${short}.${version}`;
}

/**
 * The message of a top-level object. Every group version also carries meta/v1's option kinds
 * (DeleteOptions, Status, ...), which client-go encodes with the group version of the request.
 */
export function messageForKind(table: MessageTable, apiVersion: string, kind: string): string | undefined {
  const pkg = packageOf(apiVersion);
  if (pkg && table[`${pkg}.${kind}`]) return `${pkg}.${kind}`;
  if (table[`${META_V1}.${kind}`]) return `${META_V1}.${kind}`;
  return undefined;
}
