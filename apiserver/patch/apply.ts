// Server-side apply (application/apply-patch+yaml) and field-ownership bookkeeping for ordinary
// writes: the entry points the REST layer calls. Pure functions; never touch storage, never mutate
// their inputs, never throw anything but a StatusError.

import { parse as parseYAML } from 'yaml';
import { BadRequestError, InternalError, InvalidError, StatusError, field } from '../../api/errors.js';
import { plainServerError } from './errors.js';
import { FieldSet, type Path } from './fieldpath.js';
import { deepEqual, hasKey, isObject, type JSONObject } from './json.js';
import {
  cloneManagers,
  conflictError,
  decodeManagers,
  ignoredPaths,
  managerKey,
  rfc3339,
  setManagedFields,
  settle,
  strip,
  withoutManagedFields,
  type ManagedFieldsEntry,
} from './managed-fields.js';
import { builtinSchemaForObject, type PatchSchema } from '../../api/patch-schema.js';
import { MissingKeyError, compare, mergeApplied, removePath, toFieldSet, zeroShape } from './typed-value.js';

export type { ManagedFieldsEntry } from './managed-fields.js';

export interface FieldManagerOptions {
  /** apiVersion recorded in the entry; defaults to the object's apiVersion. */
  apiVersion?: string;
  /** e.g. `status` for writes through a subresource. */
  subresource?: string;
  /** Subtrees nobody owns through this endpoint (upstream's reset fields), e.g. [['status']]. */
  resetFields?: readonly (readonly string[])[];
  /** Clock for entry times (tests). */
  now?: () => Date;
}

// ---- request options ------------------------------------------------------------------------

/** Upstream's FieldManagerMaxLength. */
const FIELD_MANAGER_MAX_LENGTH = 128;

/**
 * The manager of a write: the `fieldManager` query parameter, else the user agent up to its first
 * `/` (`kubectl-client-side-apply/v1.32.0 (linux/amd64) ...` -> `kubectl-client-side-apply`),
 * without unprintable characters and at most 128 bytes, as upstream's managerOrUserAgent.
 */
export function managerOrUserAgent(fieldManager: string | undefined, userAgent: string | undefined): string {
  if (fieldManager) return fieldManager;
  let out = '';
  let bytes = 0;
  for (const ch of (userAgent ?? '').split('/')[0]) {
    if (ch !== ' ' && /[\p{C}\p{Z}]/u.test(ch)) continue; // Go's unicode.IsPrint
    const len = Buffer.byteLength(ch);
    if (bytes + len > FIELD_MANAGER_MAX_LENGTH) break;
    out += ch;
    bytes += len;
  }
  return out;
}

/** Upstream's ValidatePatchOptions: apply needs a fieldManager; only apply may force. */
export function validatePatchOptions(isApply: boolean, fieldManager: string | undefined, force: boolean | undefined): void {
  if (isApply && !fieldManager) {
    throw new InvalidError('meta.k8s.io', 'PatchOptions', '', [field.required('fieldManager', 'is required for apply patch')]);
  }
  if (!isApply && force !== undefined) {
    throw new InvalidError('meta.k8s.io', 'PatchOptions', '', [field.forbidden('force', 'may not be specified for non-apply patch')]);
  }
}

// ---- the two entry points -------------------------------------------------------------------

/** Decodes an apply body (YAML or JSON) as upstream does, answering 400 for what does not parse. */
export function decodeApplyPatch(body: string | Uint8Array): JSONObject {
  const text = typeof body === 'string' ? body : new TextDecoder().decode(body);
  let doc: unknown;
  try {
    doc = parseYAML(text, { uniqueKeys: false });
  } catch (err) {
    throw new BadRequestError(`error decoding YAML: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (!isObject(doc)) {
    throw new BadRequestError(`error decoding YAML: error unmarshaling JSON: while decoding JSON: json: cannot unmarshal ${Array.isArray(doc) ? 'array' : typeof doc} into Go value of type map[string]interface {}`);
  }
  return doc;
}

/**
 * Server-side apply of `applied` by `manager` onto `live` (undefined: the object does not exist
 * yet). Throws a 409 Conflict listing every field another manager owns with a different value,
 * unless `force`, which takes those fields over.
 */
export function serverSideApply(
  live: object | undefined,
  applied: object,
  manager: string,
  force: boolean,
  kindSchema: PatchSchema,
  opts: FieldManagerOptions = {},
): { result: object } {
  return guard(() => applyUnguarded(live, applied, manager, force, kindSchema, opts));
}

/** Only StatusErrors leave this module. */
function guard<T>(fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof StatusError) throw err;
    throw new InternalError(err instanceof Error ? err.message : String(err));
  }
}

function applyUnguarded(
  live: object | undefined,
  applied: object,
  manager: string,
  force: boolean,
  kindSchema: PatchSchema,
  opts: FieldManagerOptions,
): { result: object } {
  const now = opts.now ?? (() => new Date());
  const liveObj = live ? (live as JSONObject) : {};
  const appliedObj = applied as JSONObject;
  const ignored = ignoredPaths(opts.resetFields);
  const apiVersion = opts.apiVersion ?? (appliedObj.apiVersion as string | undefined) ?? (liveObj.apiVersion as string | undefined) ?? '';

  if (opts.apiVersion !== undefined && appliedObj.apiVersion !== opts.apiVersion) {
    throw new BadRequestError(
      `Incorrect version specified in apply patch. Specified patch version: ${String(appliedObj.apiVersion ?? '')}, expected: ${opts.apiVersion}`,
    );
  }
  if (isObject(appliedObj.metadata) && appliedObj.metadata.managedFields != null) {
    throw new BadRequestError('metadata.managedFields must be nil');
  }

  const managers = decodeManagers(liveObj);
  const base = withoutManagedFields(liveObj);
  const appliedClean = withoutManagedFields(appliedObj);

  let newSet: FieldSet;
  try {
    newSet = toFieldSet(appliedClean, kindSchema).withoutPrefixes(ignored);
  } catch (err) {
    if (!(err instanceof MissingKeyError)) throw err;
    const md = isObject(appliedObj.metadata) ? appliedObj.metadata : {};
    const gv = String(appliedObj.apiVersion ?? apiVersion);
    throw plainServerError(
      `failed to create typed patch object (${md.namespace ? `${String(md.namespace)}/` : ''}${String(md.name ?? '')}; ${gv}, Kind=${String(appliedObj.kind ?? '')}): ${err.message}`,
    );
  }

  const entry: ManagedFieldsEntry = { manager, operation: 'Apply', apiVersion };
  if (opts.subresource) entry.subresource = opts.subresource;
  const self = managerKey(entry);

  if (live && managers.size === 0) {
    // An object nobody manages yet: whatever it holds belongs to "before-first-apply".
    const c = strip(compare(zeroShape(base), base, kindSchema), ignored);
    const set = c.modified.union(c.added);
    const bfa: ManagedFieldsEntry = { manager: 'before-first-apply', operation: 'Update', apiVersion };
    if (!set.isEmpty()) managers.set(managerKey(bfa), { entry: bfa, set });
  }

  const attempt = (forced: boolean) => {
    const ms = cloneManagers(managers);
    let merged = mergeApplied(base, appliedClean, kindSchema);
    const previous = ms.get(self);
    ms.set(self, { entry: { ...(previous?.entry ?? {}), ...entry }, set: newSet });
    if (previous) {
      // Prune what this manager applied before and no longer applies, unless someone else owns it.
      let others = new FieldSet();
      for (const [key, m] of ms) if (key !== self) others = others.union(m.set);
      const stale = [...previous.set.paths()]
        .filter((p) => !newSet.hasPrefix(p) && !others.hasPrefix(p))
        .sort((a, b) => b.length - a.length);
      merged = structuredClone(merged);
      for (const p of stale) removePath(merged, p, kindSchema);
    }
    const conflicts = settle(strip(compare(base, merged, kindSchema), ignored), ms, self, forced);
    return { merged, managers: ms, conflicts };
  };

  let r = attempt(force);
  if (!force && r.conflicts.length) {
    // kubectl moving from client-side to server-side apply: conflicts over fields its last
    // client-side apply set, unchanged since, are taken over (upstream's lastAppliedManager).
    const allowed = manager === 'kubectl' ? allowedFromLastApplied(base, kindSchema, ignored) : undefined;
    const remaining = r.conflicts
      .map((c) => ({ ...c, paths: c.paths.filter((p) => !allowed?.has(p)) }))
      .filter((c) => c.paths.length > 0);
    if (remaining.length) throw conflictError(remaining);
    r = attempt(true);
  }

  const mine = r.managers.get(self);
  if (mine && !deepEqual(base, r.merged)) mine.entry.time = rfc3339(now());
  if (manager === 'kubectl') syncLastApplied(r.merged, appliedObj);
  return { result: setManagedFields(r.merged, r.managers) };
}

const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';
/** Upstream's TotalAnnotationSizeLimitB. */
const TOTAL_ANNOTATION_SIZE_LIMIT = 256 * 1024;

function annotationsOf(obj: JSONObject): JSONObject | undefined {
  const md = obj.metadata;
  return isObject(md) && isObject(md.annotations) ? md.annotations : undefined;
}

/** Fields of the last client-side apply that still hold the values it set. */
function allowedFromLastApplied(live: JSONObject, schema: PatchSchema, ignored: Path[]): FieldSet | undefined {
  const text = annotationsOf(live)?.[LAST_APPLIED];
  if (typeof text !== 'string' || text === '') return undefined;
  try {
    const last = JSON.parse(text) as unknown;
    if (!isObject(last)) return undefined;
    const c = compare(last, live, schema);
    return toFieldSet(last, schema).withoutPrefixes(ignored).difference(c.modified).difference(c.added).difference(c.removed);
  } catch {
    return undefined;
  }
}

/** Go's json.Marshal of a decoded object: map keys sorted. */
function sortedJSON(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(sortedJSON).join(',')}]`;
  if (isObject(v)) {
    return `{${Object.keys(v)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${sortedJSON(v[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v);
}

/** Keeps an existing last-applied annotation in step with what `kubectl` applies server-side. */
function syncLastApplied(result: JSONObject, applied: JSONObject): void {
  const annotations = annotationsOf(result);
  if (!annotations || !hasKey(annotations, LAST_APPLIED)) return;
  const copy = structuredClone(applied);
  const own = annotationsOf(copy);
  if (own) delete own[LAST_APPLIED];
  annotations[LAST_APPLIED] = sortedJSON(copy);
  let size = 0;
  for (const [k, v] of Object.entries(annotations)) size += k.length + String(v).length;
  if (size > TOTAL_ANNOTATION_SIZE_LIMIT) delete annotations[LAST_APPLIED];
}

/**
 * Records ownership for an ordinary write (POST, PUT, non-apply PATCH) by `manager`: every field the
 * write added or changed now belongs to it. Returns `newObj` with metadata.managedFields updated.
 * `oldObj` undefined means a create.
 */
export function recordUpdateManagedFields(
  oldObj: object | undefined,
  newObj: object,
  manager: string,
  operation: 'Update',
  apiVersion: string,
  schema: PatchSchema = builtinSchemaForObject(newObj as JSONObject),
  opts: FieldManagerOptions = {},
): object {
  return guard(() => updateUnguarded(oldObj, newObj, manager, operation, apiVersion, schema, opts));
}

function updateUnguarded(
  oldObj: object | undefined,
  newObj: object,
  manager: string,
  operation: 'Update',
  apiVersion: string,
  schema: PatchSchema,
  opts: FieldManagerOptions,
): object {
  const now = opts.now ?? (() => new Date());
  const next = newObj as JSONObject;
  const old = oldObj as JSONObject | undefined;
  // Managed fields sent with the write replace the record (`[{}]` resets it), but a client that
  // drops them (or a subresource write) cannot erase them: then the live object's record counts.
  const sent = decodeManagers(next);
  const managers = sent.size > 0 && !opts.subresource ? sent : decodeManagers(old);

  const base = old ? withoutManagedFields(old) : zeroShape(next);
  const target = withoutManagedFields(next);
  const c = strip(compare(base, target, schema), ignoredPaths(opts.resetFields));

  const current = '\u0000current-operation';
  settle(c, managers, current, true);
  const set = c.modified.union(c.added).difference(c.removed);
  const entry: ManagedFieldsEntry = { manager, operation, apiVersion };
  if (opts.subresource) entry.subresource = opts.subresource;
  const key = managerKey(entry);
  if (!set.isEmpty()) {
    const prev = managers.get(key);
    managers.set(key, { entry: { ...entry, time: rfc3339(now()) }, set: prev ? prev.set.union(set) : set });
  }
  return setManagedFields(target, managers);
}
