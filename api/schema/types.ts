// The shape of one JSON-schema-like node in definitions.json and the OpenAPI v3 documents.
// Types only; it must never hold data or logic.

export interface GroupVersionKind {
  group: string;
  version: string;
  kind: string;
}

export interface Schema {
  $ref?: string;
  description?: string;
  type?: 'object' | 'array' | 'string' | 'integer' | 'number' | 'boolean';
  format?: string;
  properties?: Record<string, Schema>;
  additionalProperties?: Schema | boolean;
  items?: Schema;
  required?: string[];
  oneOf?: Schema[];
  allOf?: Schema[];
  default?: unknown;
  'x-kubernetes-group-version-kind'?: GroupVersionKind[];
  'x-kubernetes-patch-merge-key'?: string;
  'x-kubernetes-patch-strategy'?: string;
  'x-kubernetes-list-type'?: string;
  'x-kubernetes-list-map-keys'?: string[];
  [extension: `x-${string}`]: unknown;
}
