// metadata.managedFields: entries per manager in FieldsV1, who owns what, and upstream's
// conflict, stealing and forgetting rules. Pure data handling; never merges objects itself.

import { StatusError, type StatusCause } from '../../api/errors.js';
import { FieldSet, fieldPE, pathString, type Path } from './fieldpath.js';
import { isObject, type JSONObject } from './json.js';
import type { Comparison } from './typed-value.js';

export interface ManagedFieldsEntry {
  manager?: string;
  operation?: 'Apply' | 'Update';
  apiVersion?: string;
  time?: string;
  fieldsType?: 'FieldsV1';
  fieldsV1?: Record<string, unknown>;
  subresource?: string;
}

// ---- fields nobody owns (upstream's stripMeta manager) -------------------------------------

export const STRIPPED: Path[] = [
  [fieldPE('apiVersion')],
  [fieldPE('kind')],
  ...['name', 'namespace', 'creationTimestamp', 'selfLink', 'uid', 'clusterName', 'generation', 'managedFields', 'resourceVersion'].map(
    (f) => [fieldPE('metadata'), fieldPE(f)],
  ),
];

export function ignoredPaths(resetFields: readonly (readonly string[])[] = []): Path[] {
  return [...STRIPPED, ...resetFields.map((p) => p.map(fieldPE))];
}

// ---- managers -------------------------------------------------------------------------------

export interface Manager {
  entry: ManagedFieldsEntry;
  set: FieldSet;
}

export function managerKey(e: ManagedFieldsEntry): string {
  const id: Record<string, string> = { manager: e.manager ?? '', operation: e.operation ?? '' };
  if (e.operation !== 'Apply' && e.apiVersion) id.apiVersion = e.apiVersion;
  if (e.subresource) id.subresource = e.subresource;
  return JSON.stringify(id);
}

export function decodeManagers(obj: JSONObject | undefined): Map<string, Manager> {
  const out = new Map<string, Manager>();
  const meta = obj?.metadata;
  const list = isObject(meta) && Array.isArray(meta.managedFields) ? meta.managedFields : [];
  for (const e of list) {
    if (!isObject(e)) continue;
    const entry = e as ManagedFieldsEntry;
    out.set(managerKey(entry), { entry: { ...entry }, set: FieldSet.fromFieldsV1(entry.fieldsV1) });
  }
  return out;
}

export function encodeManagers(managers: Map<string, Manager>): ManagedFieldsEntry[] {
  const entries: ManagedFieldsEntry[] = [];
  for (const { entry, set } of managers.values()) {
    if (set.isEmpty()) continue;
    const e: ManagedFieldsEntry = { manager: entry.manager, operation: entry.operation, apiVersion: entry.apiVersion };
    if (entry.time) e.time = entry.time;
    e.fieldsType = 'FieldsV1';
    e.fieldsV1 = set.toFieldsV1();
    if (entry.subresource) e.subresource = entry.subresource;
    entries.push(e);
  }
  const seconds = (t?: string) => (t ? Math.floor(Date.parse(t) / 1000) : 0);
  const cmp = (a = '', b = '') => (a < b ? -1 : a > b ? 1 : 0);
  return entries.sort(
    (p, q) =>
      cmp(p.operation, q.operation) ||
      seconds(p.time) - seconds(q.time) ||
      cmp(p.manager, q.manager) ||
      cmp(p.apiVersion, q.apiVersion) ||
      cmp(p.subresource, q.subresource),
  );
}

function printManager(e: ManagedFieldsEntry): string {
  let s = JSON.stringify(e.manager ?? '');
  if (e.subresource) s += ` with subresource ${JSON.stringify(e.subresource)}`;
  if (e.operation === 'Update') s += ` using ${e.apiVersion ?? ''}`;
  return s;
}

export function conflictError(conflicts: { manager: Manager; paths: Path[] }[]): StatusError {
  const causes: StatusCause[] = [];
  const all: { who: string; path: string }[] = [];
  for (const { manager, paths } of conflicts) {
    for (const p of paths) {
      const who = printManager(manager.entry);
      all.push({ who, path: pathString(p) });
      causes.push({ type: 'FieldManagerConflict', message: `conflict with ${who}`, field: pathString(p) });
    }
  }
  let message: string;
  if (all.length === 1) {
    message = `Apply failed with 1 conflict: conflict with ${all[0].who}: ${all[0].path}`;
  } else {
    const lines: string[] = [];
    for (const { manager, paths } of conflicts) {
      lines.push(`conflicts with ${printManager(manager.entry)}:`);
      for (const p of paths) lines.push(`- ${pathString(p)}`);
    }
    message = `Apply failed with ${all.length} conflicts: ${lines.join('\n')}`;
  }
  return new StatusError(409, 'Conflict', message, { causes });
}

export type Conflicts = { key: string; manager: Manager; paths: Path[] }[];

/**
 * Upstream's Updater.update: finds conflicts; unless there are some and `force` is false, steals
 * them and makes every manager forget removed fields. Returns the conflicts found.
 */
export function settle(c: Comparison, managers: Map<string, Manager>, self: string, force: boolean): Conflicts {
  const changed = c.modified.union(c.added);
  const conflicts: Conflicts = [];
  for (const [key, m] of managers) {
    if (key === self) continue;
    const paths = [...m.set.intersection(changed).paths()];
    if (paths.length) conflicts.push({ key, manager: m, paths });
  }
  conflicts.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  if (!force && conflicts.length) return conflicts;
  for (const { manager, paths } of conflicts) manager.set = manager.set.difference(FieldSet.fromPaths(paths));
  for (const [key, m] of managers) {
    m.set = m.set.difference(c.removed);
    if (m.set.isEmpty()) managers.delete(key);
  }
  return conflicts;
}

export function cloneManagers(managers: Map<string, Manager>): Map<string, Manager> {
  return new Map([...managers].map(([k, m]) => [k, { entry: { ...m.entry }, set: m.set.clone() }]));
}

export function withoutManagedFields(obj: JSONObject): JSONObject {
  const out = structuredClone(obj);
  if (isObject(out.metadata)) delete out.metadata.managedFields;
  return out;
}

export function rfc3339(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export function setManagedFields(obj: JSONObject, managers: Map<string, Manager>): JSONObject {
  const entries = encodeManagers(managers);
  const meta = isObject(obj.metadata) ? obj.metadata : {};
  if (entries.length) meta.managedFields = entries;
  else delete meta.managedFields;
  obj.metadata = meta;
  return obj;
}

export function strip(c: Comparison, ignored: Path[]): Comparison {
  return {
    added: c.added.withoutPrefixes(ignored),
    modified: c.modified.withoutPrefixes(ignored),
    removed: c.removed.withoutPrefixes(ignored),
  };
}

