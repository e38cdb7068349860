// Walks a decoded request body against the committed definitions the way upstream's strict JSON
// decoder does: unknown fields (paths like `spec.template.spec.containers[0].imagee`) and wrong JSON
// types (Go's UnmarshalTypeError text). It only reports; it must never change the object.

import { DEFINITIONS, definitionNameFor, allKinds, refName, INT_OR_STRING, QUANTITY, TIME, MICRO_TIME, FREE_FORM } from './definitions.js';
import type { GroupVersionKind, Schema } from './types.js';

export type FieldValidation = 'Strict' | 'Warn' | 'Ignore';

export interface StructureTypeError {
  /** Where the bad value sits, without a leading dot: `spec.template.spec.containers[0].image`. */
  path: string;
  /** Upstream's decoder text, e.g. `json: cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas of type int32`. */
  message: string;
}

export interface StructureResult {
  /**
   * Fields the schema does not know, as upstream quotes them in `unknown field "<path>"`: no leading
   * dot, dotted field names, array elements indexed (`spec.template.spec.containers[0].imagee`).
   * Reported in every mode; the caller refuses (Strict), warns (Warn) or drops them (Ignore).
   */
  unknownFields: string[];
  /** Duplicate keys cannot be seen in an already-parsed object; never reported here. */
  duplicateFields?: never;
  /** Wrong JSON types; upstream answers 400 BadRequest with the first one. */
  typeErrors: StructureTypeError[];
}

/** `unknown field "spec.foo"`: upstream's text for one unknown field (also the Warning header text). */
export function unknownFieldMessage(path: string): string {
  return `unknown field "${path}"`;
}

/** `strict decoding error: unknown field "a", unknown field "b"`: upstream's 400 message under Strict. */
export function strictDecodingMessage(unknownFields: readonly string[]): string {
  return `strict decoding error: ${unknownFields.map(unknownFieldMessage).join(', ')}`;
}

export function knownKinds(): GroupVersionKind[] {
  return allKinds();
}

/** The definition (schema) of a kind, or undefined when no definition carries that GVK. */
export function definitionFor(group: string, version: string, kind: string): Schema | undefined {
  const name = definitionNameFor(group, version, kind);
  return name === undefined ? undefined : DEFINITIONS[name];
}

const QUANTITY_RE = /^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$/;
const RFC3339_RE = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;
const INT_RANGE = { int32: [-2147483648, 2147483647], int64: [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER] } as const;

interface Context {
  /** Path as the strict decoder prints it, with array indexes. */
  path: string;
  /** Go's errorContext.FieldStack: JSON names of struct fields only, no indexes, no map keys. */
  fieldStack: string[];
  /** Go's errorContext.Struct: the innermost struct whose field is being decoded. */
  struct: string;
}

interface Report {
  unknownFields: string[];
  typeErrors: StructureTypeError[];
}

/** Go's `%v` of a reflect.Type for a schema: `int32`, `[]v1.Container`, `map[string]string`, `v1.PodSpec`. */
function goType(schema: Schema): string {
  if (schema.$ref !== undefined) {
    const name = refName(schema.$ref);
    const parts = name.split('.');
    return `${parts[parts.length - 2]}.${parts[parts.length - 1]}`;
  }
  switch (schema.type) {
    case 'string':
      return 'string';
    case 'boolean':
      return 'bool';
    case 'integer':
      return schema.format === 'int64' ? 'int64' : 'int32';
    case 'number':
      return 'float64';
    case 'array':
      return `[]${schema.items ? goType(schema.items) : 'interface {}'}`;
    case 'object':
      if (schema.additionalProperties && typeof schema.additionalProperties === 'object') return `map[string]${goType(schema.additionalProperties)}`;
      return 'map[string]interface {}';
    default:
      return 'interface {}';
  }
}

/** The JSON kind word Go's decoder puts in `cannot unmarshal <kind>`. */
function jsonKind(value: unknown, withNumber = false): string {
  if (Array.isArray(value)) return 'array';
  switch (typeof value) {
    case 'string':
      return 'string';
    case 'boolean':
      return 'bool';
    case 'number':
      return withNumber ? `number ${String(value)}` : 'number';
    default:
      return 'object';
  }
}

function typeError(report: Report, ctx: Context, value: string, schema: Schema): void {
  const into = ctx.fieldStack.length > 0 ? `Go struct field ${ctx.struct}.${ctx.fieldStack.join('.')}` : 'Go value';
  report.typeErrors.push({ path: ctx.path, message: `json: cannot unmarshal ${value} into ${into} of type ${goType(schema)}` });
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function walk(schema: Schema, value: unknown, ctx: Context, report: Report): void {
  // JSON null decodes into any Go field (zero value), as upstream's decoder does.
  if (value === null || value === undefined) return;
  if (schema.$ref !== undefined) {
    const name = refName(schema.$ref);
    switch (name) {
      case INT_OR_STRING:
        // intstr.IntOrString.UnmarshalJSON: a quoted value is a string, anything else must be an int32.
        if (typeof value === 'string') return;
        if (typeof value === 'number' && Number.isInteger(value) && value >= INT_RANGE.int32[0] && value <= INT_RANGE.int32[1]) return;
        report.typeErrors.push({ path: ctx.path, message: `json: cannot unmarshal ${jsonKind(value, true)} into Go value of type int32` });
        return;
      case QUANTITY:
        if ((typeof value === 'string' || typeof value === 'number') && QUANTITY_RE.test(String(value).trim())) return;
        report.typeErrors.push({ path: ctx.path, message: `quantities must match the regular expression '${QUANTITY_RE.source}'` });
        return;
      case TIME:
      case MICRO_TIME:
        if (typeof value !== 'string') {
          report.typeErrors.push({ path: ctx.path, message: `json: cannot unmarshal ${jsonKind(value)} into Go value of type string` });
        } else if (!RFC3339_RE.test(value)) {
          report.typeErrors.push({ path: ctx.path, message: `parsing time "${value}" as "2006-01-02T15:04:05Z07:00": cannot parse "${value}" as "2006"` });
        }
        return;
    }
    if (FREE_FORM.has(name)) return;
    const def = DEFINITIONS[name];
    if (!def) return;
    if (!isPlainObject(value)) {
      typeError(report, ctx, jsonKind(value), schema);
      return;
    }
    walkStruct(def, name, value, ctx, report);
    return;
  }
  switch (schema.type) {
    case 'string':
      if (typeof value !== 'string') typeError(report, ctx, jsonKind(value), schema);
      return;
    case 'boolean':
      if (typeof value !== 'boolean') typeError(report, ctx, jsonKind(value), schema);
      return;
    case 'integer': {
      if (typeof value !== 'number') return typeError(report, ctx, jsonKind(value), schema);
      const [min, max] = schema.format === 'int64' ? INT_RANGE.int64 : INT_RANGE.int32;
      if (!Number.isInteger(value) || value < min || value > max) typeError(report, ctx, jsonKind(value, true), schema);
      return;
    }
    case 'number':
      if (typeof value !== 'number') typeError(report, ctx, jsonKind(value), schema);
      return;
    case 'array':
      if (!Array.isArray(value)) return typeError(report, ctx, jsonKind(value), schema);
      if (schema.items) value.forEach((item, i) => walk(schema.items!, item, { ...ctx, path: `${ctx.path}[${i}]` }, report));
      return;
    case 'object': {
      if (!isPlainObject(value)) return typeError(report, ctx, jsonKind(value), schema);
      const inner = schema.additionalProperties;
      if (inner && typeof inner === 'object') {
        for (const [key, item] of Object.entries(value)) walk(inner, item, { ...ctx, path: `${ctx.path}.${key}` }, report);
      }
      return;
    }
    default:
      return;
  }
}

function walkStruct(def: Schema, name: string, value: Record<string, unknown>, ctx: Context, report: Report): void {
  const props = def.properties ?? {};
  const struct = name.slice(name.lastIndexOf('.') + 1);
  for (const [key, item] of Object.entries(value)) {
    const path = ctx.path === '' ? key : `${ctx.path}.${key}`;
    const prop = Object.prototype.hasOwnProperty.call(props, key) ? props[key] : undefined;
    if (prop === undefined) {
      report.unknownFields.push(path);
      continue;
    }
    walk(prop, item, { path, fieldStack: [...ctx.fieldStack, key], struct }, report);
  }
}

/**
 * Checks `obj` against the definition of `kindRef`. `metadata` is always ObjectMeta; free-form
 * fields (RawExtension, FieldsV1, JSON) accept anything. `mode` does not change what is found:
 * unknown fields are listed in every mode so an `Ignore` caller can drop them.
 * Throws when the kind has no definition (a programming error, not a client one).
 */
export function checkStructure(kindRef: GroupVersionKind, obj: unknown, mode: FieldValidation): StructureResult {
  void mode;
  const name = definitionNameFor(kindRef.group, kindRef.version, kindRef.kind);
  if (name === undefined) throw new Error(`no schema for ${kindRef.group}/${kindRef.version}, Kind=${kindRef.kind}`);
  const report: Report = { unknownFields: [], typeErrors: [] };
  const ctx: Context = { path: '', fieldStack: [], struct: name.slice(name.lastIndexOf('.') + 1) };
  walk({ $ref: `#/components/schemas/${name}` }, obj, ctx, report);
  return report;
}
