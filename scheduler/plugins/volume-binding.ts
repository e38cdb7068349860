// VolumeBinding (the part k8ts needs): every PersistentVolumeClaim a pod mounts must exist, not be
// terminating, and be bound; the bound PersistentVolume's required node affinity must match the
// node. k8ts has no dynamic provisioning in the scheduler, so an unbound claim waits. Pure.
import type { Pod } from '../../api/types.js';
import { unresolvable, type Plugin, type Snapshot, type Status } from '../framework.js';
import type { NodeInfo } from '../node-info.js';
import { nodeMatchesTerms } from './helpers.js';

export const ERR_REASON_NODE_CONFLICT = 'node(s) had volume node affinity conflict';
export const ERR_REASON_UNBOUND_IMMEDIATE = 'pod has unbound immediate PersistentVolumeClaims';

export interface VolumeState {
  /** Required node selector terms of each bound volume. */
  nodeAffinities: any[][];
}

export function preFilterVolumeBinding(pod: Pod, snapshot: Snapshot): { state?: VolumeState; status?: Status } {
  const ns = pod.metadata?.namespace ?? 'default';
  const state: VolumeState = { nodeAffinities: [] };
  for (const v of pod.spec?.volumes ?? []) {
    const claimName = v.persistentVolumeClaim?.claimName ?? (v.ephemeral ? `${pod.metadata?.name}-${v.name}` : undefined);
    if (!claimName) continue;
    const pvc = snapshot.pvc(ns, claimName);
    if (!pvc) return { status: unresolvable(`persistentvolumeclaim "${claimName}" not found`) };
    if (pvc.metadata?.deletionTimestamp) return { status: unresolvable(`persistentvolumeclaim "${claimName}" is being deleted`) };
    const volumeName = pvc.spec?.volumeName;
    if (!volumeName) return { status: unresolvable(ERR_REASON_UNBOUND_IMMEDIATE) };
    const pv = snapshot.pv(volumeName);
    if (!pv) return { status: unresolvable(`pvc(s) bound to non-existent pv(s)`) };
    const terms = pv.spec?.nodeAffinity?.required?.nodeSelectorTerms;
    if (terms) state.nodeAffinities.push(terms);
  }
  return { state };
}

export function filterVolumeBinding(node: NodeInfo, state: VolumeState): Status | undefined {
  for (const terms of state.nodeAffinities) if (!nodeMatchesTerms(node.node, terms)) return unresolvable(ERR_REASON_NODE_CONFLICT);
  return undefined;
}

export const volumeBinding: Plugin<VolumeState> = {
  name: 'VolumeBinding',
  preFilter: (pod, snapshot) => preFilterVolumeBinding(pod, snapshot),
  filter: (_pod, node, state) => (state ? filterVolumeBinding(node, state) : undefined),
};
