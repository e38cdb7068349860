// Validation of the small groups: coordination.k8s.io Lease, scheduling.k8s.io PriorityClass and
// storage.k8s.io StorageClass, as their upstream pkg/apis/*/validation. Never throws.

import { field } from '../errors.js';
import type { KindValidator } from './kinds.js';
import { isQualifiedName } from './names.js';
import { bool, int, isObj, nonNegative, obj, oneOf, positive, str, strMap, type Obj } from './util.js';

/** HighestUserDefinablePriority. */
const MAX_USER_PRIORITY = 1_000_000_000;

const lease: KindValidator = {
  name: 'subdomain',
  validate(o, errs) {
    const spec = obj(o.spec, 'spec', errs) ?? {};
    positive(spec.leaseDurationSeconds, 'spec.leaseDurationSeconds', errs);
    nonNegative(spec.leaseTransitions, 'spec.leaseTransitions', errs);
    str(spec.holderIdentity, 'spec.holderIdentity', errs);
    str(spec.acquireTime, 'spec.acquireTime', errs);
    str(spec.renewTime, 'spec.renewTime', errs);
    oneOf(spec.strategy, 'spec.strategy', ['OldestEmulationVersion'], errs);
  },
};

const priorityClass: KindValidator = {
  name: 'subdomain',
  validate(o, errs) {
    const name = isObj(o.metadata) && typeof o.metadata.name === 'string' ? o.metadata.name : '';
    const value = int(o.value, 'value', errs);
    const system = name === 'system-node-critical' || name === 'system-cluster-critical';
    if (!system && name.startsWith('system-')) {
      errs.push(field.forbidden('metadata.name', "priority class names with 'system-' prefix are reserved"));
    }
    if (value === undefined) {
      if (o.value === undefined || o.value === null) errs.push(field.required('value', ''));
    } else if (!system && value > MAX_USER_PRIORITY) {
      errs.push(field.forbidden('value', `maximum allowed value of a user defined priority is ${MAX_USER_PRIORITY}`));
    }
    bool(o.globalDefault, 'globalDefault', errs);
    str(o.description, 'description', errs);
    oneOf(o.preemptionPolicy, 'preemptionPolicy', ['PreemptLowerPriority', 'Never'], errs);
  },
  update(n: Obj, o: Obj, errs) {
    if (n.value !== o.value) errs.push(field.forbidden('value', 'may not be changed in an update.'));
    if ((n.preemptionPolicy ?? 'PreemptLowerPriority') !== (o.preemptionPolicy ?? 'PreemptLowerPriority')) {
      errs.push(field.invalid('preemptionPolicy', n.preemptionPolicy ?? null, 'field is immutable'));
    }
  },
};

const storageClass: KindValidator = {
  name: 'subdomain',
  validate(o, errs) {
    const prov = str(o.provisioner, 'provisioner', errs) ?? '';
    if (prov === '') errs.push(field.required('provisioner', ''));
    else if (prov.length > 253) errs.push(field.tooLong('provisioner', 253));
    else for (const m of isQualifiedName(prov.toLowerCase().replace(/^([^/]*)\/.*$/, '$1/x'))) errs.push(field.invalid('provisioner', prov, m));
    strMap(o.parameters, 'parameters', errs);
    oneOf(o.reclaimPolicy, 'reclaimPolicy', ['Delete', 'Retain'], errs);
    oneOf(o.volumeBindingMode, 'volumeBindingMode', ['Immediate', 'WaitForFirstConsumer'], errs);
    bool(o.allowVolumeExpansion, 'allowVolumeExpansion', errs);
  },
  update(n, o, errs) {
    for (const k of ['provisioner', 'parameters', 'reclaimPolicy', 'volumeBindingMode']) {
      if (JSON.stringify(n[k] ?? null) !== JSON.stringify(o[k] ?? null)) {
        errs.push(field.forbidden(k, 'updates to ' + k + ' are forbidden.'));
      }
    }
  },
};

export const COORDINATION_VALIDATORS: Record<string, KindValidator> = { Lease: lease };
export const SCHEDULING_VALIDATORS: Record<string, KindValidator> = { PriorityClass: priorityClass };
export const STORAGE_VALIDATORS: Record<string, KindValidator> = { StorageClass: storageClass };
