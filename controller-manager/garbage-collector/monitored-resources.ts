// Which resources the garbage collector watches: every resource of the catalogue (api/resources.ts)
// that can be listed, watched and deleted, except Events, as upstream's GC ignores them. Pure.
import { RESOURCES, apiVersionOf, type ResourceInfo } from '../../api/resources.js';

/** Upstream's ignoredResources. */
const IGNORED = new Set(['/events', 'events.k8s.io/events']);

export function monitoredResources(): ResourceInfo[] {
  return RESOURCES.filter((r) => !IGNORED.has(`${r.group}/${r.plural}`) && ['list', 'watch', 'delete'].every((v) => r.verbs.includes(v as never)));
}

/** The name the client and the informer factory take for a resource: `plural.group` or `plural`. */
export function resourceName(r: ResourceInfo): string {
  return r.group ? `${r.plural}.${r.group}` : r.plural;
}

export { apiVersionOf };
