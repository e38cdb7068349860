// Maps manifest objects to resources of api/resources.ts and settles their namespace as kubectl's
// builder does (document's namespace, else -n, else the context's; -n conflicting is an error).
// Pure: never talks to the server.
import { findByKind, parseApiVersion, type ResourceInfo } from '../../api/resources.js';
import { ManifestError, type ManifestDoc, type Obj } from './load.js';

/** A manifest object ready to send: its resource, name and namespace (undefined when cluster-scoped). */
export interface ResolvedDoc extends ManifestDoc {
  info: ResourceInfo;
  name: string;
  namespace?: string;
}

function meta(obj: Obj): Obj {
  return (obj.metadata as Obj | undefined) ?? {};
}

/**
 * Resolves one document. `namespace` is -n or the context's; `explicit` when -n was given.
 * The returned object carries metadata.namespace for namespaced kinds.
 */
export function resolveDoc(doc: ManifestDoc, namespace: string, explicit: boolean): ResolvedDoc {
  const apiVersion = String(doc.object.apiVersion);
  const kind = String(doc.object.kind);
  const m = meta(doc.object);
  const name = typeof m.name === 'string' ? m.name : '';
  const docNs = typeof m.namespace === 'string' ? m.namespace : '';
  const { group, version } = parseApiVersion(apiVersion);
  const info = findByKind(group, version, kind);
  if (!info) {
    throw new ManifestError(
      `resource mapping not found for name: "${name}" namespace: "${docNs}" from "${doc.source}": no matches for kind "${kind}" in version "${apiVersion}"\nensure CRDs are installed first`,
    );
  }
  if (!info.namespaced) return { ...doc, info, name };
  if (docNs && explicit && docNs !== namespace) {
    throw new ManifestError(
      `the namespace from the provided object "${docNs}" does not match the namespace "${namespace}". You must pass '--namespace=${docNs}' to perform this operation.`,
    );
  }
  const ns = docNs || namespace;
  const object = docNs ? doc.object : { ...doc.object, metadata: { ...m, namespace: ns } };
  return { ...doc, object, info, name, namespace: ns };
}

/** Resolves each document; failures are collected in kubectl's order, the rest returned. */
export function resolveDocs(docs: ManifestDoc[], namespace: string, explicit: boolean): { resolved: ResolvedDoc[]; errors: Error[] } {
  const resolved: ResolvedDoc[] = [];
  const errors: Error[] = [];
  for (const doc of docs) {
    try {
      resolved.push(resolveDoc(doc, namespace, explicit));
    } catch (err) {
      errors.push(err as Error);
    }
  }
  return { resolved, errors };
}
