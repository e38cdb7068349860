// The legacy (unaggregated) discovery documents built from api/resources.ts: /api (APIVersions),
// /apis (APIGroupList), /apis/<group> (APIGroup), /api/v1 and /apis/<g>/<v> (APIResourceList).
// Pure: no routes here, and no resource names that the catalogue does not hold.
import { createHash } from 'node:crypto';
import type { ResourceInfo, Verb } from '../../api/resources.js';
import { groupVersions, RESOURCES } from './served.js';

export interface GroupVersionForDiscovery {
  groupVersion: string;
  version: string;
}

export interface APIGroup {
  kind: 'APIGroup';
  apiVersion: 'v1';
  name: string;
  versions: GroupVersionForDiscovery[];
  preferredVersion: GroupVersionForDiscovery;
}

export interface APIGroupList {
  kind: 'APIGroupList';
  apiVersion: 'v1';
  groups: Omit<APIGroup, 'kind' | 'apiVersion'>[];
}

export interface APIVersions {
  kind: 'APIVersions';
  versions: string[];
  serverAddressByClientCIDRs: { clientCIDR: string; serverAddress: string }[];
}

export interface APIResource {
  name: string;
  singularName: string;
  namespaced: boolean;
  group?: string;
  version?: string;
  kind: string;
  verbs: Verb[];
  shortNames?: string[];
  categories?: string[];
  storageVersionHash?: string;
}

export interface APIResourceList {
  kind: 'APIResourceList';
  apiVersion: 'v1';
  groupVersion: string;
  resources: APIResource[];
}

/** upstream discovery.StorageVersionHash: base64 of the first 8 bytes of sha256("group/version/kind"). */
export function storageVersionHash(group: string, version: string, kind: string): string {
  return createHash('sha256').update(`${group}/${version}/${kind}`).digest().subarray(0, 8).toString('base64');
}

function gvFor(group: string, version: string): GroupVersionForDiscovery {
  return { groupVersion: group ? `${group}/${version}` : version, version };
}

/** `GET /api`: the core group's versions and the address clients should use. */
export function apiVersions(serverAddress: string): APIVersions {
  return {
    kind: 'APIVersions',
    versions: groupVersions().filter((gv) => gv.group === '').map((gv) => gv.version),
    serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }],
  };
}

function groupEntry(name: string): Omit<APIGroup, 'kind' | 'apiVersion'> | undefined {
  const versions = groupVersions()
    .filter((gv) => gv.group === name)
    .map((gv) => gvFor(gv.group, gv.version));
  if (versions.length === 0) return undefined;
  return { name, versions, preferredVersion: versions[0] };
}

/** `GET /apis`: every named group with its versions, the first one preferred. */
export function apiGroupList(): APIGroupList {
  const names = [...new Set(groupVersions().map((gv) => gv.group))].filter((g) => g !== '');
  return { kind: 'APIGroupList', apiVersion: 'v1', groups: names.map((n) => groupEntry(n)!) };
}

/** `GET /apis/<group>`; undefined for a group this server does not serve (the route answers 404). */
export function apiGroup(name: string): APIGroup | undefined {
  if (name === '') return undefined;
  const entry = groupEntry(name);
  return entry && { kind: 'APIGroup', apiVersion: 'v1', ...entry };
}

function resourceEntries(res: ResourceInfo): APIResource[] {
  const main: APIResource = {
    name: res.plural,
    singularName: res.singular,
    namespaced: res.namespaced,
    kind: res.kind,
    verbs: [...res.verbs],
  };
  if (res.shortNames?.length) main.shortNames = [...res.shortNames];
  if (res.categories?.length) main.categories = [...res.categories];
  main.storageVersionHash = storageVersionHash(res.group, res.version, res.kind);
  const subs = res.subresources.map((sub): APIResource => {
    const entry: APIResource = { name: `${res.plural}/${sub.name}`, singularName: '', namespaced: res.namespaced, kind: sub.kind, verbs: [...sub.verbs] };
    if (sub.group !== undefined) entry.group = sub.group;
    if (sub.version !== undefined) entry.version = sub.version;
    return entry;
  });
  return [main, ...subs];
}

/** `GET /api/v1` or `/apis/<g>/<v>`; undefined for a group-version this server does not serve. */
export function apiResourceList(group: string, version: string): APIResourceList | undefined {
  const resources = RESOURCES.filter((r) => r.group === group && r.version === version);
  if (resources.length === 0) return undefined;
  const entries = resources.flatMap(resourceEntries).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: gvFor(group, version).groupVersion, resources: entries };
}
