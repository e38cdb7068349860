// kubectl's client-side apply patch: strategicpatch.CreateThreeWayMergePatch (last-applied original,
// new modified, live current) with merge keys from apiserver/patch/patch-meta.ts, ported step by step
// (diffMaps / diffLists / mergeMap) so the JSON matches kubectl's byte for byte. Computes only; sends nothing.
import { EMPTY_SCHEMA, type PatchSchema } from '../../api/patch-schema.js';
import { goJson } from '../printers/go-json.js';

type JSONMap = Record<string, unknown>;

const DIRECTIVE = '$patch';
const RETAIN_KEYS = '$retainKeys';
const SET_ORDER = '$setElementOrder';
const DELETE_PRIMITIVE = '$deleteFromPrimitiveList';

interface DiffOptions {
  ignoreDeletions: boolean;
  ignoreChangesAndAdditions: boolean;
  buildRetainKeysDirective: boolean;
}

const isMap = (v: unknown): v is JSONMap => typeof v === 'object' && v !== null && !Array.isArray(v);

/** What reflect.TypeOf distinguishes for decoded JSON. */
function typeOf(v: unknown): string {
  if (v === null || v === undefined) return 'nil';
  if (Array.isArray(v)) return 'slice';
  return typeof v === 'object' ? 'map' : typeof v;
}

/** fmt.Sprintf("%v", v) for decoded JSON scalars (numbers are float64 in Go). */
export function goV(v: unknown): string {
  if (v === null || v === undefined) return '<nil>';
  if (typeof v === 'number') {
    const abs = Math.abs(v);
    if (abs !== 0 && (abs < 1e-4 || abs >= 1e6 || (Number.isInteger(v) && String(abs).length > 6))) {
      return v.toExponential().replace(/e([+-])(\d)$/, 'e$10$2');
    }
    return String(v);
  }
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeOf(a) !== typeOf(b)) return false;
  if (Array.isArray(a)) {
    const bb = b as unknown[];
    return a.length === bb.length && a.every((x, i) => deepEqual(x, bb[i]));
  }
  if (isMap(a)) {
    const bm = b as JSONMap;
    const ka = Object.keys(a);
    return ka.length === Object.keys(bm).length && ka.every((k) => Object.prototype.hasOwnProperty.call(bm, k) && deepEqual(a[k], bm[k]));
  }
  return false;
}

/** Splits `merge,retainKeys` into whether retainKeys is on and the other strategy. */
function strategies(strategy: string | undefined): { retainKeys: boolean; strategy: string } {
  const parts = (strategy ?? '').split(',').filter(Boolean);
  const retainKeys = parts.includes('retainKeys');
  return { retainKeys, strategy: parts.find((p) => p !== 'retainKeys') ?? '' };
}

function fieldOf(schema: PatchSchema, key: string): { schema: PatchSchema; strategy: string; retainKeys: boolean; mergeKey: string } {
  const meta = schema.field(key);
  return { schema: meta?.schema ?? EMPTY_SCHEMA, mergeKey: meta?.mergeKey ?? '', ...strategies(meta?.strategy) };
}

function byString(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function sortScalars(list: unknown[]): unknown[] {
  return [...list].sort((a, b) => byString(goV(a), goV(b)));
}

function dedupeScalars(list: unknown[]): unknown[] {
  const seen = new Set<string>();
  const out: unknown[] = [];
  for (const v of list) {
    const key = `${typeOf(v)}:${goV(v)}`;
    if (!seen.has(key)) {
      seen.add(key);
      out.push(v);
    }
  }
  return out;
}

// ---- diff ------------------------------------------------------------------------------------

function diffMaps(original: JSONMap, modified: JSONMap, schema: PatchSchema, opts: DiffOptions): JSONMap {
  const patch: JSONMap = {};
  const retainKeysList: string[] = [];
  for (const [key, modifiedValue] of Object.entries(modified)) {
    if (opts.buildRetainKeysDirective && modifiedValue !== null) retainKeysList.push(key);
    if (!Object.prototype.hasOwnProperty.call(original, key)) {
      if (!opts.ignoreChangesAndAdditions) patch[key] = modifiedValue;
      continue;
    }
    const originalValue = original[key];
    if (key === DIRECTIVE) {
      // A directive in the original (never in apply's inputs): keep the modified one when it changed.
      if (!deepEqual(originalValue, modifiedValue)) patch[key] = modifiedValue;
      continue;
    }
    if (typeOf(originalValue) !== typeOf(modifiedValue)) {
      if (!opts.ignoreChangesAndAdditions) patch[key] = modifiedValue;
      continue;
    }
    if (isMap(originalValue)) {
      handleMapDiff(key, originalValue, modifiedValue as JSONMap, patch, schema, opts);
    } else if (Array.isArray(originalValue)) {
      handleSliceDiff(key, originalValue, modifiedValue as unknown[], patch, schema, opts);
    } else if (!opts.ignoreChangesAndAdditions && !deepEqual(originalValue, modifiedValue)) {
      patch[key] = modifiedValue;
    }
  }
  if (!opts.ignoreDeletions) {
    for (const key of Object.keys(original)) {
      if (!Object.prototype.hasOwnProperty.call(modified, key)) patch[key] = null;
    }
  }
  if (retainKeysList.length > 0 && (Object.keys(patch).length > 0 || hasAdditionalNewField(original, modified))) {
    patch[RETAIN_KEYS] = sortScalars(retainKeysList);
  }
  return patch;
}

function hasAdditionalNewField(original: JSONMap, modified: JSONMap): boolean {
  return Object.entries(original).some(([k, v]) => v !== null && !Object.prototype.hasOwnProperty.call(modified, k));
}

function handleMapDiff(key: string, original: JSONMap, modified: JSONMap, patch: JSONMap, schema: PatchSchema, opts: DiffOptions): void {
  const f = fieldOf(schema, key);
  if (f.strategy === 'replace') {
    if (!opts.ignoreChangesAndAdditions) patch[key] = modified;
    return;
  }
  const value = diffMaps(original, modified, f.schema, { ...opts, buildRetainKeysDirective: f.retainKeys });
  if (Object.keys(value).length > 0) patch[key] = value;
}

function handleSliceDiff(key: string, original: unknown[], modified: unknown[], patch: JSONMap, schema: PatchSchema, opts: DiffOptions): void {
  const f = fieldOf(schema, key);
  if (f.strategy !== 'merge') {
    if (!opts.ignoreChangesAndAdditions && !deepEqual(original, modified)) patch[key] = modified;
    return;
  }
  const { add, del, order } = diffLists(original, modified, f.schema, f.mergeKey, { ...opts, buildRetainKeysDirective: f.retainKeys });
  if (add.length > 0) patch[key] = add;
  if (del.length > 0) patch[`${DELETE_PRIMITIVE}/${key}`] = del;
  if (order.length > 0) patch[`${SET_ORDER}/${key}`] = order;
}

function diffLists(original: unknown[], modified: unknown[], schema: PatchSchema, mergeKey: string, opts: DiffOptions): { add: unknown[]; del: unknown[]; order: unknown[] } {
  const none = { add: [], del: [], order: [] };
  if (original.length === 0) {
    if (modified.length === 0 || opts.ignoreChangesAndAdditions) return none;
    return { add: modified, del: [], order: [] };
  }
  const sample = original[0] ?? modified[0];
  if (isMap(sample)) {
    const { patch, deletions } = diffListsOfMaps(original, modified, schema, mergeKey, opts);
    const add = [...normalizeSliceOrder(patch, modified, mergeKey, true), ...deletions];
    const orderSame = isOrderSame(original, modified, mergeKey);
    let order: unknown[] = [];
    if ((!opts.ignoreChangesAndAdditions && (add.length > 0 || !orderSame)) || (!opts.ignoreDeletions && add.length > 0)) {
      order = modified.map((v) => ({ [mergeKey]: (v as JSONMap)[mergeKey] }));
    }
    return { add, del: [], order };
  }
  if (Array.isArray(sample)) throw new Error('lists of lists are not supported');
  const { add, del } = diffListsOfScalars(original, modified, opts);
  let order: unknown[] = [];
  if ((!opts.ignoreDeletions && del.length > 0) || (!opts.ignoreChangesAndAdditions && !deepEqual(original, modified))) order = modified;
  return { add: normalizeSliceOrder(add, modified, mergeKey, false), del, order };
}

function isOrderSame(original: unknown[], modified: unknown[], mergeKey: string): boolean {
  if (original.length !== modified.length) return false;
  return modified.every((m, i) => goV((original[i] as JSONMap)[mergeKey]) === goV((m as JSONMap)[mergeKey]));
}

function diffListsOfScalars(original: unknown[], modified: unknown[], opts: DiffOptions): { add: unknown[]; del: unknown[] } {
  const o = sortScalars(original);
  const m = sortScalars(modified);
  const add: unknown[] = [];
  const del: unknown[] = [];
  let i = 0;
  let j = 0;
  while (i < o.length || j < m.length) {
    const os = i < o.length ? goV(o[i]) : undefined;
    const ms = j < m.length ? goV(m[j]) : undefined;
    if (os !== undefined && ms !== undefined && os === ms) {
      i++;
      j++;
    } else if (os === undefined || (ms !== undefined && os > ms)) {
      if (!opts.ignoreChangesAndAdditions) add.push(m[j]);
      j++;
    } else {
      if (!opts.ignoreDeletions) del.push(o[i]);
      i++;
    }
  }
  return { add, del: dedupeScalars(del) };
}

function sortByMergeKey(list: unknown[], mergeKey: string): JSONMap[] {
  return [...(list as JSONMap[])].sort((a, b) => byString(goV(a[mergeKey]), goV(b[mergeKey])));
}

function requireMergeKey(item: JSONMap, mergeKey: string): unknown {
  if (!Object.prototype.hasOwnProperty.call(item, mergeKey)) {
    throw new Error(`map: ${goMapString(item)} does not contain declared merge key: ${mergeKey}`);
  }
  return item[mergeKey];
}

function goMapString(m: JSONMap): string {
  return `map[${Object.keys(m)
    .sort(byString)
    .map((k) => `${k}:${goV(m[k])}`)
    .join(' ')}]`;
}

function diffListsOfMaps(original: unknown[], modified: unknown[], schema: PatchSchema, mergeKey: string, opts: DiffOptions): { patch: unknown[]; deletions: unknown[] } {
  const patch: unknown[] = [];
  const deletions: unknown[] = [];
  const o = sortByMergeKey(original, mergeKey);
  const m = sortByMergeKey(modified, mergeKey);
  let i = 0;
  let j = 0;
  while (i < o.length || j < m.length) {
    const ok = i < o.length ? requireMergeKey(o[i], mergeKey) : undefined;
    const mk = j < m.length ? requireMergeKey(m[j], mergeKey) : undefined;
    const os = i < o.length ? goV(ok) : undefined;
    const ms = j < m.length ? goV(mk) : undefined;
    if (os !== undefined && ms !== undefined && os === ms) {
      const value = diffMaps(o[i], m[j], schema, opts);
      if (Object.keys(value).length > 0) {
        value[mergeKey] = mk;
        patch.push(value);
      }
      i++;
      j++;
    } else if (os === undefined || (ms !== undefined && os > ms)) {
      if (!opts.ignoreChangesAndAdditions) patch.push(m[j]);
      j++;
    } else {
      if (!opts.ignoreDeletions) deletions.push({ [DIRECTIVE]: 'delete', [mergeKey]: ok });
      i++;
    }
  }
  return { patch, deletions };
}

/** The index of an item (maps: by merge key value) in a list, as strategicpatch's `index`. */
function indexIn(list: unknown[], item: unknown, mergeKey: string, maps: boolean): number {
  const val = (x: unknown): unknown => (maps ? (isMap(x) ? x[mergeKey] : undefined) : x);
  const want = val(item);
  return list.findIndex((x) => val(x) === want);
}

/** Orders items as they appear in `order`; `$patch: delete` items go last. */
function normalizeSliceOrder(toSort: unknown[], order: unknown[], mergeKey: string, maps: boolean): unknown[] {
  let keep = toSort;
  let toDelete: unknown[] = [];
  if (maps) {
    keep = toSort.filter((x) => !(isMap(x) && x[DIRECTIVE] === 'delete'));
    toDelete = toSort.filter((x) => isMap(x) && x[DIRECTIVE] === 'delete');
  }
  const indexed = keep.map((x, n) => ({ x, n, at: indexIn(order, x, mergeKey, maps) }));
  indexed.sort((a, b) => (a.at >= 0 && b.at >= 0 ? a.at - b.at : a.n - b.n));
  return [...indexed.map((e) => e.x), ...toDelete];
}

// ---- merge (deletions patch + delta patch) ----------------------------------------------------

function mergeMap(original: JSONMap, patch: JSONMap, schema: PatchSchema): JSONMap {
  const out: JSONMap = { ...original };
  const rest: JSONMap = { ...patch };
  if (Object.prototype.hasOwnProperty.call(rest, RETAIN_KEYS)) {
    if (!Object.prototype.hasOwnProperty.call(out, RETAIN_KEYS)) out[RETAIN_KEYS] = rest[RETAIN_KEYS];
    delete rest[RETAIN_KEYS];
  }
  for (const key of Object.keys(rest)) {
    if (!key.startsWith(`${SET_ORDER}/`)) continue;
    if (!Object.prototype.hasOwnProperty.call(out, key)) out[key] = rest[key];
    delete rest[key];
  }
  for (const [key, value] of Object.entries(rest)) {
    if (key.startsWith(`${DELETE_PRIMITIVE}/`)) {
      out[key] = value;
      continue;
    }
    if (value === null) delete out[key];
    if (!Object.prototype.hasOwnProperty.call(out, key) || typeOf(out[key]) !== typeOf(value)) {
      out[key] = value;
      continue;
    }
    const current = out[key];
    const f = fieldOf(schema, key);
    if (isMap(current)) {
      out[key] = f.strategy === 'replace' ? value : mergeMap(current, value as JSONMap, f.schema);
    } else if (Array.isArray(current)) {
      out[key] = f.strategy === 'merge' ? mergeSlice(current, value as unknown[], f.schema, f.mergeKey) : value;
    } else {
      out[key] = value;
    }
  }
  return out;
}

function mergeSlice(original: unknown[], patch: unknown[], schema: PatchSchema, mergeKey: string): unknown[] {
  if (original.length === 0 && patch.length === 0) return original;
  const maps = isMap(original[0] ?? patch[0]);
  let merged: unknown[];
  if (!maps) {
    merged = dedupeScalars([...original, ...patch]);
  } else {
    if (!mergeKey) throw new Error('cannot merge lists without merge key');
    merged = [...original];
    for (const item of patch as JSONMap[]) {
      const at = merged.findIndex((x) => isMap(x) && x[mergeKey] === item[mergeKey]);
      if (at >= 0) merged[at] = mergeMap(merged[at] as JSONMap, item, schema);
      else merged.push(item);
    }
  }
  const inPatch = (x: unknown): boolean => indexIn(patch, x, mergeKey, maps) >= 0;
  const patchItems = normalizeSliceOrder(merged.filter(inPatch), patch, mergeKey, maps);
  const serverOnly = normalizeSliceOrder(merged.filter((x) => !inPatch(x)), original, mergeKey, maps);
  return mergeSortedSlice(serverOnly, patchItems, original, mergeKey, maps);
}

function mergeSortedSlice(left: unknown[], right: unknown[], serverOrder: unknown[], mergeKey: string, maps: boolean): unknown[] {
  const out: unknown[] = [];
  let i = 0;
  let j = 0;
  while (i < left.length || j < right.length) {
    if (i >= left.length) out.push(right[j++]);
    else if (j >= right.length) out.push(left[i++]);
    else {
      const li = indexIn(serverOrder, left[i], mergeKey, maps);
      const ri = indexIn(serverOrder, right[j], mergeKey, maps);
      if (li >= 0 && ri >= 0 && li < ri) out.push(left[i++]);
      else out.push(right[j++]);
    }
  }
  return out;
}

// ---- the three-way patch ----------------------------------------------------------------------

/**
 * The patch kubectl sends: changes from live `current` to `modified` (no deletions), plus deletions
 * of what `original` (last-applied) had and `modified` dropped, with `$setElementOrder` directives.
 */
export function createThreeWayMergePatch(original: JSONMap | undefined, modified: JSONMap, current: JSONMap, schema: PatchSchema): JSONMap {
  const delta = diffMaps(current, modified, schema, { ignoreDeletions: true, ignoreChangesAndAdditions: false, buildRetainKeysDirective: false });
  const deletions = diffMaps(original ?? {}, modified, schema, { ignoreDeletions: false, ignoreChangesAndAdditions: true, buildRetainKeysDirective: false });
  return mergeMap(deletions, delta, schema);
}

/** The patch as the bytes kubectl sends (Go's json.Marshal). */
export function threeWayPatchJSON(original: JSONMap | undefined, modified: JSONMap, current: JSONMap, schema: PatchSchema): string {
  return goJson(createThreeWayMergePatch(original, modified, current, schema));
}
