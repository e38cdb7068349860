// ownerReference helpers (metav1.GetControllerOf / NewControllerRef): how a controller names itself
// on the objects it owns. Pure; never writes.
import type { OwnerReference } from '../../api/types.js';

export interface OwnerLike {
  metadata?: { name?: string; uid?: string; namespace?: string; ownerReferences?: readonly OwnerReference[] };
}

/** The ownerReference with controller=true, if any. */
export function getControllerOf(obj: Readonly<OwnerLike>): Readonly<OwnerReference> | undefined {
  return obj.metadata?.ownerReferences?.find((r) => r.controller === true);
}

/** metav1.NewControllerRef: controller=true and blockOwnerDeletion=true, as upstream controllers set. */
export function newControllerRef(owner: Readonly<OwnerLike>, apiVersion: string, kind: string): OwnerReference {
  return {
    apiVersion,
    kind,
    name: owner.metadata?.name ?? '',
    uid: owner.metadata?.uid ?? '',
    controller: true,
    blockOwnerDeletion: true,
  };
}

/** True when obj's controller is `owner` (compared by uid). */
export function isControlledBy(obj: Readonly<OwnerLike>, owner: Readonly<OwnerLike>): boolean {
  const ref = getControllerOf(obj);
  return ref !== undefined && ref.uid === owner.metadata?.uid;
}
