// Turns a server-side meta.k8s.io/v1 Table into the rows kubectl's table printer shows: priority-1
// columns only when wide, NAMESPACE first with -A, `kind/name` names, LABELS with --show-labels.
// Builds cells only; alignment is tabwriter.ts's job and nothing here talks to the server.

export interface TableColumn {
  name: string;
  type: string;
  format?: string;
  priority?: number;
}

export interface TableRow {
  cells: unknown[];
  object?: { metadata?: { name?: string; namespace?: string; labels?: Record<string, string> }; [k: string]: unknown };
}

export interface Table {
  kind: 'Table';
  apiVersion: string;
  metadata?: { resourceVersion?: string; continue?: string };
  columnDefinitions?: TableColumn[];
  rows?: TableRow[];
}

export interface TableOptions {
  wide?: boolean;
  withNamespace?: boolean;
  showLabels?: boolean;
  /** `deployment.apps`: printed as `deployment.apps/NAME` in the first column. */
  kindPrefix?: string;
  /** -L: label keys shown as extra upper-case columns. */
  labelColumns?: string[];
}

export const isTable = (v: unknown): v is Table => typeof v === 'object' && v !== null && (v as { kind?: unknown }).kind === 'Table';

/** A cell as Go's fmt prints the decoded JSON value. */
export function cellText(cell: unknown): string {
  if (cell === null || cell === undefined) return '<none>';
  if (typeof cell === 'string') return cell;
  if (typeof cell === 'number' || typeof cell === 'boolean') return String(cell);
  if (Array.isArray(cell)) return `[${cell.map(cellText).join(' ')}]`;
  return JSON.stringify(cell);
}

/** `k=v,k2=v2` sorted by key, or `<none>`. */
export function labelsText(labels: Record<string, string> | undefined): string {
  const keys = Object.keys(labels ?? {}).sort();
  return keys.length === 0 ? '<none>' : keys.map((k) => `${k}=${labels![k]}`).join(',');
}

function visible(columns: readonly TableColumn[], wide: boolean | undefined): number[] {
  const idx: number[] = [];
  columns.forEach((c, i) => {
    if (wide || !c.priority) idx.push(i);
  });
  return idx;
}

/** The header row, upper-cased as kubectl prints it. */
export function headerRow(columns: readonly TableColumn[], opts: TableOptions): string[] {
  const head = visible(columns, opts.wide).map((i) => columns[i].name.toUpperCase());
  if (opts.withNamespace) head.unshift('NAMESPACE');
  for (const key of opts.labelColumns ?? []) head.push(labelColumnHeader(key));
  if (opts.showLabels) head.push('LABELS');
  return head;
}

function labelColumnHeader(key: string): string {
  const slash = key.lastIndexOf('/');
  return (slash < 0 ? key : key.slice(slash + 1)).toUpperCase();
}

/** The body rows. */
export function bodyRows(columns: readonly TableColumn[], rows: readonly TableRow[], opts: TableOptions): string[][] {
  const idx = visible(columns, opts.wide);
  return rows.map((row) => {
    const cells = idx.map((i) => cellText(row.cells[i]));
    if (opts.kindPrefix && cells.length > 0) cells[0] = `${opts.kindPrefix}/${cells[0]}`;
    const meta = row.object?.metadata;
    if (opts.withNamespace) cells.unshift(meta?.namespace ?? '');
    for (const key of opts.labelColumns ?? []) cells.push(meta?.labels?.[key] ?? '');
    if (opts.showLabels) cells.push(labelsText(meta?.labels));
    return cells;
  });
}
