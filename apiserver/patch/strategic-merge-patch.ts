// Strategic merge patch (application/strategic-merge-patch+json), the apply half of upstream's
// k8s.io/apimachinery/pkg/util/strategicpatch, driven by a PatchSchema. A pure function: never
// mutates its inputs, never throws anything but a StatusError.

import { StatusError } from '../../api/errors.js';
import { badPatchError, goFormat, plainServerError, unprocessablePatchError } from './errors.js';
import { hasKey, isObject, setKey, type JSONObject } from './json.js';
import { EMPTY_SCHEMA, builtinSchemaFor, type GroupVersionKind, type PatchSchema } from '../../api/patch-schema.js';

const DIRECTIVE_MARKER = '$patch';
const RETAIN_KEYS_DIRECTIVE = '$retainKeys';
const DELETE_FROM_PRIMITIVE_LIST_PREFIX = '$deleteFromPrimitiveList';
const SET_ELEMENT_ORDER_PREFIX = '$setElementOrder';
const REPLACE = 'replace';
const DELETE = 'delete';
const MERGE = 'merge';
const RETAIN_KEYS_STRATEGY = 'retainKeys';

// Upstream's mergepatch sentinel errors: these map to 400 (or 422) in the patch handler.
const ERR_BAD_PRIMITIVE_LIST = 'invalid patch format of primitive list';
const ERR_BAD_RETAIN_KEYS = 'invalid patch format of retainKeys';
const ERR_BAD_SET_ELEMENT_ORDER = 'invalid patch format of setElementOrder list';

type Kind = 'map' | 'slice' | 'string' | 'number' | 'boolean' | 'nil';

function kindOf(v: unknown): Kind {
  if (v === null || v === undefined) return 'nil';
  if (Array.isArray(v)) return 'slice';
  if (typeof v === 'object') return 'map';
  return typeof v as Kind;
}

const GO_TYPE: Record<Kind, string> = {
  map: 'map[string]interface {}',
  slice: '[]interface {}',
  string: 'string',
  number: 'float64',
  boolean: 'bool',
  nil: '<nil>',
};

function errNoMergeKey(m: JSONObject, key: string): StatusError {
  return plainServerError(`map: ${goFormat(m)} does not contain declared merge key: ${key}`);
}

function errBadArgType(expected: Kind, actual: unknown): StatusError {
  return plainServerError(`expected a ${GO_TYPE[expected]}, but received a ${GO_TYPE[kindOf(actual)]}`);
}

function errBadPatchType(t: unknown, m: JSONObject): StatusError {
  return plainServerError(`unknown patch type: ${goFormat(t)} in map: ${goFormat(m)}`);
}

/** Splits `merge,retainKeys` into (has retainKeys, the other strategy). */
function extractRetainKeysPatchStrategy(strategy: string | undefined): [boolean, string] {
  const strategies = strategy ? strategy.split(',') : [];
  switch (strategies.length) {
    case 0:
      return [false, ''];
    case 1:
      return strategies[0] === RETAIN_KEYS_STRATEGY ? [true, ''] : [false, strategies[0]];
    case 2:
      if (strategies[0] === RETAIN_KEYS_STRATEGY) return [true, strategies[1]];
      if (strategies[1] === RETAIN_KEYS_STRATEGY) return [true, strategies[0]];
      break;
  }
  throw plainServerError(`unexpected patch strategy: ${goFormat(strategies)}`);
}

function lookup(schema: PatchSchema, key: string): { schema: PatchSchema; strategy: string; mergeKey: string } {
  const meta = schema.field(key);
  const [, strategy] = extractRetainKeysPatchStrategy(meta?.strategy);
  return { schema: meta?.schema ?? EMPTY_SCHEMA, strategy, mergeKey: meta?.mergeKey ?? '' };
}

function handleDirectiveInMergeMap(directive: unknown, patch: JSONObject): JSONObject {
  if (directive === REPLACE) {
    delete patch[DIRECTIVE_MARKER];
    return patch;
  }
  if (directive === DELETE) return {};
  throw errBadPatchType(directive, patch);
}

function extractKey(s: string, prefix: string): string {
  const i = s.indexOf('/');
  if (i < 0 || s.slice(0, i) !== prefix) {
    if (prefix === DELETE_FROM_PRIMITIVE_LIST_PREFIX) throw badPatchError(ERR_BAD_PRIMITIVE_LIST);
    if (prefix === SET_ELEMENT_ORDER_PREFIX) throw badPatchError(ERR_BAD_SET_ELEMENT_ORDER);
    throw plainServerError(`fail to find unknown prefix ${JSON.stringify(prefix)} in ${s}`);
  }
  return s.slice(i + 1);
}

/** Removes `$patch` maps from a value taken whole from the patch; [value, keep]. */
function removeDirectives(obj: unknown): [unknown, boolean] {
  if (isObject(obj)) {
    if (hasKey(obj, DIRECTIVE_MARKER)) return [undefined, false];
    for (const k of Object.keys(obj)) {
      const [v, keep] = removeDirectives(obj[k]);
      if (keep) setKey(obj, k, v);
      else delete obj[k];
    }
    return [obj, true];
  }
  if (Array.isArray(obj)) {
    const res: unknown[] = [];
    for (const v of obj) {
      const [nv, keep] = removeDirectives(v);
      if (keep) res.push(nv);
    }
    return [res, true];
  }
  return [obj, true];
}

function discardNullValuesFromPatch(v: unknown): void {
  if (isObject(v)) {
    for (const k of Object.keys(v)) {
      if (v[k] === null) delete v[k];
      else discardNullValuesFromPatch(v[k]);
    }
  } else if (Array.isArray(v)) {
    for (const x of v) discardNullValuesFromPatch(x);
  }
}

function sliceElementType(...slices: unknown[][]): Kind {
  let prev: Kind | undefined;
  for (const s of slices) {
    for (const v of s) {
      const cur = kindOf(v);
      if (prev === undefined) {
        prev = cur;
        if (prev === 'slice') throw unprocessablePatchError(); // ErrNoListOfLists
      } else if (prev !== cur) {
        throw plainServerError(`list element types are not identical: ${goFormat(slices)}`);
      }
    }
  }
  if (prev === undefined) throw plainServerError('no elements in any of the given slices');
  return prev;
}

/** Go's `==` on interface values holding decoded JSON scalars. */
function scalarEqual(a: unknown, b: unknown): boolean {
  return a === b;
}

function findMapInSlice(list: unknown[], key: string, value: unknown): [JSONObject | undefined, number] {
  for (let i = 0; i < list.length; i++) {
    const m = list[i];
    if (!isObject(m)) throw plainServerError(`value for key ${i} is not a map`);
    if (hasKey(m, key) && scalarEqual(m[key], value)) return [m, i];
  }
  return [undefined, -1];
}

function deduplicateScalars(input: unknown[]): unknown[] {
  // Upstream's in-place algorithm (moves the last element into a duplicate's slot); the order it
  // leaves is normalized afterwards.
  const s = [...input];
  let length = s.length - 1;
  for (let i = 0; i < length; i++) {
    for (let j = i + 1; j <= length; j++) {
      if (scalarEqual(s[i], s[j])) {
        s[j] = s[length];
        s.length = length;
        length--;
        j--;
      }
    }
  }
  return s;
}

function applyRetainKeysDirective(original: JSONObject, patch: JSONObject): void {
  if (!hasKey(patch, RETAIN_KEYS_DIRECTIVE)) return;
  const retainKeys = patch[RETAIN_KEYS_DIRECTIVE];
  delete patch[RETAIN_KEYS_DIRECTIVE];
  if (!Array.isArray(retainKeys)) throw badPatchError(ERR_BAD_RETAIN_KEYS);
  const keep = new Set(retainKeys);
  for (const [k, v] of Object.entries(patch)) {
    if (v === null || k.startsWith(DELETE_FROM_PRIMITIVE_LIST_PREFIX) || k.startsWith(SET_ELEMENT_ORDER_PREFIX)) continue;
    if (!keep.has(k)) throw badPatchError(ERR_BAD_RETAIN_KEYS);
  }
  for (const k of Object.keys(original)) if (!keep.has(k)) delete original[k];
}

function extractToDeleteItems(list: unknown[]): [unknown[], unknown[]] {
  const nonDelete: unknown[] = [];
  const toDelete: unknown[] = [];
  for (const v of list) {
    if (!isObject(v)) throw errBadArgType('map', v);
    if (hasKey(v, DIRECTIVE_MARKER) && v[DIRECTIVE_MARKER] === DELETE) toDelete.push(v);
    else nonDelete.push(v);
  }
  return [nonDelete, toDelete];
}

function mergeKeyValueEqual(left: unknown, right: unknown, mergeKey: string): boolean {
  if (!mergeKey) return scalarEqual(left, right);
  if (!isObject(left)) throw errBadArgType('map', left);
  if (!isObject(right)) throw errBadArgType('map', right);
  if (!hasKey(left, mergeKey)) throw errNoMergeKey(left, mergeKey);
  if (!hasKey(right, mergeKey)) throw errNoMergeKey(right, mergeKey);
  return scalarEqual(left[mergeKey], right[mergeKey]);
}

function validatePatchWithSetOrderList(patchList: unknown[], setOrderList: unknown, mergeKey: string): void {
  if (!Array.isArray(setOrderList)) throw badPatchError(ERR_BAD_SET_ELEMENT_ORDER);
  if (setOrderList.length === 0 || patchList.length === 0) return;
  const nonDelete = mergeKey ? extractToDeleteItems(patchList)[0] : patchList;
  let p = 0;
  let o = 0;
  while (p < nonDelete.length && o < setOrderList.length) {
    const item = nonDelete[p];
    if (isObject(item) && hasKey(item, DIRECTIVE_MARKER)) {
      p++;
      continue;
    }
    if (mergeKeyValueEqual(item, setOrderList[o], mergeKey)) p++;
    o++;
  }
  if (p < nonDelete.length && o >= setOrderList.length) {
    throw plainServerError(
      `the order in patch list:\n${goFormat(patchList)}\n doesn't match ${SET_ELEMENT_ORDER_PREFIX} list:\n${goFormat(setOrderList)}`,
    );
  }
}

function itemKey(item: unknown, mergeKey: string, kind: Kind): unknown {
  if (kind === 'map') return isObject(item) ? item[mergeKey] : undefined;
  return item;
}

function indexIn(list: unknown[], item: unknown, mergeKey: string, kind: Kind): number {
  const want = itemKey(item, mergeKey, kind);
  return list.findIndex((v) => scalarEqual(itemKey(v, mergeKey, kind), want));
}

function normalizeSliceOrder(toSort: unknown[], order: unknown[], mergeKey: string, kind: Kind): unknown[] {
  let toDelete: unknown[] = [];
  if (kind === 'map') {
    for (const list of [toSort, order]) {
      for (const item of list) {
        if (!isObject(item)) throw errBadArgType('map', item);
        if (!hasKey(item, mergeKey)) throw errNoMergeKey(item, mergeKey);
      }
    }
    [toSort, toDelete] = extractToDeleteItems(toSort);
  }
  const sorted = [...toSort].sort((a, b) => {
    const ia = indexIn(order, a, mergeKey, kind);
    const ib = indexIn(order, b, mergeKey, kind);
    return ia >= 0 && ib >= 0 ? ia - ib : 0;
  });
  return [...sorted, ...toDelete];
}

function mergeSortedSlice(left: unknown[], right: unknown[], serverOrder: unknown[], mergeKey: string, kind: Kind): unknown[] {
  const out: unknown[] = [];
  let i = 0;
  let j = 0;
  while (i < left.length && j < right.length) {
    const li = indexIn(serverOrder, left[i], mergeKey, kind);
    const ri = indexIn(serverOrder, right[j], mergeKey, kind);
    if (li >= 0 && ri >= 0 && li < ri) out.push(left[i++]);
    else out.push(right[j++]);
  }
  return [...out, ...left.slice(i), ...right.slice(j)];
}

function normalizeElementOrder(
  patch: unknown[],
  serverOnly: unknown[],
  patchOrder: unknown[],
  serverOrder: unknown[],
  mergeKey: string,
  kind: Kind,
): unknown[] {
  const p = normalizeSliceOrder(patch, patchOrder, mergeKey, kind);
  const s = normalizeSliceOrder(serverOnly, serverOrder, mergeKey, kind);
  return mergeSortedSlice(s, p, serverOrder, mergeKey, kind);
}

function partitionPrimitives(list: unknown[], by: unknown[]): [unknown[], unknown[]] {
  const inPatch: unknown[] = [];
  const serverOnly: unknown[] = [];
  for (const v of list) (by.some((b) => scalarEqual(b, v)) ? inPatch : serverOnly).push(v);
  return [inPatch, serverOnly];
}

function partitionMaps(list: unknown[], by: unknown[], mergeKey: string): [unknown[], unknown[]] {
  const inPatch: unknown[] = [];
  const serverOnly: unknown[] = [];
  for (const v of list) {
    if (!isObject(v)) throw errBadArgType('map', v);
    if (!hasKey(v, mergeKey)) throw errNoMergeKey(v, mergeKey);
    const [found] = findMapInSlice(by, mergeKey, v[mergeKey]);
    (found ? inPatch : serverOnly).push(v);
  }
  return [inPatch, serverOnly];
}

function partition(list: unknown[], by: unknown[], mergeKey: string): [unknown[], unknown[]] {
  return mergeKey ? partitionMaps(list, by, mergeKey) : partitionPrimitives(list, by);
}

function mergePatchIntoOriginal(original: JSONObject, patch: JSONObject, schema: PatchSchema): void {
  for (const key of Object.keys(patch)) {
    if (!key.startsWith(SET_ELEMENT_ORDER_PREFIX)) continue;
    const setOrder = patch[key];
    delete patch[key];
    if (!Array.isArray(setOrder)) throw errBadArgType('slice', setOrder);
    const originalKey = extractKey(key, SET_ELEMENT_ORDER_PREFIX);
    const foundOriginal = hasKey(original, originalKey);
    const foundPatch = hasKey(patch, originalKey);
    const originalList = original[originalKey];
    const patchList = patch[originalKey];
    let originalValue: unknown[] = [];
    let patchValue: unknown[] = [];
    if (foundOriginal) {
      if (!Array.isArray(originalList)) throw errBadArgType('slice', originalList);
      originalValue = originalList;
    }
    if (foundPatch) {
      if (!Array.isArray(patchList)) throw errBadArgType('slice', patchList);
      patchValue = patchList;
    }
    const meta = lookup(schema, originalKey);
    validatePatchWithSetOrderList(patchValue, setOrder, meta.mergeKey);

    let merged: unknown[];
    if (foundOriginal && !foundPatch) merged = originalValue;
    else if (!foundOriginal && foundPatch) merged = removeDirectives(patchValue)[0] as unknown[];
    else if (foundOriginal && foundPatch) merged = mergeSliceHandler(originalValue, patchValue, meta.schema, meta.strategy, meta.mergeKey, false);
    else continue;

    const [patchItems, serverOnly] = partition(merged, setOrder, meta.mergeKey);
    const kind = sliceElementType(originalValue, patchValue);
    setKey(original, originalKey, normalizeElementOrder(patchItems, serverOnly, setOrder, originalValue, meta.mergeKey, kind));
    delete patch[originalKey];
  }
}

function mergeSliceHandler(
  original: unknown[],
  patch: unknown[],
  schema: PatchSchema,
  strategy: string,
  mergeKey: string,
  isDeleteList: boolean,
): unknown[] {
  if (strategy === MERGE || isDeleteList) return mergeSlice(original, patch, schema, mergeKey, isDeleteList);
  return patch;
}

function mergeSlice(original: unknown[], patch: unknown[], schema: PatchSchema, mergeKey: string, isDeleteList: boolean): unknown[] {
  if (original.length === 0 && patch.length === 0) return original;
  const kind = sliceElementType(original, patch);
  let merged: unknown[];
  if (kind !== 'map') {
    if (isDeleteList) return original.filter((v) => !patch.some((d) => scalarEqual(d, v)));
    merged = deduplicateScalars([...original, ...patch]);
  } else {
    if (!mergeKey) throw plainServerError('cannot merge lists without merge key');
    [original, patch] = mergeSliceWithSpecialElements(original, patch, mergeKey);
    merged = mergeSliceWithoutSpecialElements([...original], patch, mergeKey, schema);
    original = merged.slice(0, original.length);
  }
  const [patchItems, serverOnly] = partition(merged, patch, kind === 'map' ? mergeKey : '');
  return normalizeElementOrder(patchItems, serverOnly, patch, original, kind === 'map' ? mergeKey : '', kind);
}

function mergeSliceWithSpecialElements(original: unknown[], patch: unknown[], mergeKey: string): [unknown[], unknown[]] {
  const plain: unknown[] = [];
  let replace = false;
  for (const v of patch) {
    const m = v as JSONObject;
    if (!hasKey(m, DIRECTIVE_MARKER)) {
      plain.push(v);
      continue;
    }
    const directive = m[DIRECTIVE_MARKER];
    if (directive === DELETE) {
      if (!hasKey(m, mergeKey)) throw errNoMergeKey(m, mergeKey);
      original = original.filter((o) => !(isObject(o) && hasKey(o, mergeKey) && scalarEqual(o[mergeKey], m[mergeKey])));
    } else if (directive === REPLACE) {
      replace = true;
    } else if (directive === MERGE) {
      throw plainServerError('merging lists cannot yet be specified in the patch');
    } else {
      throw errBadPatchType(directive, m);
    }
  }
  return replace ? [plain, []] : [original, plain];
}

function mergeSliceWithoutSpecialElements(original: unknown[], patch: unknown[], mergeKey: string, schema: PatchSchema): unknown[] {
  for (const v of patch) {
    const m = v as JSONObject;
    if (!hasKey(m, mergeKey)) throw errNoMergeKey(m, mergeKey);
    const [found, at] = findMapInSlice(original, mergeKey, m[mergeKey]);
    if (found) original[at] = mergeMap(found, m, schema);
    else original.push(v);
  }
  return original;
}

function mergeMap(original: JSONObject | undefined, patch: JSONObject, schema: PatchSchema): JSONObject {
  if (hasKey(patch, DIRECTIVE_MARKER)) return handleDirectiveInMergeMap(patch[DIRECTIVE_MARKER], patch);
  const orig: JSONObject = original ?? {};
  applyRetainKeysDirective(orig, patch);
  mergePatchIntoOriginal(orig, patch, schema);

  for (const patchKey of Object.keys(patch)) {
    const patchV = patch[patchKey];
    let k = patchKey;
    let isDeleteList = false;
    if (patchKey.startsWith(DELETE_FROM_PRIMITIVE_LIST_PREFIX)) {
      k = extractKey(patchKey, DELETE_FROM_PRIMITIVE_LIST_PREFIX);
      isDeleteList = true;
    }
    if (patchV === null) {
      delete orig[k];
      continue;
    }
    const takePatch = () => {
      if (isDeleteList) return;
      discardNullValuesFromPatch(patchV);
      const [v, keep] = removeDirectives(patchV);
      if (keep) setKey(orig, k, v);
      else delete orig[k];
    };
    if (!hasKey(orig, k) || kindOf(orig[k]) !== kindOf(patchV)) {
      takePatch();
      continue;
    }
    const kind = kindOf(orig[k]);
    if (kind === 'map') {
      const meta = lookup(schema, k);
      const merged =
        meta.strategy !== REPLACE ? mergeMap(orig[k] as JSONObject, patchV as JSONObject, meta.schema) : (patchV as JSONObject);
      setKey(orig, k, merged);
    } else if (kind === 'slice') {
      const meta = lookup(schema, k);
      setKey(orig, k, mergeSliceHandler(orig[k] as unknown[], patchV as unknown[], meta.schema, meta.strategy, meta.mergeKey, isDeleteList));
    } else {
      takePatch();
    }
  }
  return orig;
}

/** Directive keys left in values taken whole from a patch are unknown fields to a typed decode. */
function stripDirectiveKeys(v: unknown): void {
  if (Array.isArray(v)) {
    for (const x of v) stripDirectiveKeys(x);
  } else if (isObject(v)) {
    for (const k of Object.keys(v)) {
      if (
        k === DIRECTIVE_MARKER ||
        k === RETAIN_KEYS_DIRECTIVE ||
        k.startsWith(`${SET_ELEMENT_ORDER_PREFIX}/`) ||
        k.startsWith(`${DELETE_FROM_PRIMITIVE_LIST_PREFIX}/`)
      ) {
        delete v[k];
      } else {
        stripDirectiveKeys(v[k]);
      }
    }
  }
}

function goJSONKind(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  return typeof v === 'boolean' ? 'bool' : typeof v;
}

/** Applies a strategic merge patch using an explicit schema. */
export function strategicMergePatchWithSchema(original: object, patch: unknown, schema: PatchSchema): object {
  if (!isObject(patch)) {
    throw badPatchError(`json: cannot unmarshal ${goJSONKind(patch)} into Go value of type map[string]interface {}`);
  }
  try {
    const result = mergeMap(structuredClone(original) as JSONObject, structuredClone(patch), schema);
    stripDirectiveKeys(result);
    return result;
  } catch (err) {
    if (err instanceof StatusError) throw err;
    throw plainServerError(err instanceof Error ? err.message : String(err));
  }
}

/** Applies a strategic merge patch to an object of a built-in kind. */
export function strategicMergePatch(original: object, patch: object, kind: GroupVersionKind): object {
  return strategicMergePatchWithSchema(original, patch, builtinSchemaFor(kind));
}

