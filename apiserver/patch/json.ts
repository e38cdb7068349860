// Small helpers over decoded JSON shared by the patch modules: type tests, safe key writes
// (a `__proto__` key in a body is data, never a prototype), deep equality. No I/O, no state.

export type JSONObject = Record<string, unknown>;

export function isObject(v: unknown): v is JSONObject {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** Sets an own enumerable property even for keys such as `__proto__`. */
export function setKey(o: JSONObject, k: string, v: unknown): void {
  if (k === '__proto__') Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });
  else o[k] = v;
}

export function hasKey(o: JSONObject, k: string): boolean {
  return Object.prototype.hasOwnProperty.call(o, k);
}

export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    return a.every((x, i) => deepEqual(x, b[i]));
  }
  if (isObject(a)) {
    if (!isObject(b)) return false;
    const ka = Object.keys(a);
    if (ka.length !== Object.keys(b).length) return false;
    return ka.every((k) => hasKey(b, k) && deepEqual(a[k], b[k]));
  }
  return false;
}
