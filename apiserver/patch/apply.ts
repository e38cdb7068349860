// Server-side apply (application/apply-patch+yaml) and field-ownership bookkeeping for ordinary
// writes: merges applied configurations, records metadata.managedFields in FieldsV1 and reports
// conflicts as upstream does. Pure functions; never touches storage, never mutates its inputs.

import { parse as parseYAML } from 'yaml';
import { BadRequestError, StatusError, type StatusCause } from '../../api/errors.js';
import { plainServerError } from './errors.js';
import { FieldSet, fieldPE, keyPE, pathString, valuePE, type Path, type PathElement } from './fieldpath.js';
import { deepEqual, hasKey, isObject, setKey, type JSONObject } from './json.js';
import { EMPTY_SCHEMA, type PatchFieldMeta, type PatchSchema } from './patch-meta.js';

export interface ManagedFieldsEntry {
  manager?: string;
  operation?: 'Apply' | 'Update';
  apiVersion?: string;
  time?: string;
  fieldsType?: 'FieldsV1';
  fieldsV1?: Record<string, unknown>;
  subresource?: string;
}

export interface FieldManagerOptions {
  /** apiVersion recorded in the entry; defaults to the object's apiVersion. */
  apiVersion?: string;
  /** e.g. `status` for writes through a subresource. */
  subresource?: string;
  /** Subtrees nobody owns through this endpoint (upstream's reset fields), e.g. [['status']]. */
  resetFields?: readonly (readonly string[])[];
  /** Clock for entry times (tests). */
  now?: () => Date;
}

// ---- fields nobody owns (upstream's stripMeta manager) -------------------------------------

const STRIPPED: Path[] = [
  [fieldPE('apiVersion')],
  [fieldPE('kind')],
  ...['name', 'namespace', 'creationTimestamp', 'selfLink', 'uid', 'clusterName', 'generation', 'managedFields', 'resourceVersion'].map(
    (f) => [fieldPE('metadata'), fieldPE(f)],
  ),
];

function ignoredPaths(opts: FieldManagerOptions): Path[] {
  return [...STRIPPED, ...(opts.resetFields ?? []).map((p) => p.map(fieldPE))];
}

// ---- walking objects with a schema ----------------------------------------------------------

type ListKind = { kind: 'atomic' } | { kind: 'set' } | { kind: 'map'; keys: readonly string[] };

function listKind(meta: PatchFieldMeta | undefined, items: unknown[]): ListKind {
  if (!meta || meta.listType === 'atomic') return { kind: 'atomic' };
  if (meta.listType === 'set') return { kind: 'set' };
  const keys = meta.listMapKeys ?? (meta.mergeKey ? [meta.mergeKey] : undefined);
  if (meta.listType === 'map' && keys) return { kind: 'map', keys };
  if (meta.strategy?.split(',').includes('merge')) {
    if (meta.mergeKey && items.every(isObject)) return { kind: 'map', keys: keys ?? [meta.mergeKey] };
    if (!items.some((x) => isObject(x) || Array.isArray(x))) return { kind: 'set' };
  }
  return { kind: 'atomic' };
}

class MissingKeyError extends Error {}

/** The path element of an associative-list item, using schema defaults for omitted key fields. */
function itemPE(item: unknown, keys: readonly string[], meta: PatchFieldMeta | undefined): PathElement {
  if (!isObject(item)) throw new MissingKeyError('element is not a map');
  const fields: Record<string, unknown> = {};
  for (const k of keys) {
    if (hasKey(item, k) && item[k] !== null) fields[k] = item[k];
    else if (meta?.keyDefaults && hasKey(meta.keyDefaults as JSONObject, k)) fields[k] = meta.keyDefaults[k];
    else if (keys.length === 1) throw new MissingKeyError(`associative list with keys has an element that omits key field ${JSON.stringify(k)} (and doesn't have default value)`);
  }
  return keyPE(fields);
}

/** Path elements of a non-atomic list's items; live data with a broken key falls back to indexes. */
function itemPEs(list: unknown[], lk: ListKind, meta: PatchFieldMeta | undefined, strict: boolean, at: Path): PathElement[] {
  return list.map((item, i) => {
    if (lk.kind === 'set') return valuePE(item);
    try {
      return itemPE(item, (lk as { keys: readonly string[] }).keys, meta);
    } catch (err) {
      if (strict && err instanceof MissingKeyError) throw new MissingKeyError(`${pathString(at)}: element ${i}: ${err.message}`);
      return `i:${i}`;
    }
  });
}

/** Upstream's ToFieldSet: leaves, atomic values, and the items of associative lists and sets. */
function toFieldSet(obj: JSONObject, schema: PatchSchema): FieldSet {
  const set = new FieldSet();
  const walkMap = (m: JSONObject, s: PatchSchema, path: Path) => {
    for (const [k, v] of Object.entries(m)) walkValue(v, s.field(k), [...path, fieldPE(k)]);
  };
  const walkValue = (v: unknown, meta: PatchFieldMeta | undefined, path: Path) => {
    if (v === null || v === undefined) return;
    if (isObject(v)) {
      if (meta?.mapType === 'atomic') set.insert(path);
      else walkMap(v, meta?.schema ?? EMPTY_SCHEMA, path);
      return;
    }
    if (Array.isArray(v)) {
      const lk = listKind(meta, v);
      if (lk.kind === 'atomic') {
        set.insert(path);
        return;
      }
      const pes = itemPEs(v, lk, meta, true, path);
      v.forEach((item, i) => {
        const p = [...path, pes[i]];
        set.insert(p);
        if (lk.kind === 'map' && isObject(item)) walkMap(item, meta?.schema ?? EMPTY_SCHEMA, p);
      });
      return;
    }
    set.insert(path);
  };
  walkMap(obj, schema, []);
  return set;
}

interface Comparison {
  added: FieldSet;
  modified: FieldSet;
  removed: FieldSet;
}

const isEmptyValue = (v: unknown) =>
  v === undefined || v === null || (Array.isArray(v) && v.length === 0) || (isObject(v) && Object.keys(v).length === 0);

/** Upstream's TypedValue.Compare: leaves added/modified/removed plus added/removed items. */
function compare(lhs: JSONObject, rhs: JSONObject, schema: PatchSchema): Comparison {
  const c: Comparison = { added: new FieldSet(), modified: new FieldSet(), removed: new FieldSet() };
  const leaf = (l: unknown, r: unknown, path: Path) => {
    if (l === undefined) c.added.insert(path);
    else if (r === undefined) c.removed.insert(path);
    else if (!deepEqual(l, r)) c.modified.insert(path);
  };
  const walkMap = (l: JSONObject, r: JSONObject, s: PatchSchema, path: Path) => {
    const keys = new Set([...Object.keys(l), ...Object.keys(r)]);
    for (const k of keys) {
      walkItem(hasKey(l, k) ? l[k] : undefined, hasKey(r, k) ? r[k] : undefined, s.field(k), [...path, fieldPE(k)]);
    }
  };
  const walkItem = (l: unknown, r: unknown, meta: PatchFieldMeta | undefined, path: Path) => {
    walkValue(l, r, meta, path);
    if (l === undefined) c.added.insert(path);
    else if (r === undefined) c.removed.insert(path);
  };
  const walkValue = (l: unknown, r: unknown, meta: PatchFieldMeta | undefined, path: Path) => {
    const present = l === undefined ? r : l;
    const sameShape = l === undefined || r === undefined || (isObject(l) === isObject(r) && Array.isArray(l) === Array.isArray(r));
    if (!sameShape || (isEmptyValue(l) && isEmptyValue(r))) return leaf(l, r, path);
    if (isObject(present) && meta?.mapType !== 'atomic') {
      return walkMap(isObject(l) ? l : {}, isObject(r) ? r : {}, meta?.schema ?? EMPTY_SCHEMA, path);
    }
    if (Array.isArray(present)) {
      const la = Array.isArray(l) ? l : [];
      const ra = Array.isArray(r) ? r : [];
      const lk = listKind(meta, [...la, ...ra]);
      if (lk.kind !== 'atomic') {
        const lpes = itemPEs(la, lk, meta, false, path);
        const rpes = itemPEs(ra, lk, meta, false, path);
        const lm = new Map(lpes.map((pe, i) => [pe, la[i]]));
        const rm = new Map(rpes.map((pe, i) => [pe, ra[i]]));
        for (const pe of new Set([...lpes, ...rpes])) {
          const p = [...path, pe];
          if (lk.kind === 'set') walkItem(lm.get(pe), rm.get(pe), undefined, p);
          else walkItem(lm.get(pe), rm.get(pe), { schema: meta?.schema }, p);
        }
        return;
      }
    }
    leaf(l, r, path);
  };
  walkMap(lhs, rhs, schema, []);
  return c;
}

/** Upstream's TypedValue.Merge of an applied configuration (rhs) into the live object (lhs). */
function mergeValue(l: unknown, r: unknown, meta: PatchFieldMeta | undefined): unknown {
  if (isObject(l) && isObject(r) && meta?.mapType !== 'atomic') return mergeMap(l, r, meta?.schema ?? EMPTY_SCHEMA);
  if (Array.isArray(l) && Array.isArray(r)) {
    const lk = listKind(meta, [...l, ...r]);
    if (lk.kind !== 'atomic') return mergeList(l, r, lk, meta);
  }
  return structuredClone(r);
}

function mergeMap(l: JSONObject, r: JSONObject, schema: PatchSchema): JSONObject {
  const out: JSONObject = {};
  for (const [k, v] of Object.entries(l)) setKey(out, k, v);
  for (const [k, v] of Object.entries(r)) {
    if (v === null) delete out[k];
    else setKey(out, k, hasKey(out, k) ? mergeValue(out[k], v, schema.field(k)) : structuredClone(v));
  }
  return out;
}

function mergeList(l: unknown[], r: unknown[], lk: ListKind, meta: PatchFieldMeta | undefined): unknown[] {
  const lpes = itemPEs(l, lk, meta, false, []);
  const rpes = itemPEs(r, lk, meta, false, []);
  const lm = new Map(lpes.map((pe, i) => [pe, l[i]]));
  const rm = new Map(rpes.map((pe, i) => [pe, r[i]]));
  const out: unknown[] = [];
  const seen = new Set<PathElement>();
  const emit = (pe: PathElement) => {
    if (seen.has(pe)) return;
    seen.add(pe);
    const lv = lm.get(pe);
    const rv = rm.get(pe);
    if (rv === undefined) out.push(lv);
    else if (lv === undefined || lk.kind === 'set') out.push(structuredClone(rv));
    else out.push(mergeValue(lv, rv, { schema: meta?.schema }));
  };
  let li = 0;
  let ri = 0;
  while (li < lpes.length || ri < rpes.length) {
    if (li < lpes.length && ri < rpes.length && lpes[li] === rpes[ri]) {
      emit(lpes[li++]);
      ri++;
    } else if (li < lpes.length && (seen.has(lpes[li]) || !rm.has(lpes[li]))) {
      emit(lpes[li++]);
    } else if (ri < rpes.length) {
      emit(rpes[ri++]);
    } else {
      emit(lpes[li++]);
    }
  }
  return out;
}

/** Removes one owned path from an object, dropping maps and lists it leaves empty (omitempty). */
function removePath(root: JSONObject, path: Path, schema: PatchSchema): void {
  const trail: { container: JSONObject | unknown[]; at: string | number }[] = [];
  let cur: unknown = root;
  let s: PatchSchema = schema;
  let meta: PatchFieldMeta | undefined;
  for (const pe of path) {
    if (pe.startsWith('f:')) {
      if (!isObject(cur)) return;
      const name = pe.slice(2);
      if (!hasKey(cur, name)) return;
      trail.push({ container: cur, at: name });
      meta = s.field(name);
      s = meta?.schema ?? EMPTY_SCHEMA;
      cur = cur[name];
    } else {
      if (!Array.isArray(cur)) return;
      const list = cur;
      const lk = listKind(meta, list);
      if (lk.kind === 'atomic') return;
      const pes = itemPEs(list, lk, meta, false, []);
      const i = pes.indexOf(pe);
      if (i < 0) return;
      trail.push({ container: list, at: i });
      cur = list[i];
      meta = { schema: s };
    }
  }
  for (let i = trail.length - 1; i >= 0; i--) {
    const { container, at } = trail[i];
    if (Array.isArray(container)) container.splice(at as number, 1);
    else delete container[at as string];
    // Keep top-level fields (Go's non-pointer structs such as spec) even when they empty out.
    if (i === 0 || !isEmptyValue(container) || trail[i - 1].container === root) break;
  }
}

// ---- managers -------------------------------------------------------------------------------

interface Manager {
  entry: ManagedFieldsEntry;
  set: FieldSet;
}

function managerKey(e: ManagedFieldsEntry): string {
  const id: Record<string, string> = { manager: e.manager ?? '', operation: e.operation ?? '' };
  if (e.operation !== 'Apply' && e.apiVersion) id.apiVersion = e.apiVersion;
  if (e.subresource) id.subresource = e.subresource;
  return JSON.stringify(id);
}

function decodeManagers(obj: JSONObject | undefined): Map<string, Manager> {
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

function encodeManagers(managers: Map<string, Manager>): ManagedFieldsEntry[] {
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

function conflictError(conflicts: { manager: Manager; paths: Path[] }[]): StatusError {
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

/** Upstream's Updater.update: conflicts, stealing (when forced), and forgetting removed fields. */
function settle(c: Comparison, managers: Map<string, Manager>, self: string, force: boolean): void {
  const changed = c.modified.union(c.added);
  const conflicts: { key: string; manager: Manager; paths: Path[] }[] = [];
  for (const [key, m] of managers) {
    if (key === self) continue;
    const paths = [...m.set.intersection(changed).paths()];
    if (paths.length) conflicts.push({ key, manager: m, paths });
  }
  conflicts.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  if (!force && conflicts.length) throw conflictError(conflicts);
  for (const { manager, paths } of conflicts) manager.set = manager.set.difference(FieldSet.fromPaths(paths));
  for (const [key, m] of managers) {
    m.set = m.set.difference(c.removed);
    if (m.set.isEmpty()) managers.delete(key);
  }
}

function withoutManagedFields(obj: JSONObject): JSONObject {
  const out = structuredClone(obj);
  if (isObject(out.metadata)) delete out.metadata.managedFields;
  return out;
}

function rfc3339(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function setManagedFields(obj: JSONObject, managers: Map<string, Manager>): JSONObject {
  const entries = encodeManagers(managers);
  const meta = isObject(obj.metadata) ? obj.metadata : {};
  if (entries.length) meta.managedFields = entries;
  else delete meta.managedFields;
  obj.metadata = meta;
  return obj;
}

function strip(c: Comparison, ignored: Path[]): Comparison {
  return {
    added: c.added.withoutPrefixes(ignored),
    modified: c.modified.withoutPrefixes(ignored),
    removed: c.removed.withoutPrefixes(ignored),
  };
}

// ---- the two entry points -------------------------------------------------------------------

/** Decodes an apply body (YAML or JSON) as upstream does, answering 400 for what does not parse. */
export function decodeApplyPatch(body: string | Uint8Array): JSONObject {
  const text = typeof body === 'string' ? body : new TextDecoder().decode(body);
  let doc: unknown;
  try {
    doc = parseYAML(text, { uniqueKeys: false });
  } catch (err) {
    throw new BadRequestError(`error decoding YAML: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (!isObject(doc)) {
    throw new BadRequestError(`error decoding YAML: error unmarshaling JSON: while decoding JSON: json: cannot unmarshal ${Array.isArray(doc) ? 'array' : typeof doc} into Go value of type map[string]interface {}`);
  }
  return doc;
}

/**
 * Server-side apply of `applied` by `manager` onto `live` (undefined: the object does not exist
 * yet). Throws a 409 Conflict listing every field another manager owns with a different value,
 * unless `force`, which takes those fields over.
 */
export function serverSideApply(
  live: object | undefined,
  applied: object,
  manager: string,
  force: boolean,
  kindSchema: PatchSchema,
  opts: FieldManagerOptions = {},
): { result: object } {
  const now = opts.now ?? (() => new Date());
  const liveObj = live ? (live as JSONObject) : {};
  const appliedObj = applied as JSONObject;
  const ignored = ignoredPaths(opts);
  const apiVersion = opts.apiVersion ?? (appliedObj.apiVersion as string | undefined) ?? (liveObj.apiVersion as string | undefined) ?? '';

  const managers = decodeManagers(liveObj);
  const base = withoutManagedFields(liveObj);
  const appliedClean = withoutManagedFields(appliedObj);

  let newSet: FieldSet;
  try {
    newSet = toFieldSet(appliedClean, kindSchema).withoutPrefixes(ignored);
  } catch (err) {
    if (!(err instanceof MissingKeyError)) throw err;
    const md = isObject(appliedObj.metadata) ? appliedObj.metadata : {};
    const gv = String(appliedObj.apiVersion ?? apiVersion);
    throw plainServerError(
      `failed to create typed patch object (${md.namespace ? `${String(md.namespace)}/` : ''}${String(md.name ?? '')}; ${gv}, Kind=${String(appliedObj.kind ?? '')}): ${err.message}`,
    );
  }

  let merged = mergeMap(base, appliedClean, kindSchema);

  const entry: ManagedFieldsEntry = { manager, operation: 'Apply', apiVersion };
  if (opts.subresource) entry.subresource = opts.subresource;
  const self = managerKey(entry);
  const previous = managers.get(self);
  managers.set(self, { entry: { ...(previous?.entry ?? {}), ...entry }, set: newSet });

  if (previous) {
    // Prune what this manager applied before and no longer applies, unless someone else owns it.
    let others = new FieldSet();
    for (const [key, m] of managers) if (key !== self) others = others.union(m.set);
    const stale = [...previous.set.paths()]
      .filter((p) => !newSet.hasPrefix(p) && !others.hasPrefix(p))
      .sort((a, b) => b.length - a.length);
    merged = structuredClone(merged);
    for (const p of stale) removePath(merged, p, kindSchema);
  }

  const c = strip(compare(base, merged, kindSchema), ignored);
  settle(c, managers, self, force);
  const mine = managers.get(self);
  if (mine && !deepEqual(base, merged)) mine.entry.time = rfc3339(now());
  return { result: setManagedFields(merged, managers) };
}

/** The kinds of Go non-pointer structs that exist, empty, in the zero object upstream compares to on create. */
const ZERO_STRUCTS = new Set(['metadata', 'spec', 'status', 'template', 'strategy', 'updateStrategy', 'jobTemplate']);

function zeroShape(obj: JSONObject, depth = 0): JSONObject {
  const out: JSONObject = {};
  if (depth > 4) return out;
  for (const [k, v] of Object.entries(obj)) if (ZERO_STRUCTS.has(k) && isObject(v)) out[k] = zeroShape(v, depth + 1);
  return out;
}

/**
 * Records ownership for an ordinary write (POST, PUT, non-apply PATCH) by `manager`: every field the
 * write added or changed now belongs to it. Returns `newObj` with metadata.managedFields updated.
 * `oldObj` undefined means a create.
 */
export function recordUpdateManagedFields(
  oldObj: object | undefined,
  newObj: object,
  manager: string,
  operation: 'Update',
  apiVersion: string,
  schema: PatchSchema = EMPTY_SCHEMA,
  opts: FieldManagerOptions = {},
): object {
  const now = opts.now ?? (() => new Date());
  const next = newObj as JSONObject;
  const old = oldObj as JSONObject | undefined;
  const oldMF = isObject(old?.metadata) ? old.metadata.managedFields : undefined;
  const newMF = isObject(next.metadata) ? next.metadata.managedFields : undefined;
  // A writer that changes managedFields itself replaces the record (an empty list resets it).
  const managers = newMF !== undefined && !deepEqual(newMF, oldMF) ? decodeManagers(next) : decodeManagers(old);

  const base = old ? withoutManagedFields(old) : zeroShape(next);
  const target = withoutManagedFields(next);
  const c = strip(compare(base, target, schema), ignoredPaths(opts));

  const current = '\u0000current-operation';
  settle(c, managers, current, true);
  const set = c.modified.union(c.added).difference(c.removed);
  const entry: ManagedFieldsEntry = { manager, operation, apiVersion };
  if (opts.subresource) entry.subresource = opts.subresource;
  const key = managerKey(entry);
  if (!set.isEmpty()) {
    const prev = managers.get(key);
    managers.set(key, { entry: { ...entry, time: rfc3339(now()) }, set: prev ? prev.set.union(set) : set });
  }
  return setManagedFields(target, managers);
}
