// ObjectMeta validation as upstream's apimachinery ValidateObjectMeta / ValidateObjectMetaUpdate.
// Only metadata: name format, scope, labels, annotations, ownerReferences, finalizers, immutables.

import { field } from '../errors.js';
import {
  isDNS1035Label,
  isDNS1123Label,
  isDNS1123Subdomain,
  isQualifiedName,
  validateAnnotations,
  validateLabels,
  validateObjectName,
} from './names.js';
import { IS_NEGATIVE, bool, immutable, int, isObj, items, obj, str, type Errs, type Obj } from './util.js';

/** How a kind checks metadata.name: one of names.ts's kinds, or a custom ValidateNameFunc. */
export type NameCheck = 'subdomain' | 'label' | '1035' | ((name: string, prefix: boolean) => string[]);

function nameMessages(check: NameCheck, name: string, prefix: boolean): string[] {
  if (typeof check === 'function') return check(name, prefix);
  // With prefix (generateName), a trailing dash is fine: upstream's maskTrailingDash.
  const v = prefix && name.length > 1 && name.endsWith('-') ? `${name.slice(0, -1)}a` : name;
  return (check === 'subdomain' ? isDNS1123Subdomain : check === 'label' ? isDNS1123Label : isDNS1035Label)(v);
}

/** upstream path.ValidatePathSegmentName: the names RBAC and a few others use. */
export function pathSegmentName(name: string, prefix: boolean): string[] {
  const errs: string[] = [];
  if (!prefix && (name === '.' || name === '..')) errs.push(`may not be '${name}'`);
  for (const bad of ['/', '%']) if (name.includes(bad)) errs.push(`may not contain '${bad}'`);
  return errs;
}

function validateOwnerReferences(v: unknown, path: string, errs: Errs): void {
  const controllers: string[] = [];
  for (const [ref, p] of items(v, path, errs)) {
    const apiVersion = str(ref.apiVersion, `${p}.apiVersion`, errs) ?? '';
    const kind = str(ref.kind, `${p}.kind`, errs) ?? '';
    const name = str(ref.name, `${p}.name`, errs) ?? '';
    const uid = str(ref.uid, `${p}.uid`, errs) ?? '';
    const version = apiVersion.includes('/') ? apiVersion.slice(apiVersion.indexOf('/') + 1) : apiVersion;
    if (version === '') errs.push(field.invalid(`${p}.apiVersion`, version, 'version must not be empty'));
    if (kind === '') errs.push(field.invalid(`${p}.kind`, kind, 'kind must not be empty'));
    if (name === '') errs.push(field.invalid(`${p}.name`, name, 'name must not be empty'));
    if (uid === '') errs.push(field.invalid(`${p}.uid`, uid, 'uid must not be empty'));
    if (bool(ref.controller, `${p}.controller`, errs) === true) controllers.push(`${kind}/${name}`);
    bool(ref.blockOwnerDeletion, `${p}.blockOwnerDeletion`, errs);
  }
  if (controllers.length > 1) {
    errs.push(
      field.invalid(path, v, `Only one reference can have Controller set to true. Found "true" in references for ${controllers.join(' and ')}`),
    );
  }
}

function validateFinalizers(v: unknown, path: string, errs: Errs): string[] {
  const out: string[] = [];
  const list = Array.isArray(v) ? v : [];
  if (v !== undefined && v !== null && !Array.isArray(v)) errs.push(field.typeInvalid(path, v, 'must be of type array'));
  list.forEach((f, i) => {
    if (typeof f !== 'string') {
      errs.push(field.typeInvalid(`${path}[${i}]`, f, 'must be of type string'));
      return;
    }
    out.push(f);
    for (const msg of isQualifiedName(f)) errs.push(field.invalid(path, f, msg));
  });
  if (out.includes('orphan') && out.includes('foregroundDeletion')) {
    errs.push(field.invalid(path, out, 'finalizer orphan and foregroundDeletion cannot be both set'));
  }
  return out;
}

export interface MetaOptions {
  namespaced: boolean;
  name: NameCheck;
}

/** ValidateObjectMeta; `path` is `metadata` for objects and `spec.template.metadata` for templates. */
export function validateObjectMeta(meta: unknown, opts: MetaOptions, errs: Errs, path = 'metadata'): Obj {
  if (meta !== undefined && meta !== null && !isObj(meta)) {
    errs.push(field.typeInvalid(path, meta, 'must be of type object'));
    meta = {};
  }
  const m: Obj = isObj(meta) ? meta : {};
  const name = str(m.name, `${path}.name`, errs) ?? '';
  const generateName = str(m.generateName, `${path}.generateName`, errs) ?? '';
  if (generateName !== '') {
    for (const msg of nameMessages(opts.name, generateName, true)) errs.push(field.invalid(`${path}.generateName`, generateName, msg));
  }
  if (name === '') {
    if (generateName === '' && typeof (m.name ?? '') === 'string') errs.push(...validateObjectName('', 'subdomain', `${path}.name`));
  } else {
    for (const msg of nameMessages(opts.name, name, false)) errs.push(field.invalid(`${path}.name`, name, msg));
  }
  const namespace = str(m.namespace, `${path}.namespace`, errs) ?? '';
  if (opts.namespaced) {
    if (namespace === '') {
      if (typeof (m.namespace ?? '') === 'string') errs.push(field.required(`${path}.namespace`, ''));
    } else {
      for (const msg of isDNS1123Label(namespace)) errs.push(field.invalid(`${path}.namespace`, namespace, msg));
    }
  } else if (namespace !== '') {
    errs.push(field.forbidden(`${path}.namespace`, 'not allowed on this type'));
  }
  const generation = int(m.generation, `${path}.generation`, errs);
  if (generation !== undefined && generation < 0) errs.push(field.invalid(`${path}.generation`, generation, IS_NEGATIVE));
  errs.push(...validateLabels(m.labels, `${path}.labels`));
  errs.push(...validateAnnotations(m.annotations, `${path}.annotations`));
  validateOwnerReferences(m.ownerReferences, `${path}.ownerReferences`, errs);
  validateFinalizers(m.finalizers, `${path}.finalizers`, errs);
  return m;
}

/** Template metadata: labels and annotations only, as upstream's ValidatePodTemplateSpec. */
export function validateTemplateMeta(meta: unknown, path: string, errs: Errs): Obj {
  const m = obj(meta, path, errs) ?? {};
  errs.push(...validateLabels(m.labels, `${path}.labels`));
  errs.push(...validateAnnotations(m.annotations, `${path}.annotations`));
  return m;
}

/** ValidateObjectMetaUpdate: the new metadata's own checks plus the immutable fields. */
export function validateObjectMetaUpdate(newMeta: unknown, oldMeta: unknown, opts: MetaOptions, errs: Errs): void {
  const n = validateObjectMeta(newMeta, opts, errs);
  const o: Obj = isObj(oldMeta) ? oldMeta : {};
  immutable(n.name, o.name, 'metadata.name', errs);
  immutable(n.namespace, o.namespace, 'metadata.namespace', errs);
  // An update without uid or creationTimestamp keeps the stored ones (the registry copies them).
  if (n.uid !== undefined && n.uid !== '') immutable(n.uid, o.uid, 'metadata.uid', errs);
  if (n.creationTimestamp !== undefined && n.creationTimestamp !== null) {
    immutable(n.creationTimestamp, o.creationTimestamp, 'metadata.creationTimestamp', errs);
  }
  if (o.deletionTimestamp != null && Array.isArray(n.finalizers)) {
    const old = new Set(Array.isArray(o.finalizers) ? o.finalizers : []);
    const added = n.finalizers.filter((f) => !old.has(f));
    if (added.length > 0) {
      errs.push(field.forbidden('metadata.finalizers', `no new finalizers can be added if the object is being deleted, found new finalizers ${JSON.stringify(added)}`));
    }
  }
}
