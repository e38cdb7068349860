// The typed-value operations of server-side apply (upstream's structured-merge-diff) over decoded
// JSON and a PatchSchema: field sets, comparison, merge of an applied configuration, removal of
// owned paths. Pure; knows nothing of managers or requests.

import { FieldSet, fieldPE, keyPE, pathString, valuePE, type Path, type PathElement } from './fieldpath.js';
import { deepEqual, hasKey, isObject, setKey, type JSONObject } from './json.js';
import { EMPTY_SCHEMA, type PatchFieldMeta, type PatchSchema } from '../../api/patch-schema.js';

export type ListKind = { kind: 'atomic' } | { kind: 'set' } | { kind: 'map'; keys: readonly string[] };

export function listKind(meta: PatchFieldMeta | undefined, items: unknown[]): ListKind {
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

export class MissingKeyError extends Error {}

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
export function toFieldSet(obj: JSONObject, schema: PatchSchema): FieldSet {
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

export interface Comparison {
  added: FieldSet;
  modified: FieldSet;
  removed: FieldSet;
}

export const isEmptyValue = (v: unknown) =>
  v === undefined || v === null || (Array.isArray(v) && v.length === 0) || (isObject(v) && Object.keys(v).length === 0);

/** Upstream's TypedValue.Compare: leaves added/modified/removed plus added/removed items. */
export function compare(lhs: JSONObject, rhs: JSONObject, schema: PatchSchema): Comparison {
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
    // A null stands for an empty map or list (Go's nil), as upstream's typed values treat it.
    const present = l === undefined || l === null ? r : l;
    const sameShape =
      l === undefined || r === undefined || l === null || r === null || (isObject(l) === isObject(r) && Array.isArray(l) === Array.isArray(r));
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
  if (isObject(l) && isObject(r) && meta?.mapType !== 'atomic') return mergeApplied(l, r, meta?.schema ?? EMPTY_SCHEMA);
  if (Array.isArray(l) && Array.isArray(r)) {
    const lk = listKind(meta, [...l, ...r]);
    if (lk.kind !== 'atomic') return mergeList(l, r, lk, meta);
  }
  return structuredClone(r);
}

export function mergeApplied(l: JSONObject, r: JSONObject, schema: PatchSchema): JSONObject {
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
export function removePath(root: JSONObject, path: Path, schema: PatchSchema): void {
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

/** Go non-pointer structs: present, empty, in the zero object upstream compares a create to. */
const ZERO_STRUCTS = new Set(['metadata', 'spec', 'status', 'template', 'strategy', 'updateStrategy', 'jobTemplate']);
/** Lists without omitempty: present as null in the zero object (PodSpec.containers). */
const ZERO_NULL_LISTS = new Set(['containers']);

/** The zero object of a create's kind, as far as it matters for ownership. */
export function zeroShape(obj: JSONObject, depth = 0): JSONObject {
  const out: JSONObject = {};
  if (depth > 4) return out;
  for (const [k, v] of Object.entries(obj)) {
    if (ZERO_STRUCTS.has(k) && isObject(v)) out[k] = zeroShape(v, depth + 1);
    else if (ZERO_NULL_LISTS.has(k) && Array.isArray(v)) out[k] = null;
  }
  return out;
}
