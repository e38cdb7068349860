// The garbage collector's view of ownership (upstream's GraphBuilder.uidToNode): one node per object
// seen by any monitored informer, with its owner references, and an index owner uid -> dependents
// that outlives the owner's node so orphans are found after their owner is gone. Memory only; no I/O.
import type { KubeObject } from '../../client/index.js';

export type OwnerReference = NonNullable<NonNullable<KubeObject['metadata']>['ownerReferences']>[number];

export interface ObjectIdentity {
  apiVersion: string;
  kind: string;
  namespace?: string;
  name: string;
  uid: string;
}

export interface GraphNode {
  identity: ObjectIdentity;
  owners: OwnerReference[];
  /** metadata.deletionTimestamp is set. */
  beingDeleted: boolean;
  /** Being deleted with the foregroundDeletion finalizer: waits for its blocking dependents. */
  deletingDependents: boolean;
  /** Being deleted with the orphan finalizer. */
  orphaning: boolean;
}

export function nodeFrom(obj: Readonly<KubeObject>, apiVersion: string, kind: string): GraphNode {
  const meta = obj.metadata!;
  const finalizers = meta.finalizers ?? [];
  const beingDeleted = meta.deletionTimestamp !== undefined && meta.deletionTimestamp !== null;
  return {
    identity: { apiVersion, kind, namespace: meta.namespace, name: meta.name!, uid: meta.uid! },
    owners: (meta.ownerReferences ?? []).map((r) => ({ ...r })),
    beingDeleted,
    deletingDependents: beingDeleted && finalizers.includes('foregroundDeletion'),
    orphaning: beingDeleted && finalizers.includes('orphan'),
  };
}

export class OwnershipGraph {
  private readonly nodes = new Map<string, GraphNode>();
  private readonly dependents = new Map<string, Set<string>>();

  get(uid: string): GraphNode | undefined {
    return this.nodes.get(uid);
  }

  has(uid: string): boolean {
    return this.nodes.has(uid);
  }

  /** Stores the node; returns the previous one. */
  upsert(node: GraphNode): GraphNode | undefined {
    const uid = node.identity.uid;
    const previous = this.nodes.get(uid);
    for (const ref of previous?.owners ?? []) this.dependents.get(ref.uid)?.delete(uid);
    for (const ref of node.owners) {
      let set = this.dependents.get(ref.uid);
      if (!set) this.dependents.set(ref.uid, (set = new Set()));
      set.add(uid);
    }
    this.nodes.set(uid, node);
    this.prune(previous);
    return previous;
  }

  remove(uid: string): GraphNode | undefined {
    const node = this.nodes.get(uid);
    if (!node) return undefined;
    this.nodes.delete(uid);
    for (const ref of node.owners) this.dependents.get(ref.uid)?.delete(uid);
    this.prune(node);
    return node;
  }

  private prune(node: GraphNode | undefined): void {
    for (const ref of node?.owners ?? []) if (this.dependents.get(ref.uid)?.size === 0) this.dependents.delete(ref.uid);
  }

  /** The known dependents of an owner uid (the owner itself need not be known). */
  dependentsOf(ownerUid: string): GraphNode[] {
    return [...(this.dependents.get(ownerUid) ?? [])].map((uid) => this.nodes.get(uid)!).filter(Boolean);
  }

  /** Dependents whose reference to the owner has blockOwnerDeletion (upstream's blockingDependents). */
  blockingDependentsOf(ownerUid: string): GraphNode[] {
    return this.dependentsOf(ownerUid).filter((d) => d.owners.some((r) => r.uid === ownerUid && r.blockOwnerDeletion === true));
  }

  get size(): number {
    return this.nodes.size;
  }
}
