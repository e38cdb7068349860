// The StatusErrors the patch code raises, shaped as upstream's patch handler shapes them.
// Patch modules throw only these (or catalogue errors); they never throw a plain Error.

import { BadRequestError, StatusError } from '../../api/errors.js';

/**
 * errors.NewGenericServerResponse(422, "", GroupResource{}, "", msg, 0, false): upstream drops the
 * underlying message and answers with the generic text and an empty details object.
 */
export function unprocessablePatchError(): StatusError {
  return new StatusError(422, 'Invalid', 'the server rejected our request due to an error in our request', {});
}

export function badPatchError(message: string): StatusError {
  return new BadRequestError(message);
}

/**
 * A patch that cannot apply for a reason upstream reports as a plain Go error (a 500 with an empty
 * reason there). The fault is the request's, and k8ts promises no 5xx for bad input, so it is a
 * 400 BadRequest carrying upstream's text.
 */
export function plainServerError(message: string): StatusError {
  return new BadRequestError(message);
}

/** Go's `%v` rendering of decoded JSON, used in upstream's error texts (`map[a:1 b:x]`). */
export function goFormat(v: unknown): string {
  if (v === null || v === undefined) return '<nil>';
  if (Array.isArray(v)) return `[${v.map(goFormat).join(' ')}]`;
  if (typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return `map[${Object.keys(o)
      .sort()
      .map((k) => `${k}:${goFormat(o[k])}`)
      .join(' ')}]`;
  }
  return String(v);
}
