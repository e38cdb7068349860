// applyDefaults: the one entry point that fills upstream's defaults into an object of any built-in kind.
// Dispatches on apiVersion + kind to one defaulter per group; unknown kinds and junk are left untouched.

import { APPS_DEFAULTERS } from './apps.js';
import { AUTOSCALING_DEFAULTERS } from './autoscaling.js';
import { BATCH_DEFAULTERS } from './batch.js';
import { CORE_DEFAULTERS } from './core.js';
import { DISCOVERY_DEFAULTERS, NETWORKING_DEFAULTERS } from './networking.js';
import { RBAC_DEFAULTERS, SCHEDULING_DEFAULTERS, STORAGE_DEFAULTERS } from './misc.js';
import { isObj, type Obj } from './util.js';

export { defaultPodSpec, defaultPodTemplate, imageTag } from './core.js';

const BY_GROUP: Record<string, Record<string, (obj: Obj) => void>> = {
  '': CORE_DEFAULTERS,
  apps: APPS_DEFAULTERS,
  autoscaling: AUTOSCALING_DEFAULTERS,
  batch: BATCH_DEFAULTERS,
  'networking.k8s.io': NETWORKING_DEFAULTERS,
  'discovery.k8s.io': DISCOVERY_DEFAULTERS,
  'rbac.authorization.k8s.io': RBAC_DEFAULTERS,
  'scheduling.k8s.io': SCHEDULING_DEFAULTERS,
  'storage.k8s.io': STORAGE_DEFAULTERS,
};

/** Mutates `obj` in place, filling every default upstream's apiserver fills for its kind (v1 versions). */
export function applyDefaults(obj: any): void {
  if (!isObj(obj) || typeof obj.apiVersion !== 'string' || typeof obj.kind !== 'string') return;
  const slash = obj.apiVersion.indexOf('/');
  const group = slash < 0 ? '' : obj.apiVersion.slice(0, slash);
  const version = slash < 0 ? obj.apiVersion : obj.apiVersion.slice(slash + 1);
  if (version !== 'v1' && !(group === 'autoscaling' && version === 'v2')) return;
  const table = Object.hasOwn(BY_GROUP, group) ? BY_GROUP[group]! : undefined;
  if (table && Object.hasOwn(table, obj.kind)) table[obj.kind]!(obj);
}
