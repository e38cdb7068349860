// Type-tolerant readers and upstream's small field checks shared by every validator.
// A wrong-typed value becomes a FieldError here; nothing in api/validation may throw on junk input.

import { field, type FieldError } from '../errors.js';

export type Obj = Record<string, unknown>;
export type Errs = FieldError[];

export function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function typeName(v: unknown): string {
  if (Array.isArray(v)) return 'array';
  if (v === null) return 'null';
  return typeof v;
}

export function typeErr(path: string, v: unknown, want: string): FieldError {
  return field.typeInvalid(path, v, `must be of type ${want}, got ${typeName(v)}`);
}

/** An optional object field: undefined when absent, an error when not an object. */
export function obj(v: unknown, path: string, errs: Errs): Obj | undefined {
  if (v === undefined || v === null) return undefined;
  if (!isObj(v)) {
    errs.push(typeErr(path, v, 'object'));
    return undefined;
  }
  return v;
}

export function arr(v: unknown, path: string, errs: Errs): unknown[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) {
    errs.push(typeErr(path, v, 'array'));
    return [];
  }
  return v;
}

/** The object items of an array field, with their paths; non-object items are errors. */
export function items(v: unknown, path: string, errs: Errs): [Obj, string, number][] {
  const out: [Obj, string, number][] = [];
  arr(v, path, errs).forEach((it, i) => {
    const p = `${path}[${i}]`;
    if (isObj(it)) out.push([it, p, i]);
    else errs.push(typeErr(p, it, 'object'));
  });
  return out;
}

export function str(v: unknown, path: string, errs: Errs): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') {
    errs.push(typeErr(path, v, 'string'));
    return undefined;
  }
  return v;
}

export function int(v: unknown, path: string, errs: Errs): number | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isInteger(v)) {
    errs.push(typeErr(path, v, 'integer'));
    return undefined;
  }
  return v;
}

export function bool(v: unknown, path: string, errs: Errs): boolean | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'boolean') {
    errs.push(typeErr(path, v, 'boolean'));
    return undefined;
  }
  return v;
}

/** A map of string to string (labels-like); junk entries are errors. */
export function strMap(v: unknown, path: string, errs: Errs): Record<string, string> {
  const o = obj(v, path, errs);
  const out: Record<string, string> = {};
  if (!o) return out;
  for (const [k, val] of Object.entries(o)) {
    if (typeof val === 'string') out[k] = val;
    else errs.push(typeErr(`${path}[${k}]`, val, 'string'));
  }
  return out;
}

export const IS_NEGATIVE = 'must be greater than or equal to 0';

export function nonNegative(v: unknown, path: string, errs: Errs): number | undefined {
  const n = int(v, path, errs);
  if (n !== undefined && n < 0) errs.push(field.invalid(path, n, IS_NEGATIVE));
  return n;
}

export function positive(v: unknown, path: string, errs: Errs): number | undefined {
  const n = int(v, path, errs);
  if (n !== undefined && n <= 0) errs.push(field.invalid(path, n, 'must be greater than 0'));
  return n;
}

/** An enum field: absent is fine (defaulting fills it), unknown is upstream's NotSupported. */
export function oneOf(v: unknown, path: string, allowed: readonly string[], errs: Errs): string | undefined {
  const s = str(v, path, errs);
  if (s === undefined) return undefined;
  if (!allowed.includes(s)) errs.push(field.notSupported(path, s, allowed));
  return s;
}

/** As oneOf, but an absent or empty value is `Required value`. */
export function requiredOneOf(v: unknown, path: string, allowed: readonly string[], errs: Errs): string | undefined {
  const s = str(v, path, errs);
  if (s === undefined || s === '') {
    if (typeof v !== 'string' && v !== undefined && v !== null) return undefined;
    errs.push(field.required(path, ''));
    return undefined;
  }
  if (!allowed.includes(s)) errs.push(field.notSupported(path, s, allowed));
  return s;
}

export function isValidPortNum(n: number): boolean {
  return Number.isInteger(n) && n >= 1 && n <= 65535;
}

export const PORT_RANGE_MSG = 'must be between 1 and 65535, inclusive';

const PORT_NAME_CHARS = /^[-a-z0-9]+$/;

/** validation.IsValidPortName: an IANA_SVC_NAME. */
export function isValidPortName(name: string): string[] {
  const errs: string[] = [];
  if (name.length > 15) errs.push('must be no more than 15 characters');
  if (!PORT_NAME_CHARS.test(name)) errs.push("must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)");
  if (name.includes('--')) errs.push("must not contain consecutive hyphens");
  if (name.length > 0 && !/[a-z]/.test(name)) errs.push('must contain at least one letter (a-z)');
  if (name.startsWith('-') || name.endsWith('-')) errs.push('must not begin or end with a hyphen');
  return errs;
}

/** An IntOrString port (targetPort, probe port): number in range or a valid port name. */
export function validatePortNumOrName(v: unknown, path: string, errs: Errs): void {
  if (typeof v === 'number') {
    if (!isValidPortNum(v)) errs.push(field.invalid(path, v, PORT_RANGE_MSG));
  } else if (typeof v === 'string') {
    for (const msg of isValidPortName(v)) errs.push(field.invalid(path, v, msg));
  } else if (v === undefined || v === null) {
    errs.push(field.required(path, ''));
  } else {
    errs.push(typeErr(path, v, 'integer or string'));
  }
}

/** ValidatePositiveIntOrPercent (maxSurge, maxUnavailable). Returns the value as int or percent. */
export function intOrPercent(v: unknown, path: string, errs: Errs): { value: number; percent: boolean } | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'string') {
    const m = /^([0-9]+)%$/.exec(v);
    if (!m) {
      errs.push(field.invalid(path, v, "a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')"));
      return undefined;
    }
    return { value: Number(m[1]), percent: true };
  }
  if (typeof v === 'number' && Number.isInteger(v)) {
    if (v < 0) errs.push(field.invalid(path, v, IS_NEGATIVE));
    return { value: v, percent: false };
  }
  errs.push(typeErr(path, v, 'integer or string'));
  return undefined;
}

/** Structural equality for JSON values, key order ignored; absent and null are equal. */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if ((a === undefined || a === null) && (b === undefined || b === null)) return true;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((x, i) => deepEqual(x, b[i]));
  }
  if (isObj(a) && isObj(b)) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    for (const k of keys) if (!deepEqual(a[k], b[k])) return false;
    return true;
  }
  return false;
}

/** ValidateImmutableField: `field is immutable`, reporting the new value. */
export function immutable(newV: unknown, oldV: unknown, path: string, errs: Errs): void {
  if (!deepEqual(newV, oldV)) errs.push(field.invalid(path, newV ?? null, 'field is immutable'));
}

/** The dotted paths under `path` where a and b differ, for messages; at most `max` of them. */
export function diffPaths(a: unknown, b: unknown, path: string, max = 5): string[] {
  const out: string[] = [];
  const walk = (x: unknown, y: unknown, p: string): void => {
    if (out.length >= max || deepEqual(x, y)) return;
    if (Array.isArray(x) && Array.isArray(y) && x.length === y.length) {
      x.forEach((v, i) => walk(v, y[i], `${p}[${i}]`));
    } else if (isObj(x) && isObj(y)) {
      for (const k of new Set([...Object.keys(x), ...Object.keys(y)])) walk(x[k], y[k], `${p}.${k}`);
    } else {
      out.push(p);
    }
  };
  walk(a, b, path);
  return out;
}
