// Defaulting of networking.k8s.io/v1 and discovery.k8s.io/v1 objects, after upstream's defaults.go.
// Ingress pathType is deliberately left alone (upstream has no v1 default); IngressClass has none.

import { objects, setDefault, type Obj } from './util.js';

function defaultEndpointSlice(es: Obj): void {
  for (const p of objects(es.ports)) {
    setDefault(p, 'name', '');
    setDefault(p, 'protocol', 'TCP');
  }
}

function defaultNetworkPolicy(np: Obj): void {
  const spec = np.spec;
  if (typeof spec !== 'object' || spec === null || Array.isArray(spec)) return;
  for (const rule of [...objects(spec.ingress), ...objects(spec.egress)]) for (const p of objects(rule.ports)) setDefault(p, 'protocol', 'TCP');
  if (spec.policyTypes == null) {
    const types = ['Ingress'];
    if (Array.isArray(spec.egress) && spec.egress.length > 0) types.push('Egress');
    spec.policyTypes = types;
  }
}

export const NETWORKING_DEFAULTERS: Record<string, (obj: Obj) => void> = {
  NetworkPolicy: defaultNetworkPolicy,
};

export const DISCOVERY_DEFAULTERS: Record<string, (obj: Obj) => void> = {
  EndpointSlice: defaultEndpointSlice,
};
