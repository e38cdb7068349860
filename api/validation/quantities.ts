// Resource quantities in validation: parse with api/quantity.ts, negative and requests-vs-limits checks.
// Quantity arithmetic is api/quantity.ts's; this file only reports FieldErrors on resource lists.

import { field } from '../errors.js';
import { ErrFormatWrong, parseQuantity, QuantityParseError, type Quantity } from '../quantity.js';
import { isQualifiedName } from './names.js';
import { isObj, type Errs } from './util.js';

type Q = Quantity;

function cmp(a: Q, b: Q): number {
  return a.cmp(b);
}

/** Parses one quantity; on failure pushes upstream's `must match the regex` error. */
function parse(v: unknown, path: string, errs: Errs): Q | undefined {
  if (typeof v !== 'string' && typeof v !== 'number') {
    errs.push(field.typeInvalid(path, v, 'must be of type string or number'));
    return undefined;
  }
  let q: Q;
  try {
    q = parseQuantity(v);
  } catch (e) {
    errs.push(field.invalid(path, v, e instanceof QuantityParseError ? e.message : ErrFormatWrong));
    return undefined;
  }
  if (q.sign() < 0) errs.push(field.invalid(path, q.toString(), 'must be greater than or equal to 0'));
  return q;
}

const STANDARD = new Set(['cpu', 'memory', 'ephemeral-storage', 'storage', 'pods', 'services']);

function validateResourceName(name: string, path: string, errs: Errs): void {
  for (const msg of isQualifiedName(name)) errs.push(field.invalid(path, name, msg));
  if (!name.includes('/') && !STANDARD.has(name) && !name.startsWith('requests.') && !name.startsWith('limits.') && !name.startsWith('hugepages-')) {
    errs.push(field.invalid(path, name, 'must be a standard resource type or fully qualified'));
  }
}

/** Parses every entry of a ResourceList at `path` (`...resources.limits`); returns the good ones. */
export function validateResourceList(v: unknown, path: string, errs: Errs): Map<string, { raw: unknown; q: Q }> {
  const out = new Map<string, { raw: unknown; q: Q }>();
  if (v === undefined || v === null) return out;
  if (!isObj(v)) {
    errs.push(field.typeInvalid(path, v, 'must be of type object'));
    return out;
  }
  for (const [name, raw] of Object.entries(v)) {
    const p = `${path}[${name}]`;
    validateResourceName(name, p, errs);
    const q = parse(raw, p, errs);
    if (q) out.set(name, { raw, q });
  }
  return out;
}

/** ValidateResourceRequirements: both lists, and every request no more than its limit. */
export function validateResourceRequirements(v: unknown, path: string, errs: Errs): void {
  if (v === undefined || v === null) return;
  if (!isObj(v)) {
    errs.push(field.typeInvalid(path, v, 'must be of type object'));
    return;
  }
  const limits = validateResourceList(v.limits, `${path}.limits`, errs);
  const requests = validateResourceList(v.requests, `${path}.requests`, errs);
  for (const [name, req] of requests) {
    const lim = limits.get(name);
    if (lim && cmp(req.q, lim.q) > 0) {
      errs.push(field.invalid(`${path}.requests[${name}]`, req.q.toString(), `must be less than or equal to ${name} limit of ${lim.q.toString()}`));
    }
  }
}
