// RFC 7386 JSON merge patch (application/merge-patch+json) as a pure function.
// null deletes, objects merge recursively, everything else replaces; never mutates its inputs.

import { badPatchError } from './errors.js';
import { isObject, setKey, type JSONObject } from './json.js';

/** Nulls in a value that is copied in whole mean nothing to keep (upstream prunes them). */
function pruneNulls(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(pruneNulls);
  if (isObject(v)) {
    const out: JSONObject = {};
    for (const [k, x] of Object.entries(v)) if (x !== null) setKey(out, k, pruneNulls(x));
    return out;
  }
  return v;
}

function merge(target: unknown, patch: unknown): unknown {
  if (!isObject(patch)) return pruneNulls(patch);
  const out: JSONObject = {};
  if (isObject(target)) for (const [k, v] of Object.entries(target)) setKey(out, k, v);
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else setKey(out, k, merge(Object.prototype.hasOwnProperty.call(out, k) ? out[k] : undefined, v));
  }
  return out;
}

/**
 * Apply a JSON merge patch. Like upstream (evanphx/json-patch MergePatch), a patch that is not an
 * object or array is "Invalid JSON Patch" (400); an array patch replaces the document and must
 * therefore still decode as an object, which it cannot.
 */
export function applyMergePatch(original: object, patch: unknown): object {
  if (!isObject(patch)) throw badPatchError('Invalid JSON Patch');
  return merge(structuredClone(original), patch) as object;
}
