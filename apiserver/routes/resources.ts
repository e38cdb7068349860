// The REST endpoints of every resource: /api/v1/... and /apis/GROUP/VERSION/..., with upstream's
// verbs, query parameters, status codes and representations (object, Table, metadata). Handlers
// translate HTTP to store calls and back; the semantics live in registry/.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { BadRequestError, MethodNotAllowedError } from '../../api/errors.js';
import { apiVersionOf, type ResourceInfo } from '../../api/resources.js';
import { hasBody, negotiateRepresentation, parseBody, patchTypeOf, type Representation } from '../http/media.js';
import { matchResourcePath, type ResourceRequest } from '../http/request-info.js';
import { toTable } from '../table/table.js';
import type { KubeObject } from '../registry/codec.js';
import type { FieldValidation, UserInfo, WriteContext } from '../registry/context.js';
import { patchObject } from '../registry/patcher.js';
import { ResourceStore, type DeleteOptions } from '../registry/store.js';
import { bindPod, finalizeNamespace, patchScale, scaleOf, updateScale } from '../registry/subresources.js';
import { serveWatch } from './watch-stream.js';
import type { Storage } from '../storage/interface.js';
import type { RequestLabels } from '../metrics.js';
import { defaultAdmissionChain } from '../admission/index.js';

type Query = Record<string, string | string[] | undefined>;

function q(query: Query, name: string): string | undefined {
  const v = query[name];
  return Array.isArray(v) ? v[0] : v;
}

function boolParam(query: Query, name: string): boolean {
  const v = q(query, name);
  return v === 'true' || v === '1';
}

function intParam(query: Query, name: string): number | undefined {
  const v = q(query, name);
  if (v === undefined || v === '') return undefined;
  const n = Number(v);
  if (!Number.isInteger(n)) throw new BadRequestError(`invalid value for ${name}: ${JSON.stringify(v)}: must be an integer`);
  return n;
}

/** The field manager of a write: the parameter, else the user agent's name, as upstream. */
function fieldManagerOf(request: FastifyRequest, query: Query): string {
  const given = q(query, 'fieldManager');
  if (given !== undefined) {
    if (given.length > 128) throw new BadRequestError('fieldManager: Too long: may not be more than 128 bytes');
    return given;
  }
  const agent = request.headers['user-agent'] ?? '';
  return agent.split('/')[0].slice(0, 128);
}

function applyFieldManager(query: Query): string {
  const given = q(query, 'fieldManager') ?? '';
  if (given.length > 128) throw new BadRequestError('fieldManager: Too long: may not be more than 128 bytes');
  return given;
}

function writeContext(request: FastifyRequest, query: Query, user: UserInfo, isApply = false): WriteContext {
  const dryRun = q(query, 'dryRun');
  if (dryRun !== undefined && dryRun !== 'All') throw new BadRequestError(`Invalid dryRun value: ${JSON.stringify(dryRun)}; only "All" is supported`);
  const fv = q(query, 'fieldValidation');
  let fieldValidation: FieldValidation = 'Warn';
  if (fv !== undefined && fv !== '') {
    const known: FieldValidation[] = ['Strict', 'Warn', 'Ignore'];
    const match = known.find((k) => k.toLowerCase() === fv.toLowerCase());
    if (!match) throw new BadRequestError(`fieldValidation: Unsupported value: ${JSON.stringify(fv)}: supported values: "Ignore", "Strict", "Warn"`);
    fieldValidation = match;
  }
  return {
    user,
    fieldManager: isApply ? applyFieldManager(query) : fieldManagerOf(request, query),
    dryRun: dryRun === 'All',
    fieldValidation,
    warnings: [],
  };
}

function deleteOptions(query: Query, body: unknown): DeleteOptions {
  const opts: DeleteOptions = {};
  if (body !== undefined && body !== null) {
    if (typeof body !== 'object' || Array.isArray(body)) throw new BadRequestError('the body of a delete must be a DeleteOptions object');
    const b = body as Record<string, any>;
    if (b.gracePeriodSeconds !== undefined && b.gracePeriodSeconds !== null) {
      if (!Number.isInteger(b.gracePeriodSeconds)) throw new BadRequestError('gracePeriodSeconds must be an integer');
      opts.gracePeriodSeconds = b.gracePeriodSeconds;
    }
    if (b.propagationPolicy !== undefined && b.propagationPolicy !== null) opts.propagationPolicy = b.propagationPolicy;
    if (b.orphanDependents === true) opts.propagationPolicy ??= 'Orphan';
    if (b.preconditions) opts.preconditions = b.preconditions;
    if (b.dryRun !== undefined && !(Array.isArray(b.dryRun) && b.dryRun.every((d: unknown) => d === 'All'))) {
      throw new BadRequestError(`Invalid dryRun value: ${JSON.stringify(b.dryRun)}; only "All" is supported`);
    }
  }
  const grace = intParam(query, 'gracePeriodSeconds');
  if (grace !== undefined) opts.gracePeriodSeconds = grace;
  if (opts.gracePeriodSeconds !== undefined && !Number.isSafeInteger(opts.gracePeriodSeconds)) {
    throw new BadRequestError('gracePeriodSeconds: Invalid value: must be an int64');
  }
  if (opts.preconditions !== undefined) {
    const pre = opts.preconditions as unknown;
    if (pre === null || typeof pre !== 'object' || Array.isArray(pre)) throw new BadRequestError('preconditions: must be an object with uid and resourceVersion');
    for (const k of ['uid', 'resourceVersion'] as const) {
      const v = (pre as Record<string, unknown>)[k];
      if (v !== undefined && v !== null && typeof v !== 'string') throw new BadRequestError(`preconditions.${k}: must be a string`);
    }
  }
  const policy = q(query, 'propagationPolicy');
  if (policy !== undefined) opts.propagationPolicy = policy as DeleteOptions['propagationPolicy'];
  if (opts.propagationPolicy !== undefined && !['Orphan', 'Background', 'Foreground'].includes(opts.propagationPolicy)) {
    throw new BadRequestError(`propagationPolicy: Unsupported value: ${JSON.stringify(opts.propagationPolicy)}: supported values: "Foreground", "Background", "Orphan"`);
  }
  if (opts.gracePeriodSeconds !== undefined && opts.gracePeriodSeconds < 0) opts.gracePeriodSeconds = 1;
  return opts;
}

function sendWarnings(reply: FastifyReply, ctx: WriteContext): void {
  if (ctx.warnings.length) reply.header('Warning', ctx.warnings.map((w) => `299 - ${JSON.stringify(w)}`));
}

function listKind(res: ResourceInfo): string {
  return `${res.kind}List`;
}

function partialMetadata(obj: KubeObject): KubeObject {
  return { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: obj.metadata };
}

function includeObjectOf(query: Query): 'None' | 'Metadata' | 'Object' {
  const v = q(query, 'includeObject');
  if (v === 'None' || v === 'Object') return v;
  return 'Metadata';
}

/** Renders one object in the negotiated representation. */
function renderOne(res: ResourceInfo, obj: KubeObject, representation: Representation, query: Query): unknown {
  if (representation === 'table') return toTable(res, [obj], { includeObject: includeObjectOf(query) });
  if (representation === 'metadata') return partialMetadata(obj);
  return obj;
}

function stripTypeMeta(obj: KubeObject): KubeObject {
  const { apiVersion: _a, kind: _k, ...rest } = obj;
  return rest;
}

export interface ResourceRoutesOptions {
  storage: Storage;
  stores: Map<ResourceInfo, ResourceStore>;
  /** Records what a request was, for metrics. */
  label(request: FastifyRequest, labels: Partial<RequestLabels>): void;
  userOf(request: FastifyRequest): UserInfo;
}

export function registerResourceRoutes(app: FastifyInstance, options: ResourceRoutesOptions): void {
  // Every store's writes pass the admission chain (NamespaceLifecycle, Priority, ...).
  const admission = defaultAdmissionChain(options.stores);
  for (const store of options.stores.values()) store.admission = admission;
  const handler = async (request: FastifyRequest, reply: FastifyReply) => {
    const path = request.url.split('?')[0];
    const segments = path.split('/').slice(1);
    const root = segments[0] as 'api' | 'apis';
    const match = matchResourcePath(root, segments.slice(1).filter((s, i, a) => !(s === '' && i === a.length - 1)));
    if (match.kind !== 'resource') return reply.callNotFound();
    const target = match.request;
    const store = options.stores.get(target.resource)!;
    return dispatch(request, reply, target, store, options);
  };
  for (const root of ['/api/*', '/apis/*']) {
    app.route({ method: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'], url: root, handler });
  }
}

async function dispatch(
  request: FastifyRequest,
  reply: FastifyReply,
  target: ResourceRequest,
  store: ResourceStore,
  options: ResourceRoutesOptions,
): Promise<unknown> {
  const { resource: res, namespace, name, subresource } = target;
  const query = request.query as Query;
  const user = options.userOf(request);
  const method = request.method;
  const scope = name !== undefined ? 'resource' : namespace !== undefined ? 'namespace' : 'cluster';
  const labels = (verb: string) =>
    options.label(request, { verb, group: res.group, version: res.version, resource: res.plural, subresource: subresource?.name ?? '', scope });
  const ns = res.namespaced ? namespace : undefined;
  if (res.namespaced && name !== undefined && namespace === undefined) {
    // /api/v1/pods/NAME has no meaning: a namespaced object is addressed inside its namespace.
    return reply.callNotFound();
  }
  const body = () => parseBody(request.body, request.headers['content-type']);

  if (name === undefined) {
    if (res.namespaced && namespace === undefined && method !== 'GET') {
      // Upstream serves only list and watch across all namespaces.
      throw new MethodNotAllowedError();
    }
    switch (method) {
      case 'GET': {
        if (boolParam(query, 'watch')) {
          labels('WATCH');
          return serveWatch(request, reply, options.storage, res, {
            namespace: ns,
            resourceVersion: q(query, 'resourceVersion'),
            labelSelector: q(query, 'labelSelector'),
            fieldSelector: q(query, 'fieldSelector'),
            allowBookmarks: boolParam(query, 'allowWatchBookmarks'),
            timeoutSeconds: intParam(query, 'timeoutSeconds'),
            representation: negotiateRepresentation(request.headers.accept, true),
            includeObject: includeObjectOf(query),
          });
        }
        labels('LIST');
        const representation = negotiateRepresentation(request.headers.accept, true);
        const limit = intParam(query, 'limit');
        const result = await store.list(ns, {
          labelSelector: q(query, 'labelSelector'),
          fieldSelector: q(query, 'fieldSelector'),
          limit,
          continue: q(query, 'continue'),
        });
        const listMeta: Record<string, unknown> = { resourceVersion: result.resourceVersion };
        if (result.continue) listMeta.continue = result.continue;
        if (result.remainingItemCount !== undefined) listMeta.remainingItemCount = result.remainingItemCount;
        if (representation === 'table') {
          return toTable(res, result.items, { includeObject: includeObjectOf(query), listMeta: listMeta as any });
        }
        if (representation === 'metadata') {
          return { kind: 'PartialObjectMetadataList', apiVersion: 'meta.k8s.io/v1', metadata: listMeta, items: result.items.map(partialMetadata) };
        }
        return { kind: listKind(res), apiVersion: apiVersionOf(res), metadata: listMeta, items: result.items.map(stripTypeMeta) };
      }
      case 'POST': {
        labels('POST');
        const ctx = writeContext(request, query, user);
        const created = await store.create(ns, body(), ctx);
        sendWarnings(reply, ctx);
        reply.code(201);
        return renderOne(res, created, negotiateRepresentation(request.headers.accept, false), query);
      }
      case 'DELETE': {
        labels('DELETECOLLECTION');
        if (!res.verbs.includes('deletecollection')) throw new MethodNotAllowedError();
        const ctx = writeContext(request, query, user);
        const opts = deleteOptions(query, hasBody(request.body) ? body() : undefined);
        const items = await store.deleteCollection(ns, { labelSelector: q(query, 'labelSelector'), fieldSelector: q(query, 'fieldSelector') }, opts, ctx);
        return { kind: listKind(res), apiVersion: apiVersionOf(res), metadata: {}, items: items.map(stripTypeMeta) };
      }
      default:
        throw new MethodNotAllowedError();
    }
  }

  if (subresource?.name === 'scale') {
    switch (method) {
      case 'GET':
        labels('GET');
        return scaleOf(await store.get(ns, name));
      case 'PUT': {
        labels('PUT');
        const ctx = writeContext(request, query, user);
        const scale = body();
        return updateScale(store, ns, name, () => scale as KubeObject, ctx);
      }
      case 'PATCH': {
        labels('PATCH');
        const ctx = writeContext(request, query, user);
        const type = patchTypeOf(request.headers['content-type']);
        const patch = body();
        return updateScale(store, ns, name, (scale) => patchScale(type, scale, patch), ctx);
      }
      default:
        throw new MethodNotAllowedError();
    }
  }
  if (subresource?.name === 'binding') {
    if (method !== 'POST') throw new MethodNotAllowedError();
    labels('POST');
    await bindPod(store, ns!, name, body(), writeContext(request, query, user));
    reply.code(201);
    return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 201 };
  }
  if (subresource?.name === 'finalize') {
    if (method !== 'PUT') throw new MethodNotAllowedError();
    labels('PUT');
    return finalizeNamespace(store, name, body(), writeContext(request, query, user));
  }

  const targetPart = subresource?.name === 'status' ? 'status' : 'main';
  switch (method) {
    case 'GET': {
      labels('GET');
      const obj = await store.get(ns, name);
      return renderOne(res, obj, negotiateRepresentation(request.headers.accept, false), query);
    }
    case 'PUT': {
      labels('PUT');
      const ctx = writeContext(request, query, user);
      const updated = await store.update(ns, name, body(), ctx, targetPart);
      sendWarnings(reply, ctx);
      return renderOne(res, updated, negotiateRepresentation(request.headers.accept, false), query);
    }
    case 'PATCH': {
      labels('PATCH');
      const type = patchTypeOf(request.headers['content-type']);
      const ctx = writeContext(request, query, user, type === 'apply');
      const force = boolParam(query, 'force');
      if (q(query, 'force') !== undefined && type !== 'apply') throw new BadRequestError('force: Forbidden: may not be specified for non-apply patch');
      const { object, created } = await patchObject(store, { namespace: ns, name, type, patch: body(), force, target: targetPart }, ctx);
      sendWarnings(reply, ctx);
      if (created) reply.code(201);
      return renderOne(res, object, negotiateRepresentation(request.headers.accept, false), query);
    }
    case 'DELETE': {
      labels('DELETE');
      if (subresource) throw new MethodNotAllowedError();
      const ctx = writeContext(request, query, user);
      const opts = deleteOptions(query, hasBody(request.body) ? body() : undefined);
      const { object: obj, deleted } = await store.delete(ns, name, opts, ctx);
      if (!deleted) {
        // Still there (graceful or finalizers pending): upstream answers 200 with the object.
        return obj;
      }
      if (res.group === '' && res.plural === 'pods') return obj;
      return {
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Success',
        details: { name, group: res.group || undefined, kind: res.plural, uid: obj.metadata?.uid },
      };
    }
    default:
      throw new MethodNotAllowedError();
  }
}
