// validateCreate / validateUpdate: semantic validation of any built-in object, as upstream's apiserver
// runs it after defaulting. Dispatches on apiVersion + kind; returns FieldErrors and never throws.

import { field, FieldError } from '../errors.js';
import { findByKind } from '../resources.js';
import { APPS_VALIDATORS } from './apps.js';
import { AUTOSCALING_VALIDATORS } from './autoscaling.js';
import { BATCH_VALIDATORS } from './batch.js';
import { CORE_VALIDATORS } from './core.js';
import { DISCOVERY_VALIDATORS } from './discovery.js';
import type { KindValidator } from './kinds.js';
import { validateObjectMeta, validateObjectMetaUpdate, type MetaOptions } from './meta.js';
import { NETWORKING_VALIDATORS } from './networking.js';
import { RBAC_VALIDATORS } from './rbac.js';
import { COORDINATION_VALIDATORS, SCHEDULING_VALIDATORS, STORAGE_VALIDATORS } from './small.js';
import { isObj, type Obj } from './util.js';

export { validateLabelSelector } from './selector.js';
export { validatePodSpec, validatePodTemplateSpec } from './pod.js';
export { validateObjectMeta } from './meta.js';

const BY_GROUP: Record<string, Record<string, KindValidator>> = {
  '': CORE_VALIDATORS,
  apps: APPS_VALIDATORS,
  autoscaling: AUTOSCALING_VALIDATORS,
  batch: BATCH_VALIDATORS,
  'coordination.k8s.io': COORDINATION_VALIDATORS,
  'discovery.k8s.io': DISCOVERY_VALIDATORS,
  'networking.k8s.io': NETWORKING_VALIDATORS,
  'rbac.authorization.k8s.io': RBAC_VALIDATORS,
  'scheduling.k8s.io': SCHEDULING_VALIDATORS,
  'storage.k8s.io': STORAGE_VALIDATORS,
};

interface Target {
  validator: KindValidator;
  meta: MetaOptions;
}

function targetOf(o: Obj): Target | undefined {
  if (typeof o.apiVersion !== 'string' || typeof o.kind !== 'string') return undefined;
  const slash = o.apiVersion.indexOf('/');
  const group = slash < 0 ? '' : o.apiVersion.slice(0, slash);
  const version = slash < 0 ? o.apiVersion : o.apiVersion.slice(slash + 1);
  const info = findByKind(group, version, o.kind);
  const table = Object.hasOwn(BY_GROUP, group) ? BY_GROUP[group]! : undefined;
  const validator: KindValidator | undefined = table && Object.hasOwn(table, o.kind) ? table[o.kind] : undefined;
  if (!info && !validator) return undefined;
  const v = validator ?? { name: 'subdomain' };
  return { validator: v, meta: { namespaced: info?.namespaced ?? true, name: v.name } };
}

/** Wraps a validator run so that a bug on junk input becomes an InternalError field error, not a throw. */
function guarded(run: () => void, errs: FieldError[]): FieldError[] {
  try {
    run();
  } catch (e) {
    errs.push(new FieldError('InternalError', '', undefined, e instanceof Error ? e.message : String(e)));
  }
  return errs;
}

/** Errors of a new object of a built-in kind (after defaulting). Unknown kinds: no errors. */
export function validateCreate(obj: any): FieldError[] {
  const errs: FieldError[] = [];
  if (!isObj(obj)) return [field.typeInvalid('', obj, 'must be of type object')];
  const t = targetOf(obj);
  if (!t) return errs;
  return guarded(() => {
    validateObjectMeta(obj.metadata, t.meta, errs);
    t.validator.createOnly?.(obj, errs);
    t.validator.validate?.(obj, errs);
  }, errs);
}

/** Errors of an update from `oldObj` to `newObj`: the new object's own checks plus the transition rules. */
export function validateUpdate(newObj: any, oldObj: any): FieldError[] {
  const errs: FieldError[] = [];
  if (!isObj(newObj)) return [field.typeInvalid('', newObj, 'must be of type object')];
  const t = targetOf(newObj);
  if (!t) return errs;
  const old: Obj = isObj(oldObj) ? oldObj : {};
  return guarded(() => {
    validateObjectMetaUpdate(newObj.metadata, old.metadata, t.meta, errs);
    t.validator.validate?.(newObj, errs);
    t.validator.update?.(newObj, old, errs);
  }, errs);
}
