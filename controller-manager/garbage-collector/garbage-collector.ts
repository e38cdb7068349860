// The garbage collector (upstream pkg/controller/garbagecollector): keeps the ownership graph from
// the informers of every monitored resource and acts on it through two queues. attemptToDelete
// deletes dependents whose owners are all gone (verified by a live GET and uid) or waiting for a
// foreground deletion, and removes the foregroundDeletion finalizer when no blocking dependent is
// left; attemptToOrphan strips ownerReferences to an owner deleted with the orphan finalizer, then
// removes that finalizer. It never deletes an object with a live owner, and never edits anything
// but ownerReferences, the two GC finalizers and deletions.
import type { Logger } from 'pino';
import { findByKind, parseApiVersion, apiVersionOf, type ResourceInfo } from '../../api/resources.js';
import { ConflictError, NotFoundError, type Client, type Informer, type KubeObject, type WorkQueue } from '../../client/index.js';
import type { ReconcileResult } from '../controller.js';
import { nodeFrom, OwnershipGraph, type GraphNode, type ObjectIdentity, type OwnerReference } from './graph.js';

export const FOREGROUND_FINALIZER = 'foregroundDeletion';
export const ORPHAN_FINALIZER = 'orphan';

export interface GarbageCollectorOptions {
  client: Client;
  /** The informer of every monitored resource. */
  informers: { resource: ResourceInfo; informer: Informer<KubeObject> }[];
  attemptToDelete: WorkQueue<string>;
  attemptToOrphan: WorkQueue<string>;
  logger: Logger;
}

type OwnerState = 'solid' | 'dangling' | 'waiting';

export class GarbageCollector {
  readonly graph = new OwnershipGraph();
  private readonly log: Logger;

  constructor(private readonly o: GarbageCollectorOptions) {
    this.log = o.logger;
  }

  /** Registers the graph builder's handlers on every monitored informer. */
  register(): void {
    for (const { resource, informer } of this.o.informers) {
      const apiVersion = apiVersionOf(resource);
      informer.on('add', (obj) => this.observe(nodeFrom(obj, apiVersion, resource.kind)));
      informer.on('update', (_old, obj) => this.observe(nodeFrom(obj, apiVersion, resource.kind)));
      informer.on('delete', (obj) => this.forget(obj.metadata!.uid!));
    }
  }

  /** upstream's processGraphChanges for an add or update. */
  observe(node: GraphNode): void {
    const uid = node.identity.uid;
    const previous = this.graph.upsert(node);
    const before = new Set((previous?.owners ?? []).map((r) => r.uid));
    const now = new Set(node.owners.map((r) => r.uid));
    // An owner we have never seen may be gone: let attemptToDelete verify it live.
    if (node.owners.some((r) => !before.has(r.uid) && !this.graph.has(r.uid))) this.o.attemptToDelete.add(uid);
    // An owner that was waiting for this dependent may now finish its foreground deletion.
    for (const ownerUid of before) {
      if (!now.has(ownerUid) && this.graph.get(ownerUid)?.deletingDependents) this.o.attemptToDelete.add(ownerUid);
    }
    if (node.orphaning) this.o.attemptToOrphan.add(uid);
    if (node.deletingDependents) {
      if (!previous?.deletingDependents) for (const dep of this.graph.dependentsOf(uid)) this.o.attemptToDelete.add(dep.identity.uid);
      this.o.attemptToDelete.add(uid);
    }
    // A dependent that started or stopped blocking its foreground-deleting owner.
    for (const ref of node.owners) if (this.graph.get(ref.uid)?.deletingDependents) this.o.attemptToDelete.add(ref.uid);
  }

  /** upstream's processGraphChanges for a delete: dependents may now be garbage. */
  forget(uid: string): void {
    const node = this.graph.remove(uid);
    for (const dep of this.graph.dependentsOf(uid)) this.o.attemptToDelete.add(dep.identity.uid);
    for (const ref of node?.owners ?? []) if (this.graph.get(ref.uid)?.deletingDependents) this.o.attemptToDelete.add(ref.uid);
  }

  private resourceOf(identity: Pick<ObjectIdentity, 'apiVersion' | 'kind'>): ResourceInfo | undefined {
    const { group, version } = parseApiVersion(identity.apiVersion);
    return findByKind(group, version, identity.kind);
  }

  private client(identity: Pick<ObjectIdentity, 'apiVersion' | 'kind'>) {
    return this.o.client.forKind(identity.apiVersion, identity.kind);
  }

  /** A live read; undefined when the object is gone or is another object of the same name. */
  private async getLive(identity: ObjectIdentity): Promise<KubeObject | undefined> {
    try {
      const obj = await this.client(identity).get(identity.name, identity.namespace);
      return obj.metadata?.uid === identity.uid ? obj : undefined;
    } catch (err) {
      if (err instanceof NotFoundError) return undefined;
      throw err;
    }
  }

  /** Whether an owner reference points at a live owner, one being foreground-deleted, or nothing. */
  private async ownerState(ref: OwnerReference, dependentNamespace: string | undefined): Promise<OwnerState> {
    const res = this.resourceOf(ref);
    // A kind this apiserver does not serve cannot be verified; keep the dependent (upstream retries it).
    if (!res) return 'solid';
    // A cluster-scoped dependent cannot have a namespaced owner: upstream treats the reference as absent.
    if (res.namespaced && !dependentNamespace) return 'dangling';
    const owner = await this.getLive({ apiVersion: ref.apiVersion, kind: ref.kind, name: ref.name, uid: ref.uid, namespace: res.namespaced ? dependentNamespace : undefined });
    if (!owner) return 'dangling';
    const meta = owner.metadata!;
    if (meta.deletionTimestamp && (meta.finalizers ?? []).includes(FOREGROUND_FINALIZER)) return 'waiting';
    return 'solid';
  }

  /** upstream's attemptToDeleteItem. */
  async attemptToDeleteItem(uid: string): Promise<ReconcileResult | void> {
    const node = this.graph.get(uid);
    if (!node) return;
    const live = await this.getLive(node.identity);
    if (!live) return;
    const meta = live.metadata!;
    if (meta.deletionTimestamp) {
      if ((meta.finalizers ?? []).includes(FOREGROUND_FINALIZER)) return this.processDeletingDependents(node, live);
      return;
    }
    const refs = meta.ownerReferences ?? [];
    if (refs.length === 0) return;
    const solid: OwnerReference[] = [];
    const dangling: OwnerReference[] = [];
    const waiting: OwnerReference[] = [];
    for (const ref of refs) {
      const state = await this.ownerState(ref, meta.namespace);
      (state === 'solid' ? solid : state === 'dangling' ? dangling : waiting).push(ref);
    }
    const log = this.log.child({ item: `${node.identity.kind} ${node.identity.namespace ?? ''}/${node.identity.name}` });
    if (solid.length > 0) {
      if (dangling.length === 0 && waiting.length === 0) return;
      // Some owners are alive: only drop the references to the gone or going ones.
      log.info({ remove: [...dangling, ...waiting].map((r) => r.uid) }, 'removing dangling ownerReferences');
      await this.patchOwnerRefs(node.identity, [...dangling, ...waiting].map((r) => ({ $patch: 'delete', uid: r.uid })));
      return;
    }
    const dependents = this.graph.dependentsOf(uid);
    if (waiting.length > 0 && dependents.length > 0) {
      // This item has dependents of its own: delete it in the foreground too, after unblocking any
      // dependent that is itself waiting for us (a cycle would otherwise never finish).
      for (const dep of dependents) {
        if (!dep.deletingDependents) continue;
        await this.patchOwnerRefs(dep.identity, [{ uid, blockOwnerDeletion: false }]);
      }
      log.info('deleting an object whose owners are being deleted in the foreground');
      await this.deleteObject(node.identity, 'Foreground');
      return;
    }
    const finalizers = meta.finalizers ?? [];
    const policy = finalizers.includes(ORPHAN_FINALIZER) ? 'Orphan' : finalizers.includes(FOREGROUND_FINALIZER) ? 'Foreground' : 'Background';
    log.info({ policy }, 'deleting an object whose owners are gone');
    await this.deleteObject(node.identity, policy);
  }

  /** An owner with the foregroundDeletion finalizer: delete its blocking dependents, then drop the finalizer. */
  private async processDeletingDependents(node: GraphNode, live: KubeObject): Promise<void> {
    const uid = node.identity.uid;
    const blocking = this.graph.blockingDependentsOf(uid);
    if (blocking.length === 0) {
      this.log.info({ owner: `${node.identity.kind} ${node.identity.namespace ?? ''}/${node.identity.name}` }, 'no blocking dependents left; removing the foregroundDeletion finalizer');
      await this.removeFinalizer(node.identity, live, FOREGROUND_FINALIZER);
      return;
    }
    for (const dep of blocking) if (!dep.deletingDependents) this.o.attemptToDelete.add(dep.identity.uid);
  }

  /** upstream's attemptToOrphanWorker: release every dependent, then remove the orphan finalizer. */
  async attemptToOrphanItem(uid: string): Promise<void> {
    const node = this.graph.get(uid);
    if (!node) return;
    const live = await this.getLive(node.identity);
    if (!live || !live.metadata?.deletionTimestamp || !(live.metadata.finalizers ?? []).includes(ORPHAN_FINALIZER)) return;
    for (const dep of this.graph.dependentsOf(uid)) {
      await this.patchOwnerRefs(dep.identity, [{ $patch: 'delete', uid }]);
    }
    await this.removeFinalizer(node.identity, live, ORPHAN_FINALIZER);
  }

  private async patchOwnerRefs(identity: ObjectIdentity, ownerReferences: Record<string, unknown>[]): Promise<void> {
    try {
      // The uid in the patch is a precondition: another object of the same name is never touched.
      await this.client(identity).patch(identity.name, 'strategic', { metadata: { ownerReferences, uid: identity.uid } }, {}, identity.namespace);
    } catch (err) {
      if (err instanceof NotFoundError) return;
      throw err;
    }
  }

  private async removeFinalizer(identity: ObjectIdentity, live: KubeObject, finalizer: string): Promise<void> {
    if (!(live.metadata?.finalizers ?? []).includes(finalizer)) return;
    try {
      await this.client(identity).patch(identity.name, 'strategic', { metadata: { [`$deleteFromPrimitiveList/finalizers`]: [finalizer], uid: identity.uid } }, {}, identity.namespace);
    } catch (err) {
      if (err instanceof NotFoundError) return;
      throw err;
    }
  }

  private async deleteObject(identity: ObjectIdentity, propagationPolicy: 'Orphan' | 'Foreground' | 'Background'): Promise<void> {
    try {
      await this.client(identity).delete(identity.name, { propagationPolicy, preconditions: { uid: identity.uid } }, identity.namespace);
    } catch (err) {
      // Gone already, or replaced by another object of the same name: nothing of ours to delete.
      if (err instanceof NotFoundError || err instanceof ConflictError) return;
      throw err;
    }
  }
}
