// Upstream's ControllerRefManager (controller/controller_ref_manager.go): a controller claims the
// objects its selector matches — adopting orphans, releasing owned objects that no longer match —
// through strategic-merge patches that name the object's uid. It never touches objects owned by
// another controller, and never adopts while its own owner is being deleted.
import type { OwnerReference } from '../../api/types.js';
import type { KubeObject, ResourceClient } from '../../client/index.js';
import { isNotFound } from './errors.js';
import { getControllerOf } from './owner-refs.js';

export interface ClaimOptions<T extends KubeObject> {
  /** The owner (e.g. the ReplicaSet) as the lister has it. */
  owner: Readonly<KubeObject>;
  /** apiVersion and kind of the owner for the ownerReference. */
  apiVersion: string;
  kind: string;
  /** Whether an object belongs to the owner by its labels. */
  match: (obj: Readonly<T>) => boolean;
  /** The owned resource's client (pods, replicasets.apps) for the adopt/release patches. */
  client: Pick<ResourceClient<T>, 'patch'>;
  /**
   * RecheckDeletionTimestamp: called once before the first adoption; must throw if the owner (read
   * fresh from the apiserver) is gone, has another uid, or is being deleted.
   */
  canAdopt: () => Promise<void>;
}

/** The adoption patch of upstream's ownerRefControllerPatch. */
export function adoptPatch(owner: Readonly<KubeObject>, apiVersion: string, kind: string, objUid: string): unknown {
  const ref: OwnerReference = {
    apiVersion, kind, name: owner.metadata?.name ?? '', uid: owner.metadata?.uid ?? '', controller: true, blockOwnerDeletion: true,
  };
  return { metadata: { ownerReferences: [ref], uid: objUid } };
}

/** The release patch of upstream's GenerateDeleteOwnerRefStrategicMergeBytes. */
export function releasePatch(ownerUid: string, objUid: string): unknown {
  return { metadata: { ownerReferences: [{ $patch: 'delete', uid: ownerUid }], uid: objUid } };
}

/**
 * ClaimObjects: returns the objects the owner now controls. Errors of individual adoptions or
 * releases are collected and thrown together after every object was tried (as upstream aggregates).
 */
export async function claimObjects<T extends KubeObject>(objects: readonly Readonly<T>[], o: ClaimOptions<T>): Promise<Readonly<T>[]> {
  const claimed: Readonly<T>[] = [];
  const errors: string[] = [];
  let adoptionChecked: Promise<void> | undefined;
  const ownerUid = o.owner.metadata?.uid ?? '';
  const ownerDeleting = !!o.owner.metadata?.deletionTimestamp;
  for (const obj of objects) {
    const name = obj.metadata?.name ?? '';
    const ns = obj.metadata?.namespace;
    const uid = obj.metadata?.uid ?? '';
    const ref = getControllerOf(obj as never);
    try {
      if (ref) {
        if (ref.uid !== ownerUid) continue;
        if (o.match(obj)) {
          claimed.push(obj);
          continue;
        }
        if (ownerDeleting) continue;
        try {
          await o.client.patch(name, 'strategic', releasePatch(ownerUid, uid), {}, ns);
        } catch (err) {
          // Gone already, or no longer ours (uid precondition): nothing to release.
          if (!isNotFound(err) && !(err instanceof Error && /uid|precondition/i.test(err.message))) throw err;
        }
        continue;
      }
      if (ownerDeleting || !o.match(obj) || obj.metadata?.deletionTimestamp) continue;
      if (o.owner.metadata?.namespace && o.owner.metadata.namespace !== ns) continue;
      adoptionChecked ??= o.canAdopt();
      await adoptionChecked;
      try {
        await o.client.patch(name, 'strategic', adoptPatch(o.owner, o.apiVersion, o.kind, uid), {}, ns);
      } catch (err) {
        if (isNotFound(err)) continue;
        throw err;
      }
      claimed.push(obj);
    } catch (err) {
      errors.push(err instanceof Error ? err.message : String(err));
    }
  }
  if (errors.length) throw new Error(errors.length === 1 ? errors[0] : `[${errors.join(', ')}]`);
  return claimed;
}

/**
 * RecheckDeletionTimestamp over a fresh GET: throws unless the owner still exists with the same
 * uid and no deletionTimestamp (upstream's "original ... is gone: got uid ..." messages).
 */
export function recheckDeletionTimestamp(get: () => Promise<KubeObject>, owner: Readonly<KubeObject>, kind: string): () => Promise<void> {
  return async () => {
    const fresh = await get();
    const ns = owner.metadata?.namespace, name = owner.metadata?.name;
    if (fresh.metadata?.uid !== owner.metadata?.uid) {
      throw new Error(`original ${kind} ${ns}/${name} is gone: got uid ${fresh.metadata?.uid}, wanted ${owner.metadata?.uid}`);
    }
    if (fresh.metadata?.deletionTimestamp) {
      throw new Error(`${ns}/${name} has just been deleted at ${fresh.metadata.deletionTimestamp}`);
    }
  };
}
