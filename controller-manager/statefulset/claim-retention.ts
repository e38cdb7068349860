// persistentVolumeClaimRetentionPolicy (upstream StatefulSetAutoDeletePVC, on by default in 1.32):
// which owner references a pod's claims carry so the garbage collector deletes them — the set as
// controller for whenDeleted=Delete, the pod for whenScaled=Delete once it is scaled away. Pure.
// Must never touch a claim another controller owns.
import type { PersistentVolumeClaim, Pod, StatefulSet } from './types.js';
import { inOrdinalRange, ordinalOf } from './identity.js';

interface Ref { apiVersion: string; kind: string; name: string; uid: string; controller?: boolean; blockOwnerDeletion?: boolean }
type Owner = { metadata?: { name?: string; uid?: string } };

const refsOf = (claim: Readonly<PersistentVolumeClaim>): Ref[] => (claim.metadata?.ownerReferences ?? []) as Ref[];
const SET_KIND = { apiVersion: 'apps/v1', kind: 'StatefulSet' };
const POD_KIND = { apiVersion: 'v1', kind: 'Pod' };

export function retentionPolicy(set: Readonly<StatefulSet>): { whenDeleted: string; whenScaled: string } {
  const p = set.spec?.persistentVolumeClaimRetentionPolicy;
  return { whenDeleted: p?.whenDeleted ?? 'Retain', whenScaled: p?.whenScaled ?? 'Retain' };
}

const hasRef = (claim: Readonly<PersistentVolumeClaim>, owner: Owner) => !!owner.metadata?.uid && refsOf(claim).some((r) => r.uid === owner.metadata?.uid);
const matchesRef = (r: Ref, owner: Owner, kind: { apiVersion: string; kind: string }) =>
  r.name === owner.metadata?.name && r.kind === kind.kind && r.apiVersion.split('/')[0] === kind.apiVersion.split('/')[0];
/** A ref naming the object but with another uid: left by an earlier incarnation. */
export const hasStaleRef = (claim: Readonly<PersistentVolumeClaim>, owner: Owner, kind: { apiVersion: string; kind: string }) => {
  const ref = refsOf(claim).find((r) => matchesRef(r, owner, kind));
  return ref !== undefined && ref.uid !== owner.metadata?.uid;
};
const hasUnexpectedController = (claim: Readonly<PersistentVolumeClaim>, set: Owner, pod: Owner) =>
  refsOf(claim).some((r) => r.controller === true && r.uid !== set.metadata?.uid && r.uid !== pod.metadata?.uid);
const hasNonControllerOwner = (claim: Readonly<PersistentVolumeClaim>, set: Owner, pod: Owner) =>
  refsOf(claim).some((r) => (r.uid === set.metadata?.uid || r.uid === pod.metadata?.uid) && r.controller !== true);

/** upstream isClaimOwnerUpToDate. */
export function claimOwnerUpToDate(claim: Readonly<PersistentVolumeClaim>, set: Readonly<StatefulSet>, pod: Readonly<Pod>): boolean {
  if (hasStaleRef(claim, set, SET_KIND) || hasStaleRef(claim, pod, POD_KIND)) return true;
  if (hasUnexpectedController(claim, set, pod)) return !(hasRef(claim, set) || hasRef(claim, pod));
  if (hasNonControllerOwner(claim, set, pod)) return false;
  const { whenDeleted, whenScaled } = retentionPolicy(set);
  const scaledDown = !inOrdinalRange(set, ordinalOf(pod));
  const wantSet = whenDeleted === 'Delete' && !(whenScaled === 'Delete' && scaledDown);
  const wantPod = whenScaled === 'Delete' && scaledDown;
  return hasRef(claim, set) === wantSet && hasRef(claim, pod) === wantPod;
}

/** upstream updateClaimOwnerRefForSetAndPod: the claim's owner references as the policy wants them. */
export function retentionOwnerRefs(claim: Readonly<PersistentVolumeClaim>, set: Readonly<StatefulSet>, pod: Readonly<Pod>): Ref[] {
  const unexpected = hasUnexpectedController(claim, set, pod);
  const refs = refsOf(claim).filter((r) => !matchesRef(r, set, SET_KIND) && !matchesRef(r, pod, POD_KIND)).map((r) => ({ ...r }));
  if (unexpected) return refs;
  const { whenDeleted, whenScaled } = retentionPolicy(set);
  const scaledDown = !inOrdinalRange(set, ordinalOf(pod));
  const add = (owner: Owner, kind: { apiVersion: string; kind: string }) => {
    if (!owner.metadata?.uid || refs.some((r) => r.uid === owner.metadata?.uid)) return;
    refs.push({ ...kind, name: owner.metadata.name ?? '', uid: owner.metadata.uid, controller: true, blockOwnerDeletion: true });
  };
  if (whenScaled === 'Delete' && scaledDown) add(pod, POD_KIND);
  else if (whenDeleted === 'Delete') add(set, SET_KIND);
  return refs;
}
