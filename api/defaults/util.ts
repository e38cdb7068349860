// Small helpers the per-group defaulters share: they only fill absent fields of plain objects.
// Never overwrite a value the user gave, and never throw on junk: a wrong-typed field is left alone.

export type Obj = Record<string, any>;

export function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Sets obj[key] = value when the key is absent (undefined or null). */
export function setDefault(obj: Obj, key: string, value: unknown): void {
  if (obj[key] === undefined || obj[key] === null) obj[key] = value;
}

/** Returns obj[key] as an object, creating `{}` when absent; undefined when it holds junk. */
export function child(obj: Obj, key: string): Obj | undefined {
  if (obj[key] === undefined || obj[key] === null) obj[key] = {};
  return isObj(obj[key]) ? obj[key] : undefined;
}

/** The objects of an array field, skipping junk entries. */
export function objects(v: unknown): Obj[] {
  return Array.isArray(v) ? v.filter(isObj) : [];
}
