// Validation of rbac.authorization.k8s.io/v1 objects (upstream pkg/apis/rbac/validation).
// Names are path segments; rules need verbs; bindings' roleRef is immutable. Never throws.

import { field } from '../errors.js';
import type { KindValidator } from './kinds.js';
import { pathSegmentName } from './meta.js';
import { isDNS1123Subdomain } from './names.js';
import { arr, deepEqual, items, obj, str, type Errs, type Obj } from './util.js';

const RBAC_GROUP = 'rbac.authorization.k8s.io';

function validateRules(v: unknown, path: string, namespaced: boolean, errs: Errs): void {
  for (const [rule, p] of items(v, path, errs)) {
    const verbs = arr(rule.verbs, `${p}.verbs`, errs);
    if (verbs.length === 0) errs.push(field.required(`${p}.verbs`, 'verbs must contain at least one value'));
    const urls = arr(rule.nonResourceURLs, `${p}.nonResourceURLs`, errs);
    const groups = arr(rule.apiGroups, `${p}.apiGroups`, errs);
    const resources = arr(rule.resources, `${p}.resources`, errs);
    for (const k of ['verbs', 'nonResourceURLs', 'apiGroups', 'resources', 'resourceNames']) {
      arr(rule[k], `${p}.${k}`, []).forEach((s, i) => str(s, `${p}.${k}[${i}]`, errs));
    }
    if (urls.length > 0) {
      if (namespaced) errs.push(field.invalid(`${p}.nonResourceURLs`, urls, 'namespaced rules cannot apply to non-resource URLs'));
      if (groups.length > 0 || resources.length > 0) {
        errs.push(field.invalid(`${p}.nonResourceURLs`, urls, 'rules cannot apply to both regular resources and non-resource URLs'));
      }
      continue;
    }
    if (groups.length === 0) errs.push(field.required(`${p}.apiGroups`, 'resource rules must supply at least one api group'));
    if (resources.length === 0) errs.push(field.required(`${p}.resources`, 'resource rules must supply at least one resource'));
  }
}

function validateRoleRef(v: unknown, allowedKinds: string[], errs: Errs): void {
  const ref = obj(v, 'roleRef', errs) ?? {};
  const group = str(ref.apiGroup, 'roleRef.apiGroup', errs) ?? '';
  if (group !== RBAC_GROUP) errs.push(field.notSupported('roleRef.apiGroup', group, [RBAC_GROUP]));
  const kind = str(ref.kind, 'roleRef.kind', errs) ?? '';
  if (!allowedKinds.includes(kind)) errs.push(field.notSupported('roleRef.kind', kind, allowedKinds));
  const name = str(ref.name, 'roleRef.name', errs) ?? '';
  if (name === '') errs.push(field.required('roleRef.name', ''));
  else for (const m of pathSegmentName(name, false)) errs.push(field.invalid('roleRef.name', name, m));
}

function validateSubjects(v: unknown, clusterBinding: boolean, errs: Errs): void {
  for (const [s, p] of items(v, 'subjects', errs)) {
    const kind = str(s.kind, `${p}.kind`, errs) ?? '';
    const name = str(s.name, `${p}.name`, errs) ?? '';
    const group = str(s.apiGroup, `${p}.apiGroup`, errs) ?? '';
    const ns = str(s.namespace, `${p}.namespace`, errs) ?? '';
    if (name === '') errs.push(field.required(`${p}.name`, ''));
    switch (kind) {
      case 'ServiceAccount':
        if (name !== '') for (const m of isDNS1123Subdomain(name)) errs.push(field.invalid(`${p}.name`, name, m));
        if (group !== '') errs.push(field.notSupported(`${p}.apiGroup`, group, ['']));
        if (clusterBinding && ns === '') errs.push(field.required(`${p}.namespace`, ''));
        break;
      case 'User':
      case 'Group':
        if (group !== RBAC_GROUP) errs.push(field.notSupported(`${p}.apiGroup`, group, [RBAC_GROUP]));
        break;
      default:
        errs.push(field.notSupported(`${p}.kind`, kind, ['ServiceAccount', 'User', 'Group']));
    }
  }
}

function roleRefImmutable(n: Obj, o: Obj, errs: Errs): void {
  if (!deepEqual(n.roleRef, o.roleRef)) errs.push(field.invalid('roleRef', n.roleRef ?? null, 'cannot change roleRef'));
}

export const RBAC_VALIDATORS: Record<string, KindValidator> = {
  Role: { name: pathSegmentName, validate: (o, errs) => validateRules(o.rules, 'rules', true, errs) },
  ClusterRole: {
    name: pathSegmentName,
    validate(o, errs) {
      validateRules(o.rules, 'rules', false, errs);
      const agg = obj(o.aggregationRule, 'aggregationRule', errs);
      if (agg) items(agg.clusterRoleSelectors, 'aggregationRule.clusterRoleSelectors', errs);
    },
  },
  RoleBinding: {
    name: pathSegmentName,
    validate(o, errs) {
      validateRoleRef(o.roleRef, ['Role', 'ClusterRole'], errs);
      validateSubjects(o.subjects, false, errs);
    },
    update: roleRefImmutable,
  },
  ClusterRoleBinding: {
    name: pathSegmentName,
    validate(o, errs) {
      validateRoleRef(o.roleRef, ['ClusterRole'], errs);
      validateSubjects(o.subjects, true, errs);
    },
    update: roleRefImmutable,
  },
};
