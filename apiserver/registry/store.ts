// The generic REST store: create, read, list, update, patch and delete of one resource over the
// narrow Storage interface, with upstream's semantics (optimistic concurrency on resourceVersion,
// generation, status/spec separation, finalizers, graceful deletion). It never touches etcd directly
// and never formats HTTP: it returns objects or throws StatusErrors.
import { randomUUID } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import {
  AlreadyExistsError,
  BadRequestError,
  ConflictError,
  ForbiddenError,
  GoneError,
  InvalidError,
  NotFoundError,
  ServiceUnavailableError,
  StatusError,
  TimeoutError,
  type FieldError,
} from '../../api/errors.js';
import { apiVersionOf, findByPlural, type ResourceInfo } from '../../api/resources.js';
import { applyDefaults } from '../../api/defaults/index.js';
import { validateCreate, validateUpdate } from '../../api/validation/index.js';
import { generateNameSuffix } from '../../api/validation/names.js';
import {
  StorageAlreadyExists,
  StorageCompacted,
  StorageConflict,
  StorageNotFound,
  StorageUnavailable,
  StorageError,
  type KeyValue,
  type Storage,
} from '../storage/interface.js';
import { decodeKv, encode, type KubeObject } from './codec.js';
import type { WriteContext } from './context.js';
import { objectKey, collectionPrefix } from './keys.js';
import type { ServiceAllocator } from './service-allocation.js';
import { strategyFor, type Strategy } from './strategy.js';
import { checkObjectStructure } from './structure.js';
import { recordManagedFields } from './managed-fields.js';
import { matcherFor, type ListQuery } from './filter.js';
import { decodeContinue, encodeContinue } from './continue-token.js';
import type { AdmissionChain } from '../admission/chain.js';
import type { AdmissionAttributes } from '../admission/types.js';

export type WriteTarget = 'main' | 'status';

export interface DeleteOptions {
  gracePeriodSeconds?: number;
  propagationPolicy?: 'Orphan' | 'Background' | 'Foreground';
  preconditions?: { uid?: string; resourceVersion?: string };
}

export interface ListResult {
  items: KubeObject[];
  resourceVersion: string;
  continue?: string;
  remainingItemCount?: number;
}

const MAX_RETRIES = 16;
/** Upstream keeps Events for an hour (--event-ttl). */
const EVENT_TTL_SECONDS = 3600;
const GENERATE_NAME_RETRIES = 7;

/** Far enough for any grace period; Date cannot represent much more. */
const MAX_OFFSET_SECONDS = 100 * 365 * 24 * 3600;

export function nowTimestamp(offsetSeconds = 0): string {
  const offset = Math.min(Math.max(offsetSeconds, -MAX_OFFSET_SECONDS), MAX_OFFSET_SECONDS);
  return new Date(Date.now() + offset * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Maps storage failures onto the API's errors; anything else passes through. */
export function translateStorageError(err: unknown, res: ResourceInfo, name: string): unknown {
  if (err instanceof StorageNotFound) return new NotFoundError(res, name);
  if (err instanceof StorageAlreadyExists) return new AlreadyExistsError(res, name);
  if (err instanceof StorageConflict) return new ConflictError(res, name);
  if (err instanceof StorageCompacted) return new GoneError(`too old resource version: ${err.requested} (${err.compactRevision})`);
  if (err instanceof StorageUnavailable) return new ServiceUnavailableError(`etcd is unavailable: ${err.message}`);
  if (err instanceof StorageError && /future revision/.test(err.message)) return new TimeoutError('Too large resource version');
  return err;
}

/**
 * The garbage collector's finalizers after a delete with this propagation policy, as upstream's
 * deletionFinalizersForGarbageCollection: Orphan and Foreground add theirs and drop the other;
 * Background drops both.
 */
function gcFinalizers(existing: readonly string[], policy: DeleteOptions['propagationPolicy']): string[] {
  if (policy === undefined) return [...existing];
  const keep = existing.filter((f) => f !== 'orphan' && f !== 'foregroundDeletion');
  if (policy === 'Orphan') keep.push('orphan');
  if (policy === 'Foreground') keep.push('foregroundDeletion');
  return keep;
}

/** What prepareUpdate produced each object for: user updates (and only those) pass admission. */
const updateTargets = new WeakMap<KubeObject, WriteTarget>();

export class ResourceStore {
  readonly strategy: Strategy;
  /** The apiserver's admission chain (apiserver/admission); set by the routes. */
  admission?: AdmissionChain;

  constructor(
    readonly res: ResourceInfo,
    private readonly storage: Storage,
    /** Services only: cluster IP and node port allocation. */
    private readonly services?: ServiceAllocator,
  ) {
    this.strategy = strategyFor(res);
  }

  private key(namespace: string | undefined, name: string): string {
    return objectKey(this.res, namespace, name);
  }

  private async call<T>(name: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      throw translateStorageError(err, this.res, name);
    }
  }

  private async read(namespace: string | undefined, name: string): Promise<KeyValue> {
    const kv = await this.call(name, () => this.storage.get(this.key(namespace, name)));
    if (!kv) throw new NotFoundError(this.res, name);
    return kv;
  }

  async get(namespace: string | undefined, name: string): Promise<KubeObject> {
    return this.withTypeMeta(decodeKv(await this.read(namespace, name)));
  }

  /** Sets apiVersion and kind, which stored objects always carry but older writes might lack. */
  withTypeMeta(obj: KubeObject): KubeObject {
    obj.apiVersion = apiVersionOf(this.res);
    obj.kind = this.res.kind;
    return obj;
  }

  async list(namespace: string | undefined, query: ListQuery): Promise<ListResult> {
    const matches = matcherFor(this.res, query);
    const prefix = collectionPrefix(this.res, namespace);
    const limit = query.limit && query.limit > 0 ? query.limit : 0;
    let startAfter: string | undefined;
    let revision: number | undefined;
    if (query.continue) {
      const token = decodeContinue(query.continue, prefix);
      startAfter = token.startAfter;
      revision = token.revision;
    }
    const items: KubeObject[] = [];
    let lastKey: string | undefined;
    let more = false;
    let remaining: number | undefined;
    // With a selector a page may match little: read pages that grow, as upstream's etcd3 store does.
    let pageSize = limit;
    for (;;) {
      const page = await this.storage.list(prefix, { limit: pageSize, startAfter, revision }).catch((err) => {
        if (err instanceof StorageCompacted && query.continue) {
          throw new GoneError('The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter.');
        }
        throw translateStorageError(err, this.res, '');
      });
      revision = page.revision;
      more = page.more;
      remaining = page.remaining;
      for (const [i, kv] of page.items.entries()) {
        const obj = decodeKv(kv);
        if (!matches(obj)) continue;
        items.push(this.withTypeMeta(obj));
        if (limit && items.length === limit) {
          // Stop at exactly `limit`; what is left of this page is read by the next call.
          lastKey = kv.key;
          if (i < page.items.length - 1) {
            more = true;
            remaining = undefined;
          }
          break;
        }
      }
      if (!more || (limit && items.length >= limit)) break;
      startAfter = page.items[page.items.length - 1]?.key ?? startAfter;
      pageSize = Math.min(pageSize * 2, 10_000);
    }
    const result: ListResult = { items, resourceVersion: String(revision) };
    if (more && lastKey !== undefined && limit) {
      result.continue = encodeContinue(prefix, lastKey, revision!);
      if (!query.labelSelector && !query.fieldSelector && remaining !== undefined) result.remainingItemCount = remaining;
    }
    return result;
  }

  /** Checks the namespace an object is created in exists and is not being deleted. */
  private async checkNamespace(namespace: string, name: string): Promise<void> {
    const nsRes = findByPlural('', 'v1', 'namespaces')!;
    const kv = await this.call(namespace, () => this.storage.get(objectKey(nsRes, undefined, namespace)));
    if (!kv) throw new NotFoundError(nsRes, namespace);
    const ns = decodeKv(kv);
    if (ns.metadata?.deletionTimestamp || ns.status?.phase === 'Terminating') {
      throw new ForbiddenError(
        `${this.res.plural} "${name}" is forbidden: unable to create new content in namespace ${namespace} because it is being terminated`,
        { causes: [{ type: 'NamespaceTerminating', message: `namespace ${namespace} is being terminated`, field: 'metadata.namespace' }] },
      );
    }
  }

  private invalid(obj: KubeObject, errors: FieldError[]): InvalidError {
    return new InvalidError(this.res.group, this.res.kind, obj.metadata?.name ?? obj.metadata?.generateName ?? '', errors);
  }

  private validate(obj: KubeObject, old?: KubeObject): void {
    const errors = old ? validateUpdate(obj, old) : validateCreate(obj);
    const seen = new Set<string>();
    const unique = errors.filter((e: FieldError) => (seen.has(e.toString()) ? false : (seen.add(e.toString()), true)));
    if (unique.length) throw this.invalid(obj, unique);
  }

  async create(namespace: string | undefined, body: unknown, ctx: WriteContext): Promise<KubeObject> {
    const obj = checkObjectStructure(this.res, body, ctx, namespace);
    const meta = obj.metadata!;
    if (meta.resourceVersion) throw new BadRequestError('resourceVersion should not be set on objects to be created');
    const generated = !meta.name && typeof meta.generateName === 'string' && meta.generateName !== '';
    if (generated) meta.name = meta.generateName + generateNameSuffix();
    if (this.res.namespaced) {
      if (!meta.namespace) throw new BadRequestError('the namespace of the provided object does not match the namespace sent on the request');
    }
    meta.uid = randomUUID();
    meta.creationTimestamp = nowTimestamp();
    delete meta.deletionTimestamp;
    delete meta.deletionGracePeriodSeconds;
    applyDefaults(obj);
    const attrs: AdmissionAttributes = { operation: 'CREATE', resource: this.res, subresource: '', namespace: meta.namespace, name: meta.name ?? '', object: obj, user: ctx.user, dryRun: ctx.dryRun };
    await this.admission?.admit(attrs);
    this.strategy.prepareForCreate(obj);
    if (this.res.hasSpec) meta.generation = 1;
    else delete meta.generation;
    this.validate(obj);
    if (this.res.namespaced && !this.admission) await this.checkNamespace(meta.namespace, meta.name);
    await this.admission?.validate(attrs);
    recordManagedFields(undefined, obj, ctx, 'Update');
    if (ctx.dryRun) return obj;
    await this.services?.allocate(obj);
    const ttl = this.res.group === '' && this.res.plural === 'events' ? { ttlSeconds: EVENT_TTL_SECONDS } : undefined;
    // A generated name that collides is generated again, as upstream retries (RetryGenerateName).
    const retries = generated ? GENERATE_NAME_RETRIES : 0;
    for (let attempt = 0; ; attempt++) {
      try {
        const revision = await this.storage.create(this.key(meta.namespace, meta.name), encode(obj), ttl);
        meta.resourceVersion = String(revision);
        return obj;
      } catch (err) {
        if (!(err instanceof StorageAlreadyExists) || attempt >= retries) {
          await this.services?.release(obj).catch(() => undefined);
          throw translateStorageError(err, this.res, meta.name);
        }
        meta.name = meta.generateName + generateNameSuffix();
      }
    }
  }

  /**
   * Reads, transforms and writes back until the write lands without a conflict, as upstream's
   * GuaranteedUpdate. `transform` gets a private copy and returns the next object, or the same
   * object when nothing is to be written. A transform may throw to abort.
   */
  async guaranteedUpdate(
    namespace: string | undefined,
    name: string,
    transform: (current: KubeObject) => KubeObject | Promise<KubeObject>,
    ctx: WriteContext,
  ): Promise<KubeObject> {
    for (let attempt = 0; ; attempt++) {
      const kv = await this.read(namespace, name);
      const current = this.withTypeMeta(decodeKv(kv));
      const next = await transform(structuredClone(current));
      const target = updateTargets.get(next);
      if (this.admission && target !== undefined) {
        const meta = next.metadata!;
        const attrs: AdmissionAttributes = {
          operation: 'UPDATE', resource: this.res, subresource: target === 'status' ? 'status' : '', namespace: meta.namespace, name,
          object: next, oldObject: current, user: ctx.user, dryRun: ctx.dryRun,
        };
        const before = encode(next);
        await this.admission.admit(attrs);
        if (encode(next) !== before) this.validate(next, current);
        await this.admission.validate(attrs);
      }
      if (encode(next) === encode(current)) return current;
      if (ctx.dryRun) return next;
      if (next.metadata?.deletionTimestamp && (next.metadata.finalizers ?? []).length === 0 && this.deletableNow(next)) {
        return this.removeFromStorage(kv, name, next);
      }
      const freed = this.services ? await this.services.beforeUpdate(next, current) : undefined;
      try {
        const revision = await this.storage.update(kv.key, encode(next), kv.modRevision);
        next.metadata!.resourceVersion = String(revision);
        if (freed) await this.services!.release(current, freed);
        return next;
      } catch (err) {
        if (err instanceof StorageConflict && attempt < MAX_RETRIES) continue;
        throw translateStorageError(err, this.res, name);
      }
    }
  }

  /** An object being deleted whose finalizers are gone may leave storage now (a pod waits for its kubelet). */
  private deletableNow(obj: KubeObject): boolean {
    if (this.res.group === '' && this.res.plural === 'pods') return (obj.metadata?.deletionGracePeriodSeconds ?? 0) === 0;
    if (this.res.group === '' && this.res.plural === 'namespaces') return (obj.spec?.finalizers ?? []).length === 0;
    return true;
  }

  private async removeFromStorage(kv: KeyValue, name: string, last: KubeObject): Promise<KubeObject> {
    try {
      const { revision } = await this.storage.delete(kv.key, kv.modRevision);
      last.metadata!.resourceVersion = String(revision);
      await this.services?.release(last);
      return last;
    } catch (err) {
      throw translateStorageError(err, this.res, name);
    }
  }

  /**
   * Produces the object to store from a client's full object (PUT, or a patch result), keeping
   * what the client may not change through this endpoint, then defaults and validates it.
   */
  prepareUpdate(current: KubeObject, candidate: unknown, ctx: WriteContext, target: WriteTarget, checkedStructure = false): KubeObject {
    const name = current.metadata!.name as string;
    const next = checkedStructure ? (candidate as KubeObject) : checkObjectStructure(this.res, candidate, ctx, current.metadata!.namespace);
    const meta = next.metadata!;
    if (meta.name !== undefined && meta.name !== name) {
      throw new BadRequestError(`the name of the object (${meta.name}) does not match the name on the URL (${name})`);
    }
    meta.name = name;
    if (meta.resourceVersion && meta.resourceVersion !== current.metadata!.resourceVersion) throw new ConflictError(this.res, name);
    meta.resourceVersion = current.metadata!.resourceVersion;
    // Fields the system owns: a client cannot set or clear them through an update.
    for (const k of ['creationTimestamp', 'deletionTimestamp', 'deletionGracePeriodSeconds', 'generation'] as const) {
      if (current.metadata![k] === undefined) delete meta[k];
      else meta[k] = current.metadata![k];
    }
    if (meta.uid === undefined || meta.uid === '') meta.uid = current.metadata!.uid;
    if (target === 'status') {
      // Upstream's status strategies keep spec and metadata: only status changes here.
      const keep = structuredClone(current);
      keep.status = next.status;
      // Upstream's deployment status strategy resets only spec and labels: the deployment controller
      // writes metadata.annotations (deployment.kubernetes.io/revision) through /status.
      if (this.res.group === 'apps' && this.res.plural === 'deployments') keep.metadata!.annotations = next.metadata!.annotations;
      return this.markTarget(this.finishUpdate(current, keep, ctx), 'status');
    }
    if (this.res.hasStatus) {
      if (current.status === undefined) delete next.status;
      else next.status = current.status;
    }
    applyDefaults(next);
    this.strategy.prepareForUpdate?.(next, current);
    if (this.res.hasSpec && !isDeepStrictEqual(next.spec, current.spec)) meta.generation = (current.metadata!.generation ?? 0) + 1;
    return this.markTarget(this.finishUpdate(current, next, ctx), 'main');
  }

  private markTarget(obj: KubeObject, target: WriteTarget): KubeObject {
    updateTargets.set(obj, target);
    return obj;
  }

  private finishUpdate(current: KubeObject, next: KubeObject, ctx: WriteContext): KubeObject {
    if (this.res.group === '' && this.res.plural === 'pods' && next.status && !next.status.qosClass && current.status?.qosClass) {
      next.status.qosClass = current.status.qosClass;
    }
    this.validate(next, current);
    recordManagedFields(current, next, ctx, 'Update');
    return next;
  }

  async update(namespace: string | undefined, name: string, body: unknown, ctx: WriteContext, target: WriteTarget): Promise<KubeObject> {
    const pinned = (body as KubeObject | null)?.metadata?.resourceVersion;
    return this.guaranteedUpdate(
      namespace,
      name,
      (current) => {
        if (pinned && pinned !== current.metadata!.resourceVersion) throw new ConflictError(this.res, name);
        return this.prepareUpdate(current, structuredClone(body), ctx, target);
      },
      ctx,
    );
  }

  /** Deletes, or starts a graceful/finalized deletion; `deleted` says whether the object is gone. */
  async delete(namespace: string | undefined, name: string, options: DeleteOptions, ctx: WriteContext): Promise<{ object: KubeObject; deleted: boolean }> {
    for (let attempt = 0; ; attempt++) {
      const kv = await this.read(namespace, name);
      const current = this.withTypeMeta(decodeKv(kv));
      const meta = current.metadata!;
      const pre = options.preconditions ?? {};
      if (pre.uid && pre.uid !== meta.uid) {
        throw new ConflictError(this.res, name, `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${meta.uid}`);
      }
      if (pre.resourceVersion && pre.resourceVersion !== meta.resourceVersion) {
        throw new ConflictError(this.res, name, `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${meta.resourceVersion}`);
      }
      const next = structuredClone(current);
      const nmeta = next.metadata!;
      const finalizers = gcFinalizers(nmeta.finalizers ?? [], options.propagationPolicy);
      const grace = this.strategy.gracePeriod(current, options.gracePeriodSeconds);
      const isNamespace = this.res.group === '' && this.res.plural === 'namespaces';
      const waits = finalizers.length > 0 || grace > 0 || isNamespace;
      if (!waits) {
        if (ctx.dryRun) return { object: current, deleted: true };
        try {
          const { revision } = await this.storage.delete(kv.key, kv.modRevision);
          meta.resourceVersion = String(revision);
          await this.services?.release(current);
          return { object: current, deleted: true };
        } catch (err) {
          if (err instanceof StorageConflict && attempt < MAX_RETRIES) continue;
          throw translateStorageError(err, this.res, name);
        }
      }
      if (isNamespace) {
        if (nmeta.deletionTimestamp && (next.spec?.finalizers ?? []).length > 0) {
          throw new ConflictError(this.res, name, 'The system is ensuring all content is removed from this namespace.  Upon completion, this namespace will automatically be purged by the system.');
        }
        // Nothing left to finalize: the namespace goes at once, as upstream's namespace store does.
        if ((next.spec?.finalizers ?? []).length === 0 && finalizers.length === 0) {
          return { object: ctx.dryRun ? current : await this.removeFromStorage(kv, name, current), deleted: true };
        }
        next.status = { ...(next.status ?? {}), phase: 'Terminating' };
      }
      if (finalizers.length) nmeta.finalizers = finalizers;
      else delete nmeta.finalizers;
      if (!nmeta.deletionTimestamp) {
        nmeta.deletionTimestamp = nowTimestamp(grace);
        nmeta.deletionGracePeriodSeconds = grace;
      } else if (grace < (nmeta.deletionGracePeriodSeconds ?? 0)) {
        // A shorter grace period may replace a longer one, as upstream allows.
        nmeta.deletionTimestamp = nowTimestamp(grace);
        nmeta.deletionGracePeriodSeconds = grace;
      }
      if (this.res.group === '' && this.res.plural === 'pods' && grace === 0 && finalizers.length === 0) {
        return { object: ctx.dryRun ? current : await this.removeFromStorage(kv, name, current), deleted: true };
      }
      if (encode(next) === encode(current) || ctx.dryRun) return { object: next, deleted: false };
      try {
        const revision = await this.storage.update(kv.key, encode(next), kv.modRevision);
        nmeta.resourceVersion = String(revision);
        return { object: next, deleted: false };
      } catch (err) {
        if (err instanceof StorageConflict && attempt < MAX_RETRIES) continue;
        throw translateStorageError(err, this.res, name);
      }
    }
  }

  async deleteCollection(namespace: string | undefined, query: ListQuery, options: DeleteOptions, ctx: WriteContext): Promise<KubeObject[]> {
    const { items } = await this.list(namespace, { labelSelector: query.labelSelector, fieldSelector: query.fieldSelector });
    const deleted: KubeObject[] = [];
    for (const item of items) {
      try {
        deleted.push((await this.delete(item.metadata!.namespace, item.metadata!.name, options, ctx)).object);
      } catch (err) {
        if (!(err instanceof StatusError && err.code === 404)) throw err;
      }
    }
    return deleted;
  }
}
