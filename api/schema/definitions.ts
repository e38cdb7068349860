// Loads the committed definitions.json (written by generate.ts) and answers look-ups by name or GVK.
// Read-only: callers must never mutate a returned schema (they are shared by every request).
// Loaded by an import attribute so tsc (resolveJsonModule) copies the JSON beside the emitted JS in
// dist/, and Node 20 reads it without a file-system path guess.

import raw from './definitions.json' with { type: 'json' };
import type { GroupVersionKind, Schema } from './types.js';

export { INT_OR_STRING, QUANTITY, TIME, MICRO_TIME, RAW_EXTENSION, FIELDS_V1, JSON_DEF, FREE_FORM } from './names.js';

export const DEFINITIONS: Readonly<Record<string, Schema>> = raw as unknown as Record<string, Schema>;

export const REF_PREFIX = '#/components/schemas/';

/** The definition name a `$ref` points at (`#/components/schemas/X` -> `X`). */
export function refName(ref: string): string {
  return ref.startsWith(REF_PREFIX) ? ref.slice(REF_PREFIX.length) : ref;
}

const byGvk = new Map<string, string>();
for (const [name, def] of Object.entries(DEFINITIONS)) {
  for (const gvk of def['x-kubernetes-group-version-kind'] ?? []) {
    const key = `${gvk.group}/${gvk.version}/${gvk.kind}`;
    if (!byGvk.has(key)) byGvk.set(key, name);
  }
}

/** The definition name of a kind (`apps`, `v1`, `Deployment` -> `io.k8s.api.apps.v1.Deployment`). */
export function definitionNameFor(group: string, version: string, kind: string): string | undefined {
  return byGvk.get(`${group}/${version}/${kind}`);
}

/** Every kind that has a definition with `x-kubernetes-group-version-kind`. */
export function allKinds(): GroupVersionKind[] {
  return [...byGvk.keys()].map((key) => {
    const [group, version, kind] = key.split('/') as [string, string, string];
    return { group, version, kind };
  });
}
