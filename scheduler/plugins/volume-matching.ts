// Pure volume rules of the scheduler's VolumeBinding, as upstream's component-helpers/storage/volume:
// which Available PersistentVolume can serve an unbound claim on a node (FindMatchingVolume with a
// node, delayBinding), class lookups, allowedTopologies. No I/O; never mutates its arguments.
import { selectorFromLabelSelector } from '../../api/labels.js';
import { parseQuantity } from '../../api/quantity.js';
import type { Node, PersistentVolume, PersistentVolumeClaim, Pod, StorageClass, TopologySelectorTerm, Volume } from '../../api/types.js';
import { nodeMatchesTerms } from './helpers.js';

export const ANN_SELECTED_NODE = 'volume.kubernetes.io/selected-node';
export const ANN_BIND_COMPLETED = 'pv.kubernetes.io/bind-completed';
export const ANN_BOUND_BY_CONTROLLER = 'pv.kubernetes.io/bound-by-controller';
/** StorageClass provisioner that means "static volumes only" (upstream NotSupportedProvisioner). */
export const NOT_SUPPORTED_PROVISIONER = 'kubernetes.io/no-provisioner';

type Claim = Readonly<PersistentVolumeClaim>;
type Volume_ = Readonly<PersistentVolume>;

/** GetPersistentVolumeClaimClass: the beta annotation wins over spec.storageClassName. */
export function claimClass(claim: Claim): string {
  return claim.metadata?.annotations?.['volume.beta.kubernetes.io/storage-class'] ?? claim.spec?.storageClassName ?? '';
}

/** GetPersistentVolumeClass. */
export function volumeClass(pv: Volume_): string {
  return pv.metadata?.annotations?.['volume.beta.kubernetes.io/storage-class'] ?? pv.spec?.storageClassName ?? '';
}

/** isPVCFullyBound: the claim names its volume and the PV controller finished the binding. */
export function isClaimFullyBound(claim: Claim): boolean {
  return !!claim.spec?.volumeName && claim.metadata?.annotations?.[ANN_BIND_COMPLETED] !== undefined;
}

/** IsDelayBindingMode: a claim without a class, or of a class that does not exist, binds immediately. */
export function isDelayBinding(claim: Claim, storageClass: (name: string) => Readonly<StorageClass> | undefined): boolean {
  const name = claimClass(claim);
  if (!name) return false;
  return storageClass(name)?.volumeBindingMode === 'WaitForFirstConsumer';
}

export function isVolumeBoundToClaim(pv: Volume_, claim: Claim): boolean {
  const ref = pv.spec?.claimRef;
  if (!ref) return false;
  if (ref.name !== claim.metadata?.name || ref.namespace !== claim.metadata?.namespace) return false;
  return !ref.uid || ref.uid === claim.metadata?.uid;
}

/** CheckNodeAffinity: a volume without required node affinity fits every node. */
export function volumeFitsNode(pv: Volume_, node: Readonly<Node>): boolean {
  const terms = pv.spec?.nodeAffinity?.required?.nodeSelectorTerms;
  return !terms || nodeMatchesTerms(node as Node, terms);
}

/** CheckAccessModes: the volume offers every mode the claim asks for. */
function hasAccessModes(claim: Claim, pv: Volume_): boolean {
  const modes = new Set(pv.spec?.accessModes ?? []);
  return (claim.spec?.accessModes ?? []).every((m) => modes.has(m));
}

const storageOf = (q: Readonly<Record<string, unknown>> | undefined) => parseQuantity(String(q?.storage ?? '0'));

/**
 * FindMatchingVolume on the scheduler's path (node given, delayBinding): a volume pre-bound to the
 * claim if its node affinity fits (none otherwise), else the smallest Available volume of the
 * claim's class that is big enough, has the volume mode, access modes and labels asked for, fits
 * the node and is not in `excluded`.
 */
export function findMatchingVolume(claim: Claim, volumes: readonly Volume_[], node: Readonly<Node>, excluded: ReadonlySet<string>): Volume_ | undefined {
  const requested = storageOf(claim.spec?.resources?.requests);
  const className = claimClass(claim);
  const selector = claim.spec?.selector ? selectorFromLabelSelector(claim.spec.selector) : undefined;
  let smallest: Volume_ | undefined;
  for (const pv of volumes) {
    if (excluded.has(pv.metadata?.name ?? '')) continue;
    if (pv.spec?.claimRef && !isVolumeBoundToClaim(pv, claim)) continue;
    if (storageOf(pv.spec?.capacity).cmp(requested) < 0) continue;
    if ((pv.spec?.volumeMode ?? 'Filesystem') !== (claim.spec?.volumeMode ?? 'Filesystem')) continue;
    if (pv.metadata?.deletionTimestamp) continue;
    const fits = volumeFitsNode(pv, node);
    if (isVolumeBoundToClaim(pv, claim)) return fits ? pv : undefined;
    if (pv.status?.phase !== 'Available') continue;
    if (selector && !selector.matches(pv.metadata?.labels ?? {})) continue;
    if (volumeClass(pv) !== className) continue;
    if (!fits || !hasAccessModes(claim, pv)) continue;
    if (!smallest || storageOf(smallest.spec?.capacity).cmp(storageOf(pv.spec?.capacity)) > 0) smallest = pv;
  }
  return smallest;
}

/** v1helper.MatchTopologySelectorTerms: no terms match every node; terms are ORed, expressions ANDed. */
export function matchesAllowedTopologies(terms: readonly TopologySelectorTerm[] | undefined, labels: Readonly<Record<string, string>>): boolean {
  if (!terms?.length) return true;
  return terms.some((t) => {
    const exprs = t.matchLabelExpressions ?? [];
    if (!exprs.length) return false;
    return exprs.every((e) => labels[e.key] !== undefined && (e.values ?? []).includes(labels[e.key]!));
  });
}

/** Sorts claims by increasing storage request (upstream byPVCSize), so the smallest fits go first. */
export function bySize(claims: readonly Claim[]): Claim[] {
  return [...claims].sort((a, b) => storageOf(a.spec?.resources?.requests).cmp(storageOf(b.spec?.resources?.requests)));
}

/** The claim a volume of the pod uses: a persistentVolumeClaim, or a generic ephemeral volume's `<pod>-<volume>`. */
export function claimNameOf(pod: Readonly<Pod>, v: Readonly<Volume>): { name: string; ephemeral: boolean } | undefined {
  if (v.persistentVolumeClaim) return { name: v.persistentVolumeClaim.claimName, ephemeral: false };
  if (v.ephemeral) return { name: `${pod.metadata?.name}-${v.name}`, ephemeral: true };
  return undefined;
}

/** ephemeral.VolumeIsForPod: a generic ephemeral volume's claim must be controlled by the pod. */
export function ephemeralClaimOwnerError(pod: Readonly<Pod>, claim: Claim): string | undefined {
  const owner = claim.metadata?.ownerReferences?.find((r) => r.controller);
  if (owner && owner.uid === pod.metadata?.uid) return undefined;
  return `PVC ${claim.metadata?.namespace}/${claim.metadata?.name} was not created for pod ${pod.metadata?.namespace}/${pod.metadata?.name} (pod is not owner)`;
}
