// kubectl's `-o custom-columns=HEADER:.json.path,...`: one row per object, values found by relaxed
// JSONPath, several values joined with commas, `<none>` when absent. Formats only; no I/O.
import { selectValues } from './jsonpath.js';

export interface CustomColumn {
  header: string;
  path: string;
}

/** Parses `NAME:.metadata.name,IMAGE:.spec.containers[*].image`. */
export function parseCustomColumns(spec: string): CustomColumn[] {
  if (spec.trim() === '') throw new Error('custom-columns format specified but no custom columns given');
  return splitTopLevel(spec).map((part) => {
    const colon = part.indexOf(':');
    if (colon < 0) throw new Error(`unexpected custom-columns spec: ${part}, expected <header>:<json-path-expr>`);
    return { header: part.slice(0, colon), path: part.slice(colon + 1) };
  });
}

/** Splits on commas that are not inside brackets (filters may hold commas). */
function splitTopLevel(s: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let cur = '';
  for (const c of s) {
    if (c === '[' || c === '(') depth++;
    if (c === ']' || c === ')') depth--;
    if (c === ',' && depth === 0) {
      parts.push(cur);
      cur = '';
    } else cur += c;
  }
  parts.push(cur);
  return parts;
}

/** A value as Go's fmt `%v` prints decoded JSON: maps as `map[k:v]`, slices as `[a b]`. */
export function goValue(v: unknown): string {
  if (v === null || v === undefined) return '<nil>';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return `[${v.map(goValue).join(' ')}]`;
  const o = v as Record<string, unknown>;
  return `map[${Object.keys(o)
    .sort()
    .map((k) => `${k}:${goValue(o[k])}`)
    .join(' ')}]`;
}

export function customColumnRows(columns: readonly CustomColumn[], objects: readonly unknown[], noHeaders = false): string[][] {
  const rows: string[][] = noHeaders ? [] : [columns.map((c) => c.header)];
  for (const obj of objects) {
    rows.push(
      columns.map((c) => {
        const values = selectValues(c.path, obj);
        return values.length === 0 ? '<none>' : values.map(goValue).join(',');
      }),
    );
  }
  return rows;
}
