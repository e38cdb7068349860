// Aggregated discovery (apidiscovery.k8s.io/v2 and v2beta1, same shape): the APIGroupDiscoveryList
// served at /api and /apis when the client asks for it, built from api/resources.ts. Pure.
import type { ResourceInfo, Verb } from '../../api/resources.js';
import { groupVersions, RESOURCES } from './served.js';

export type AggregatedApiVersion = 'apidiscovery.k8s.io/v2' | 'apidiscovery.k8s.io/v2beta1';

export interface GroupVersionKind {
  group: string;
  version: string;
  kind: string;
}

export interface APISubresourceDiscovery {
  subresource: string;
  responseKind: GroupVersionKind;
  verbs: Verb[];
}

export interface APIResourceDiscovery {
  resource: string;
  responseKind: GroupVersionKind;
  scope: 'Namespaced' | 'Cluster';
  singularResource: string;
  verbs: Verb[];
  shortNames?: string[];
  categories?: string[];
  subresources?: APISubresourceDiscovery[];
}

export interface APIVersionDiscovery {
  version: string;
  resources: APIResourceDiscovery[];
  freshness: 'Current' | 'Stale';
}

export interface APIGroupDiscovery {
  metadata: { name: string; creationTimestamp: null };
  versions: APIVersionDiscovery[];
}

export interface APIGroupDiscoveryList {
  kind: 'APIGroupDiscoveryList';
  apiVersion: AggregatedApiVersion;
  metadata: Record<string, never>;
  items: APIGroupDiscovery[];
}

function byName<T>(key: (t: T) => string): (a: T, b: T) => number {
  return (a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0);
}

/**
 * One resource as upstream's installer converts an APIResource: responseKind carries a group and
 * version only where they differ from the group-version served (Scale is autoscaling/v1).
 */
function resourceDiscovery(res: ResourceInfo): APIResourceDiscovery {
  const out: APIResourceDiscovery = {
    resource: res.plural,
    responseKind: { group: '', version: '', kind: res.kind },
    scope: res.namespaced ? 'Namespaced' : 'Cluster',
    singularResource: res.singular,
    verbs: [...res.verbs],
  };
  if (res.shortNames?.length) out.shortNames = [...res.shortNames];
  if (res.categories?.length) out.categories = [...res.categories];
  if (res.subresources.length > 0) {
    out.subresources = res.subresources
      .map((sub) => ({
        subresource: sub.name,
        responseKind: { group: sub.group ?? '', version: sub.version ?? '', kind: sub.kind },
        verbs: [...sub.verbs],
      }))
      .sort(byName((s) => s.subresource));
  }
  return out;
}

function groupDiscovery(group: string): APIGroupDiscovery {
  const versions = groupVersions()
    .filter((gv) => gv.group === group)
    .map(
      (gv): APIVersionDiscovery => ({
        version: gv.version,
        resources: RESOURCES.filter((r) => r.group === group && r.version === gv.version)
          .map(resourceDiscovery)
          .sort(byName((r) => r.resource)),
        freshness: 'Current',
      }),
    );
  return { metadata: { name: group, creationTimestamp: null }, versions };
}

/** The document of `/api` (`which: 'api'`, the core group only) or `/apis` (every named group). */
export function aggregatedDiscovery(which: 'api' | 'apis', apiVersion: AggregatedApiVersion): APIGroupDiscoveryList {
  const groups = [...new Set(groupVersions().map((gv) => gv.group))].filter((g) => (which === 'api' ? g === '' : g !== ''));
  return { kind: 'APIGroupDiscoveryList', apiVersion, metadata: {}, items: groups.map(groupDiscovery) };
}
