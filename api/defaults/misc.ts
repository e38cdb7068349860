// Defaulting of the small groups: rbac, scheduling and storage (upstream's defaults.go of each).
// Only fills absent fields. Lease, Event and IngressClass have no defaults upstream.

import { isObj, objects, setDefault, type Obj } from './util.js';

const RBAC_GROUP = 'rbac.authorization.k8s.io';

function defaultBinding(b: Obj): void {
  if (isObj(b.roleRef) && !b.roleRef.apiGroup) b.roleRef.apiGroup = RBAC_GROUP;
  for (const s of objects(b.subjects)) {
    if (s.apiGroup) continue;
    if (s.kind === 'ServiceAccount') s.apiGroup = '';
    else if (s.kind === 'User' || s.kind === 'Group') s.apiGroup = RBAC_GROUP;
  }
}

export const RBAC_DEFAULTERS: Record<string, (obj: Obj) => void> = {
  RoleBinding: defaultBinding,
  ClusterRoleBinding: defaultBinding,
};

export const SCHEDULING_DEFAULTERS: Record<string, (obj: Obj) => void> = {
  PriorityClass: (pc) => setDefault(pc, 'preemptionPolicy', 'PreemptLowerPriority'),
};

export const STORAGE_DEFAULTERS: Record<string, (obj: Obj) => void> = {
  StorageClass: (sc) => {
    setDefault(sc, 'reclaimPolicy', 'Delete');
    setDefault(sc, 'volumeBindingMode', 'Immediate');
  },
};
