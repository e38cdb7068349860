// Builds the OpenAPI v3 index and per-group-version documents kubectl 1.32 reads (/openapi/v3):
// upstream paths, operations with GVK/action extensions, fieldValidation on each write operation, and schemas
// carrying patch metadata. Pure builders returning plain (frozen, memoised) objects; no HTTP here.

import { createHash } from 'node:crypto';
import { RESOURCES, groupVersions, type ResourceInfo, type SubresourceInfo } from '../resources.js';
import { DEFINITIONS, REF_PREFIX, definitionNameFor, refName } from './definitions.js';
import { PATCH_META, type PatchMeta } from './patch-meta.js';
import { META_V1 } from './names.js';
import type { GroupVersionKind, Schema } from './types.js';

export { PATCH_META, patchMetaFor, type PatchMeta } from './patch-meta.js';

export const KUBERNETES_VERSION = 'v1.32.0';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Obj = { [key: string]: unknown };

export interface OpenApiV3Index {
  paths: Record<string, { serverRelativeURL: string }>;
}

export interface OpenApiV3Doc {
  openapi: '3.0.0';
  info: { title: 'Kubernetes'; version: string };
  paths: Record<string, Obj>;
  components: { schemas: Record<string, Schema> };
}

/** `api/v1`, `apis/apps/v1`: the index key (and URL suffix) of a group-version. */
export function groupVersionKey(group: string, version: string): string {
  return group === '' ? `api/${version}` : `apis/${group}/${version}`;
}

const ref = (name: string): Schema => ({ $ref: `${REF_PREFIX}${name}` });

const DESCRIPTIONS = {
  dryRun:
    'When present, indicates that modifications should not be persisted. An invalid or unrecognized dryRun directive will result in an error response and no further processing of the request. Valid values are: - All: all dry run stages will be processed',
  fieldManager:
    'fieldManager is a name associated with the actor or entity that is making these changes. The value must be less than or 128 characters long, and only contain printable characters, as defined by https://golang.org/pkg/unicode/#IsPrint.',
  fieldValidation:
    'fieldValidation instructs the server on how to handle objects in the request (POST/PUT/PATCH) containing unknown or duplicate fields. Valid values are: - Ignore: This will ignore any unknown fields that are silently dropped from the object, and will ignore all but the last duplicate field that the decoder encounters. This is the default behavior prior to v1.23. - Warn: This will send a warning via the standard warning response header for each unknown field that is dropped from the object, and for each duplicate field that is encountered. The request will still succeed if there are no other errors, and will only persist the last of any duplicate fields. This is the default in v1.23+ - Strict: This will fail the request with a BadRequest error if any unknown fields would be dropped from the object, or if any duplicate fields are present. The error returned from the server will contain all unknown and duplicate fields encountered.',
  pretty: "If 'true', then the output is pretty printed. Defaults to 'false' unless the user-agent indicates a browser or command-line HTTP tool (curl and wget).",
  namespace: 'object name and auth scope, such as for teams and projects',
  force:
    'Force is going to "force" Apply requests. It means user will re-acquire conflicting fields owned by other people. Force flag must be unset for non-apply patch requests.',
  gracePeriodSeconds:
    'The duration in seconds before the object should be deleted. Value must be non-negative integer. The value zero indicates delete immediately. If this value is nil, the default grace period for the specified type will be used. Defaults to a per object value if not specified. zero means delete immediately.',
  propagationPolicy:
    "Whether and how garbage collection will be performed. Either this field or OrphanDependents may be set, but not both. The default policy is decided by the existing finalizer set in the metadata.finalizers and the resource-specific default policy. Acceptable values are: 'Orphan' - orphan the dependents; 'Background' - allow the garbage collector to delete the dependents in the background; 'Foreground' - a cascading policy that deletes all dependents in the foreground.",
  labelSelector: 'A selector to restrict the list of returned objects by their labels. Defaults to everything.',
  fieldSelector: 'A selector to restrict the list of returned objects by their fields. Defaults to everything.',
  limit: 'limit is a maximum number of responses to return for a list call.',
  continue: 'The continue option should be set when retrieving more results from the server.',
  resourceVersion: 'resourceVersion sets a constraint on what resource versions a request may be served from.',
  resourceVersionMatch: 'resourceVersionMatch determines how resourceVersion is applied to list calls.',
  timeoutSeconds: 'Timeout for the list/watch call. This limits the duration of the call, regardless of any activity or inactivity.',
  watch: 'Watch for changes to the described resources and return them as a stream of add, update, and remove notifications. Specify resourceVersion.',
  allowWatchBookmarks: 'allowWatchBookmarks requests watch events with type "BOOKMARK".',
  sendInitialEvents: 'sendInitialEvents=true may be set together with watch=true. In that case, the watch stream will begin with synthetic events to produce the current state of objects in the collection.',
} as const;

function query(name: keyof typeof DESCRIPTIONS, type: 'string' | 'boolean' | 'integer' = 'string'): Obj {
  return { description: DESCRIPTIONS[name], in: 'query', name, schema: { type, uniqueItems: true } };
}

function pathParam(name: string, description: string): Obj {
  return { description, in: 'path', name, required: true, schema: { type: 'string', uniqueItems: true } };
}

const JSON_TYPES = ['application/json', 'application/yaml', 'application/vnd.kubernetes.protobuf'];
const PATCH_TYPES = ['application/json-patch+json', 'application/merge-patch+json', 'application/strategic-merge-patch+json', 'application/apply-patch+yaml'];
const LIST_TYPES = [...JSON_TYPES, 'application/json;stream=watch', 'application/vnd.kubernetes.protobuf;stream=watch'];

function content(types: readonly string[], schema: Schema): Obj {
  return Object.fromEntries(types.map((t) => [t, { schema }]));
}

function responses(codes: Record<string, string>, schema: Schema, types: readonly string[] = JSON_TYPES): Obj {
  const out: Obj = {};
  for (const [code, description] of Object.entries(codes)) out[code] = { description, content: content(types, schema) };
  out['401'] = { description: 'Unauthorized' };
  return out;
}

/** `apps` -> `AppsV1`, `rbac.authorization.k8s.io` -> `RbacAuthorizationV1`, core -> `CoreV1`. */
function opGroup(group: string, version: string): string {
  const base = group === '' ? 'core' : group.replace(/\.k8s\.io$/, '');
  const camel = base.split('.').map((p) => p.charAt(0).toUpperCase() + p.slice(1)).join('');
  return camel + version.charAt(0).toUpperCase() + version.slice(1);
}

function tag(group: string, version: string): string {
  const g = opGroup(group, version);
  const groupPart = g.slice(0, g.length - version.length);
  return `${groupPart.charAt(0).toLowerCase()}${groupPart.slice(1)}_${version}`;
}

function gvkOf(group: string, version: string, kind: string): GroupVersionKind {
  return { group, kind, version } as GroupVersionKind;
}

function operation(id: string, action: string, gvk: GroupVersionKind, tags: string[], extra: Obj): Obj {
  return {
    tags,
    description: '',
    operationId: id,
    ...extra,
    'x-kubernetes-action': action,
    'x-kubernetes-group-version-kind': gvk,
  };
}

function defName(group: string, version: string, kind: string): string {
  const name = definitionNameFor(group, version, kind);
  if (name === undefined) throw new Error(`no definition for ${group}/${version} ${kind}`);
  return name;
}

const STATUS = `${META_V1}.Status`;
const DELETE_OPTIONS = `${META_V1}.DeleteOptions`;

const WRITE_PARAMS = (): Obj[] => [query('dryRun'), query('fieldManager'), query('fieldValidation')];

/** Adds the paths of one resource (collection, item, all-namespaces list, subresources). */
function addResourcePaths(paths: Record<string, Obj>, res: ResourceInfo): void {
  const { group, version, kind, plural } = res;
  const prefix = group === '' ? `/api/${version}` : `/apis/${group}/${version}`;
  const collection = res.namespaced ? `${prefix}/namespaces/{namespace}/${plural}` : `${prefix}/${plural}`;
  const item = `${collection}/{name}`;
  const scope = res.namespaced ? 'Namespaced' : '';
  const g = opGroup(group, version);
  const tags = [tag(group, version)];
  const gvk = gvkOf(group, version, kind);
  const kindRef = ref(defName(group, version, kind));
  const listRef = ref(defName(group, version, `${kind}List`));
  const verbs = new Set(res.verbs);
  const nsParam = res.namespaced ? [pathParam('namespace', DESCRIPTIONS.namespace)] : [];
  const writeParams = WRITE_PARAMS();
  const listParams = [
    query('allowWatchBookmarks', 'boolean'),
    query('continue'),
    query('fieldSelector'),
    query('labelSelector'),
    query('limit', 'integer'),
    query('resourceVersion'),
    query('resourceVersionMatch'),
    query('sendInitialEvents', 'boolean'),
    query('timeoutSeconds', 'integer'),
    query('watch', 'boolean'),
  ];

  const coll: Obj = { parameters: [...nsParam, query('pretty')] };
  if (verbs.has('list')) {
    coll.get = operation(`list${g}${scope}${kind}`, 'list', gvk, tags, { parameters: listParams, responses: responses({ '200': 'OK' }, listRef, LIST_TYPES) });
  }
  if (verbs.has('create')) {
    coll.post = operation(`create${g}${scope}${kind}`, 'post', gvk, tags, {
      parameters: writeParams,
      requestBody: { content: { '*/*': { schema: kindRef } }, required: true },
      responses: responses({ '200': 'OK', '201': 'Created', '202': 'Accepted' }, kindRef),
    });
  }
  if (verbs.has('deletecollection')) {
    coll.delete = operation(`deleteCollection${g}${scope}${kind}`, 'deletecollection', gvk, tags, {
      parameters: [query('dryRun'), query('gracePeriodSeconds', 'integer'), query('propagationPolicy'), ...listParams],
      requestBody: { content: { '*/*': { schema: ref(DELETE_OPTIONS) } } },
      responses: responses({ '200': 'OK' }, ref(STATUS)),
    });
  }
  if (Object.keys(coll).length > 1) paths[collection] = coll;

  if (res.namespaced && verbs.has('list')) {
    paths[`${prefix}/${plural}`] = {
      get: operation(`list${g}${kind}ForAllNamespaces`, 'list', gvk, tags, { responses: responses({ '200': 'OK' }, listRef, LIST_TYPES) }),
      parameters: [...listParams, query('pretty')],
    };
  }

  // As upstream: path-level name/namespace/pretty; the write parameters sit on each operation,
  // where kubectl's QueryParamVerifierV3 looks for fieldValidation on the PATCH operation.
  const itemParams = (what: string): Obj[] => [pathParam('name', `name of the ${what}`), ...nsParam, query('pretty')];
  const itemPath: Obj = { parameters: itemParams(kind) };
  if (verbs.has('get')) itemPath.get = operation(`read${g}${scope}${kind}`, 'get', gvk, tags, { responses: responses({ '200': 'OK' }, kindRef) });
  if (verbs.has('update')) {
    itemPath.put = operation(`replace${g}${scope}${kind}`, 'put', gvk, tags, {
      parameters: writeParams,
      requestBody: { content: { '*/*': { schema: kindRef } }, required: true },
      responses: responses({ '200': 'OK', '201': 'Created' }, kindRef),
    });
  }
  if (verbs.has('patch')) {
    itemPath.patch = operation(`patch${g}${scope}${kind}`, 'patch', gvk, tags, {
      parameters: [...writeParams, query('force', 'boolean')],
      requestBody: { content: content(PATCH_TYPES, kindRef), required: true },
      responses: responses({ '200': 'OK', '201': 'Created' }, kindRef),
    });
  }
  if (verbs.has('delete')) {
    itemPath.delete = operation(`delete${g}${scope}${kind}`, 'delete', gvk, tags, {
      parameters: [query('dryRun'), query('gracePeriodSeconds', 'integer'), query('propagationPolicy')],
      requestBody: { content: { '*/*': { schema: ref(DELETE_OPTIONS) } } },
      responses: responses({ '200': 'OK', '202': 'Accepted' }, ref(STATUS)),
    });
  }
  paths[item] = itemPath;

  for (const sub of res.subresources) addSubresourcePath(paths, res, sub, item, itemParams(kind));
}

function addSubresourcePath(paths: Record<string, Obj>, res: ResourceInfo, sub: SubresourceInfo, item: string, parameters: Obj[]): void {
  const g = opGroup(res.group, res.version);
  const scope = res.namespaced ? 'Namespaced' : '';
  const suffix = sub.name.charAt(0).toUpperCase() + sub.name.slice(1);
  const subGroup = sub.group ?? res.group;
  const subVersion = sub.version ?? res.version;
  const gvk = gvkOf(subGroup, subVersion, sub.kind);
  const schema = ref(defName(subGroup, subVersion, sub.kind));
  const tags = [tag(res.group, res.version)];
  const path: Obj = { parameters };
  const verbs = new Set(sub.verbs);
  if (verbs.has('get')) path.get = operation(`read${g}${scope}${res.kind}${suffix}`, 'get', gvk, tags, { responses: responses({ '200': 'OK' }, schema) });
  if (verbs.has('update')) {
    path.put = operation(`replace${g}${scope}${res.kind}${suffix}`, 'put', gvk, tags, {
      parameters: WRITE_PARAMS(),
      requestBody: { content: { '*/*': { schema } }, required: true },
      responses: responses({ '200': 'OK', '201': 'Created' }, schema),
    });
  }
  if (verbs.has('patch')) {
    path.patch = operation(`patch${g}${scope}${res.kind}${suffix}`, 'patch', gvk, tags, {
      parameters: [...WRITE_PARAMS(), query('force', 'boolean')],
      requestBody: { content: content(PATCH_TYPES, schema), required: true },
      responses: responses({ '200': 'OK', '201': 'Created' }, schema),
    });
  }
  if (verbs.has('create')) {
    path.post = operation(`create${g}${scope}${res.kind}${suffix}`, 'post', gvk, tags, {
      parameters: WRITE_PARAMS(),
      requestBody: { content: { '*/*': { schema } }, required: true },
      responses: responses({ '200': 'OK', '201': 'Created', '202': 'Accepted' }, schema),
    });
  }
  paths[`${item}/${sub.name}`] = path;
}

/** Every definition name reachable through `$ref`s from `roots` (values of any shape). */
export function reachableDefinitions(roots: unknown[]): string[] {
  const seen = new Set<string>();
  const stack = [...roots];
  while (stack.length > 0) {
    const node = stack.pop();
    if (Array.isArray(node)) stack.push(...node);
    else if (node !== null && typeof node === 'object') {
      for (const [key, value] of Object.entries(node)) {
        if (key === '$ref' && typeof value === 'string') {
          const name = refName(value);
          if (!seen.has(name)) {
            seen.add(name);
            if (DEFINITIONS[name]) stack.push(DEFINITIONS[name]);
          }
        } else stack.push(value);
      }
    }
  }
  return [...seen].sort();
}

function patchExtensions(meta: PatchMeta): Obj {
  const out: Obj = {};
  if (meta.listType !== undefined) out['x-kubernetes-list-type'] = meta.listType;
  if (meta.listMapKeys !== undefined) out['x-kubernetes-list-map-keys'] = [...meta.listMapKeys];
  if (meta.mergeKey !== undefined) out['x-kubernetes-patch-merge-key'] = meta.mergeKey;
  if (meta.strategy !== undefined) out['x-kubernetes-patch-strategy'] = meta.strategy;
  return out;
}

/** A definition as served: a copy carrying upstream's patch/list extensions on its list fields. */
export function servedSchema(name: string): Schema {
  const def = structuredClone(DEFINITIONS[name]!) as Schema;
  const meta = PATCH_META[name];
  if (meta && def.properties) {
    for (const [field, pm] of Object.entries(meta)) {
      const prop = def.properties[field];
      if (prop) Object.assign(prop, patchExtensions(pm));
    }
  }
  return def;
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

const documents = new Map<string, { doc: OpenApiV3Doc; hash: string }>();

function build(group: string, version: string): { doc: OpenApiV3Doc; hash: string } {
  const key = groupVersionKey(group, version);
  const cached = documents.get(key);
  if (cached) return cached;
  const resources = RESOURCES.filter((r) => r.group === group && r.version === version);
  if (resources.length === 0) throw new Error(`group-version ${key} is not served`);
  const paths: Record<string, Obj> = {};
  for (const res of resources) addResourcePaths(paths, res);
  const sortedPaths = Object.fromEntries(Object.keys(paths).sort().map((p) => [p, paths[p]!]));
  const schemas: Record<string, Schema> = {};
  for (const name of reachableDefinitions([sortedPaths])) {
    if (DEFINITIONS[name]) schemas[name] = servedSchema(name);
  }
  const doc: OpenApiV3Doc = {
    openapi: '3.0.0',
    info: { title: 'Kubernetes', version: KUBERNETES_VERSION },
    paths: sortedPaths,
    components: { schemas },
  };
  const hash = createHash('sha256').update(JSON.stringify(doc as unknown as Json)).digest('hex').toUpperCase();
  const entry = { doc: deepFreeze(doc), hash };
  documents.set(key, entry);
  return entry;
}

/**
 * The OpenAPI v3 document of one group-version ('' for core). Memoised and deep-frozen: callers
 * serialise it and must not mutate it. Throws for a group-version k8ts does not serve.
 */
export function openApiV3Document(group: string, version: string): OpenApiV3Doc {
  return build(group, version).doc;
}

/** The `/openapi/v3` index: one entry per served group-version, URL carrying the document's hash. */
export function openApiV3Index(): OpenApiV3Index {
  const paths: Record<string, { serverRelativeURL: string }> = {};
  for (const gv of groupVersions()) {
    const key = groupVersionKey(gv.group, gv.version);
    paths[key] = { serverRelativeURL: `/openapi/v3/${key}?hash=${build(gv.group, gv.version).hash}` };
  }
  return { paths };
}
