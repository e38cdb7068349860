// VolumeBinding (upstream pkg/scheduler/framework/plugins/volumebinding, the decisions): every claim
// a pod mounts must exist and not be terminating or lost; bound claims pin the pod to their volume's
// node affinity; unbound WaitForFirstConsumer claims need, on the node, an Available matching volume
// or a class that can provision there; unbound Immediate claims wait. Pure: the writes and the wait
// for the PV controller live in volume-binder.ts.
import type { Node, PersistentVolume, PersistentVolumeClaim, Pod, StorageClass } from '../../api/types.js';
import { unresolvable, type Plugin, type Snapshot, type Status } from '../framework.js';
import type { NodeInfo } from '../node-info.js';
import {
  ANN_SELECTED_NODE, bySize, claimClass, claimNameOf, ephemeralClaimOwnerError, findMatchingVolume, isClaimFullyBound, isDelayBinding,
  matchesAllowedTopologies, NOT_SUPPORTED_PROVISIONER, volumeClass, volumeFitsNode,
} from './volume-matching.js';

export const ERR_REASON_BIND_CONFLICT = "node(s) didn't find available persistent volumes to bind";
export const ERR_REASON_NODE_CONFLICT = 'node(s) had volume node affinity conflict';
export const ERR_REASON_PV_NOT_EXIST = 'node(s) unavailable due to one or more pvc(s) bound to non-existent pv(s)';
export const ERR_REASON_UNBOUND_IMMEDIATE = 'pod has unbound immediate PersistentVolumeClaims';

type Claim = Readonly<PersistentVolumeClaim>;
type Volume = Readonly<PersistentVolume>;

/** The pod's claims, sorted as upstream's PodVolumeClaims (prefilter state). */
export interface VolumeState {
  boundClaims: Claim[];
  /** Unbound claims of WaitForFirstConsumer classes: the scheduler picks their node. */
  unboundDelayBinding: Claim[];
  /** PersistentVolumes of each class those claims ask for. */
  volumesByClass: Map<string, Volume[]>;
}

/** What binding the pod's volumes on one node takes (upstream PodVolumes). */
export interface PodVolumes {
  /** Claims that get an existing Available volume. */
  staticBindings: { pvc: Claim; pv: Volume }[];
  /** Claims whose class provisions a volume on the node. */
  dynamicProvisions: Claim[];
}

const storageClassOf = (snapshot: Snapshot, name: string) => snapshot.storageClass?.(name) as Readonly<StorageClass> | undefined;

/** upstream podHasPVCs + GetPodVolumeClaims. No state (and no status) when the pod mounts no claim. */
export function preFilterVolumeBinding(pod: Pod, snapshot: Snapshot): { state?: VolumeState; status?: Status } {
  const ns = pod.metadata?.namespace ?? 'default';
  const claims: Claim[] = [];
  for (const v of pod.spec?.volumes ?? []) {
    const ref = claimNameOf(pod, v);
    if (!ref) continue;
    const pvc = snapshot.pvc(ns, ref.name) as Claim | undefined;
    if (!pvc) {
      return { status: unresolvable(ref.ephemeral ? `waiting for ephemeral volume controller to create the persistentvolumeclaim "${ref.name}"` : `persistentvolumeclaim "${ref.name}" not found`) };
    }
    if (pvc.status?.phase === 'Lost') return { status: unresolvable(`persistentvolumeclaim "${ref.name}" bound to non-existent persistentvolume "${pvc.spec?.volumeName ?? ''}"`) };
    if (pvc.metadata?.deletionTimestamp) return { status: unresolvable(`persistentvolumeclaim "${ref.name}" is being deleted`) };
    if (ref.ephemeral) {
      const notOwner = ephemeralClaimOwnerError(pod, pvc);
      if (notOwner) return { status: unresolvable(notOwner) };
    }
    claims.push(pvc);
  }
  if (!claims.length) return {};
  const state: VolumeState = { boundClaims: [], unboundDelayBinding: [], volumesByClass: new Map() };
  for (const pvc of claims) {
    if (isClaimFullyBound(pvc)) state.boundClaims.push(pvc);
    // A claim pre-bound by name (spec.volumeName) is the PV controller's to finish, as an immediate one.
    else if (isDelayBinding(pvc, (n) => storageClassOf(snapshot, n)) && !pvc.spec?.volumeName) state.unboundDelayBinding.push(pvc);
    else return { status: unresolvable(ERR_REASON_UNBOUND_IMMEDIATE) };
  }
  for (const pvc of state.unboundDelayBinding) {
    const cls = claimClass(pvc);
    if (!state.volumesByClass.has(cls)) state.volumesByClass.set(cls, ((snapshot.persistentVolumes?.() ?? []) as Volume[]).filter((pv) => volumeClass(pv) === cls));
  }
  return { state };
}

/**
 * upstream FindPodVolumes: the reasons this node cannot serve the pod's claims (upstream's order),
 * or the bindings it would take. `error` is an internal failure (a class that vanished).
 */
export function findPodVolumes(state: VolumeState, node: Readonly<Node>, snapshot: Snapshot): { podVolumes: PodVolumes; reasons: string[]; error?: string } {
  const podVolumes: PodVolumes = { staticBindings: [], dynamicProvisions: [] };
  let boundSatisfied = true;
  let boundPVsFound = true;
  let unboundSatisfied = true;
  const reasons = () => {
    const out: string[] = [];
    if (!boundSatisfied) out.push(ERR_REASON_NODE_CONFLICT);
    if (!unboundSatisfied) out.push(ERR_REASON_BIND_CONFLICT);
    if (!boundPVsFound) out.push(ERR_REASON_PV_NOT_EXIST);
    return out;
  };
  for (const pvc of state.boundClaims) {
    const pv = snapshot.pv(pvc.spec!.volumeName!) as Volume | undefined;
    if (!pv) {
      boundPVsFound = false;
      break;
    }
    if (!volumeFitsNode(pv, node)) {
      boundSatisfied = false;
      break;
    }
  }
  if (!state.unboundDelayBinding.length) return { podVolumes, reasons: reasons() };

  const toMatch: Claim[] = [];
  const toProvision: Claim[] = [];
  for (const pvc of state.unboundDelayBinding) {
    const selected = pvc.metadata?.annotations?.[ANN_SELECTED_NODE];
    if (selected !== undefined) {
      // Provisioning for this claim was already started on another node.
      if (selected !== node.metadata?.name) {
        unboundSatisfied = false;
        return { podVolumes, reasons: reasons() };
      }
      toProvision.push(pvc);
    } else toMatch.push(pvc);
  }
  const chosen = new Set<string>();
  for (const pvc of bySize(toMatch)) {
    const pv = findMatchingVolume(pvc, state.volumesByClass.get(claimClass(pvc)) ?? [], node, chosen);
    if (!pv) {
      unboundSatisfied = false;
      toProvision.push(pvc);
      continue;
    }
    chosen.add(pv.metadata!.name!);
    podVolumes.staticBindings.push({ pvc, pv });
  }
  if (toProvision.length) {
    // checkVolumeProvisions decides for the claims left over.
    unboundSatisfied = true;
    for (const pvc of toProvision) {
      const name = claimClass(pvc);
      const cls = storageClassOf(snapshot, name);
      if (!cls) return { podVolumes, reasons: [], error: `failed to find storage class "${name}"` };
      if (!cls.provisioner || cls.provisioner === NOT_SUPPORTED_PROVISIONER || !matchesAllowedTopologies(cls.allowedTopologies, node.metadata?.labels ?? {})) {
        unboundSatisfied = false;
        podVolumes.dynamicProvisions = [];
        break;
      }
      podVolumes.dynamicProvisions.push(pvc);
    }
  }
  return { podVolumes, reasons: reasons() };
}

export function filterVolumeBinding(node: NodeInfo, state: VolumeState, snapshot: Snapshot): Status | undefined {
  const { reasons, error } = findPodVolumes(state, node.node, snapshot);
  if (error) return { code: 'Error', reasons: [error] };
  return reasons.length ? unresolvable(...reasons) : undefined;
}

export const volumeBinding: Plugin<VolumeState> = {
  name: 'VolumeBinding',
  preFilter: (pod, snapshot) => preFilterVolumeBinding(pod, snapshot),
  filter: (_pod, node, state, snapshot) => (state ? filterVolumeBinding(node, state, snapshot) : undefined),
};
