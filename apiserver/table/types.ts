// The meta.k8s.io/v1 Table wire types and the shape of one printer. Types only: no behaviour, and
// nothing here may depend on Fastify or storage.

export interface TableColumnDefinition {
  name: string;
  type: 'string' | 'integer' | 'number' | 'boolean' | 'date';
  format: string;
  description: string;
  /** 0: shown by default; 1: only with `-o wide`. */
  priority: number;
}

export interface TableRowCondition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason?: string;
  message?: string;
}

export type Cell = string | number | boolean;

export interface TableRow {
  cells: Cell[];
  conditions?: TableRowCondition[];
  object?: unknown;
}

export interface Table {
  kind: 'Table';
  apiVersion: 'meta.k8s.io/v1';
  metadata: { resourceVersion?: string; continue?: string; remainingItemCount?: number };
  columnDefinitions: TableColumnDefinition[];
  rows: TableRow[];
}

export interface PrintContext {
  now: Date;
}

/**
 * One resource's printer, like a TableHandler upstream. The server always prints wide (upstream's
 * TableConvertor passes Wide: true), so `cells` returns one value per column, priority-1 ones too.
 */
export interface Printer<T = any> {
  columns: TableColumnDefinition[];
  cells(obj: T, ctx: PrintContext): Cell[];
  conditions?(obj: T): TableRowCondition[] | undefined;
}

/** Swagger text of metav1.ObjectMeta used by every printer's Name and Age columns. */
export const NAME_DESCRIPTION =
  'Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically. Name is primarily intended for creation idempotence and configuration definition. Cannot be updated. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names';
export const CREATION_TIMESTAMP_DESCRIPTION =
  'CreationTimestamp is a timestamp representing the server time when this object was created. It is not guaranteed to be set in happens-before order across separate operations. Clients may not set this value. It is represented in RFC3339 form and is in UTC.\n\nPopulated by the system. Read-only. Null for lists. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata';

/** Builds a column definition the way upstream's literals read: name, type, then options. */
export function col(
  name: string,
  type: TableColumnDefinition['type'],
  description: string,
  opts: { priority?: number; format?: string } = {},
): TableColumnDefinition {
  return { name, type, format: opts.format ?? '', description, priority: opts.priority ?? 0 };
}

export const nameCol = (): TableColumnDefinition => col('Name', 'string', NAME_DESCRIPTION, { format: 'name' });
export const ageCol = (): TableColumnDefinition => col('Age', 'string', CREATION_TIMESTAMP_DESCRIPTION);
export const wide = (name: string, description: string): TableColumnDefinition => col(name, 'string', description, { priority: 1 });
export const CONTAINERS_DESCRIPTION = 'Names of each container in the template.';
export const IMAGES_DESCRIPTION = 'Images referenced by each container in the template.';
