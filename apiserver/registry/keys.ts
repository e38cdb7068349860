// Where objects live in storage: /registry/<group|core>/<resource>/<namespace>/<name>, or without the
// namespace for cluster-scoped resources. The only place that builds or parses storage keys.
import type { ResourceInfo } from '../../api/resources.js';

export const KEY_ROOT = '/registry';

function groupSegment(res: ResourceInfo): string {
  return res.group || 'core';
}

export function objectKey(res: ResourceInfo, namespace: string | undefined, name: string): string {
  return res.namespaced ? `${KEY_ROOT}/${groupSegment(res)}/${res.plural}/${namespace}/${name}` : `${KEY_ROOT}/${groupSegment(res)}/${res.plural}/${name}`;
}

/** The prefix of every object of res, or of those in one namespace. Always ends with '/'. */
export function collectionPrefix(res: ResourceInfo, namespace?: string): string {
  const base = `${KEY_ROOT}/${groupSegment(res)}/${res.plural}/`;
  return res.namespaced && namespace ? `${base}${namespace}/` : base;
}
