// Pure matching rules of the PV binder (upstream pkg/controller/volume/persistentvolume/util
// FindMatchingVolume and the storage class helpers): which Available PV fits a claim, smallest
// first. No I/O; never mutates its arguments.
import { selectorFromLabelSelector } from '../../api/labels.js';
import { parseQuantity } from '../../api/quantity.js';
import type { Node, NodeSelectorRequirement, PersistentVolume, PersistentVolumeClaim, StorageClass } from './types.js';

export const ANN_DEFAULT_CLASS = 'storageclass.kubernetes.io/is-default-class';
export const ANN_BETA_DEFAULT_CLASS = 'storageclass.beta.kubernetes.io/is-default-class';

export function isDefaultClass(sc: Readonly<StorageClass>): boolean {
  const a = sc.metadata?.annotations ?? {};
  return a[ANN_DEFAULT_CLASS] === 'true' || a[ANN_BETA_DEFAULT_CLASS] === 'true';
}

/** The default class; with several, the newest (upstream GetDefaultClass since 1.28), then by name. */
export function defaultClass(classes: readonly Readonly<StorageClass>[]): Readonly<StorageClass> | undefined {
  return classes.filter(isDefaultClass).sort((a, b) =>
    (b.metadata?.creationTimestamp ?? '').localeCompare(a.metadata?.creationTimestamp ?? '') || (a.metadata?.name ?? '').localeCompare(b.metadata?.name ?? ''))[0];
}

export function claimClass(claim: Readonly<PersistentVolumeClaim>): string {
  return claim.metadata?.annotations?.['volume.beta.kubernetes.io/storage-class'] ?? claim.spec?.storageClassName ?? '';
}

export function volumeClass(pv: Readonly<PersistentVolume>): string {
  return pv.metadata?.annotations?.['volume.beta.kubernetes.io/storage-class'] ?? pv.spec?.storageClassName ?? '';
}

function requirementMatches(r: Readonly<NodeSelectorRequirement>, value: string | undefined): boolean {
  const values = r.values ?? [];
  switch (r.operator) {
    case 'In': return value !== undefined && values.includes(value);
    case 'NotIn': return value === undefined || !values.includes(value);
    case 'Exists': return value !== undefined;
    case 'DoesNotExist': return value === undefined;
    case 'Gt': return value !== undefined && Number(value) > Number(values[0]);
    case 'Lt': return value !== undefined && Number(value) < Number(values[0]);
    default: return false;
  }
}

/** CheckNodeAffinity: a PV without required node affinity fits every node. */
export function volumeFitsNode(pv: Readonly<PersistentVolume>, node: Readonly<Node>): boolean {
  const terms = pv.spec?.nodeAffinity?.required?.nodeSelectorTerms;
  if (!terms) return true;
  const labels = node.metadata?.labels ?? {};
  return terms.some((term) => {
    const exprs = term.matchExpressions ?? [];
    const fields = term.matchFields ?? [];
    if (exprs.length + fields.length === 0) return false;
    return exprs.every((r) => requirementMatches(r, labels[r.key])) &&
      fields.every((r) => requirementMatches(r, r.key === 'metadata.name' ? node.metadata?.name : undefined));
  });
}

export function isVolumeBoundToClaim(pv: Readonly<PersistentVolume>, claim: Readonly<PersistentVolumeClaim>): boolean {
  const ref = pv.spec?.claimRef;
  if (!ref) return false;
  if (ref.name !== claim.metadata?.name || ref.namespace !== claim.metadata?.namespace) return false;
  return !ref.uid || ref.uid === claim.metadata?.uid;
}

/** Why a volume cannot serve a claim, or undefined when it can (checkVolumeSatisfyClaim). */
export function volumeMismatch(pv: Readonly<PersistentVolume>, claim: Readonly<PersistentVolumeClaim>): string | undefined {
  const request = claim.spec?.resources?.requests?.storage;
  const capacity = pv.spec?.capacity?.storage;
  if (request !== undefined && (capacity === undefined || parseQuantity(capacity).cmp(parseQuantity(request)) < 0)) return 'requested PV is too small';
  if (volumeClass(pv) !== claimClass(claim)) return 'storageClassName does not match';
  if ((pv.spec?.volumeMode ?? 'Filesystem') !== (claim.spec?.volumeMode ?? 'Filesystem')) return 'incompatible volumeMode';
  const modes = new Set(pv.spec?.accessModes ?? []);
  if (!(claim.spec?.accessModes ?? []).every((m) => modes.has(m))) return 'incompatible accessMode';
  return undefined;
}

/**
 * FindMatchingVolume: a volume pre-bound to this claim if it fits, else the smallest Available,
 * unclaimed volume that satisfies size, class, volume mode, access modes, the claim's selector
 * and, when given, the node the claim's pod will run on.
 */
export function findMatchingVolume(claim: Readonly<PersistentVolumeClaim>, volumes: readonly Readonly<PersistentVolume>[], node?: Readonly<Node>): Readonly<PersistentVolume> | undefined {
  const selector = claim.spec?.selector ? selectorFromLabelSelector(claim.spec.selector) : undefined;
  let best: Readonly<PersistentVolume> | undefined;
  for (const pv of volumes) {
    if (pv.metadata?.deletionTimestamp) continue;
    if (node && !volumeFitsNode(pv, node)) continue;
    if (volumeMismatch(pv, claim)) continue;
    if (pv.spec?.claimRef) {
      // Pre-bound to this claim (by name, or already by uid): it wins over everything else.
      if (isVolumeBoundToClaim(pv, claim)) return pv;
      continue;
    }
    if (pv.status?.phase !== 'Available') continue;
    if (selector && !selector.matches(pv.metadata?.labels ?? {})) continue;
    if (!best || parseQuantity(pv.spec!.capacity!.storage!).cmp(parseQuantity(best.spec!.capacity!.storage!)) < 0) best = pv;
  }
  return best;
}
