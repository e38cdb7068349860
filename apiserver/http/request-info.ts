// Parses a resource URL (/api/v1/..., /apis/G/V/...) into what it names, as upstream's
// RequestInfoFactory does. Pure; knows the catalogue but never touches storage.
import { StatusError } from '../../api/errors.js';
import { findByPlural, type ResourceInfo, type SubresourceInfo } from '../../api/resources.js';

export interface ResourceRequest {
  resource: ResourceInfo;
  /** Namespace from the path; undefined for cluster-scoped or all-namespace requests. */
  namespace?: string;
  name?: string;
  subresource?: SubresourceInfo;
}

export type PathMatch =
  | { kind: 'resource'; request: ResourceRequest }
  | { kind: 'group-version'; group: string; version: string }
  | { kind: 'none' };

/** `segments` is the path split on '/', without the leading `api` / `apis` root. */
export function matchResourcePath(root: 'api' | 'apis', segments: string[]): PathMatch {
  let group = '';
  let rest = segments;
  if (root === 'apis') {
    if (rest.length < 2) return { kind: 'none' };
    group = rest[0];
    rest = rest.slice(1);
  }
  const version = rest[0];
  rest = rest.slice(1);
  if (!version) return { kind: 'none' };
  if (rest.length === 0) return { kind: 'group-version', group, version };

  let namespace: string | undefined;
  // namespaces/{ns}/{resource}/... addresses a namespaced resource; namespaces/{name}[/sub] the Namespace.
  if (rest[0] === 'namespaces' && rest.length >= 3 && !(group === '' && isNamespaceSubresource(rest[2]))) {
    namespace = rest[1];
    rest = rest.slice(2);
  }
  const [plural, name, sub, ...extra] = rest;
  if (extra.length > 0) return { kind: 'none' };
  const resource = findByPlural(group, version, plural);
  if (!resource) throw notFoundPath();
  if (namespace !== undefined && !resource.namespaced) throw notFoundPath();
  let subresource: SubresourceInfo | undefined;
  if (sub !== undefined) {
    subresource = resource.subresources.find((s) => s.name === sub);
    if (!subresource) throw notFoundPath();
  }
  if (name !== undefined && name === '') throw notFoundPath();
  return { kind: 'resource', request: { resource, namespace, name: name === undefined ? undefined : decodeURIComponent(name), subresource } };
}

function isNamespaceSubresource(segment: string): boolean {
  return segment === 'status' || segment === 'finalize';
}

export function notFoundPath(): StatusError {
  return new StatusError(404, 'NotFound', 'the server could not find the requested resource', {});
}
