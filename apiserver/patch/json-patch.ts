// RFC 6902 JSON patch (application/json-patch+json) applied to a stored object, as a pure function.
// Owns the mapping of patch failures to upstream's status codes; never mutates its inputs and never
// throws anything but a StatusError.

import jsonpatch from 'fast-json-patch';
import type { Operation } from 'fast-json-patch';
import { RequestEntityTooLargeError, StatusError } from '../../api/errors.js';
import { badPatchError, unprocessablePatchError } from './errors.js';

/** Upstream's maxJSONPatchOperations. */
export const MAX_JSON_PATCH_OPERATIONS = 10000;

function goJSONKind(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'object') return 'object';
  return typeof v === 'boolean' ? 'bool' : typeof v;
}

/**
 * Apply `patch` (the decoded request body) to `original`. A body that is not a list of operation
 * objects is a 400 (decoding fails upstream); an operation that cannot apply (bad op, missing path,
 * failed test) is upstream's generic 422 Invalid.
 */
export function applyJSONPatch(original: object, patch: unknown): object {
  if (!Array.isArray(patch)) {
    throw badPatchError(`json: cannot unmarshal ${goJSONKind(patch)} into Go value of type jsonpatch.Patch`);
  }
  for (const op of patch) {
    if (op === null || typeof op !== 'object' || Array.isArray(op)) {
      throw badPatchError(`json: cannot unmarshal ${goJSONKind(op)} into Go value of type jsonpatch.Operation`);
    }
  }
  if (patch.length > MAX_JSON_PATCH_OPERATIONS) {
    throw new RequestEntityTooLargeError(
      `Request entity too large: The allowed maximum operations in a JSON patch is ${MAX_JSON_PATCH_OPERATIONS}, got ${patch.length}`,
    );
  }
  let result: unknown;
  try {
    const doc = structuredClone(original);
    result = jsonpatch.applyPatch(doc, structuredClone(patch) as Operation[], true, true, true).newDocument;
  } catch (err) {
    if (err instanceof StatusError) throw err;
    throw unprocessablePatchError();
  }
  if (result === null || typeof result !== 'object' || Array.isArray(result)) {
    throw unprocessablePatchError();
  }
  return result;
}
