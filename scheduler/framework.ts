// The scheduling framework's vocabulary, as upstream's pkg/scheduler/framework: plugin statuses and
// their codes, the plugin shapes (preFilter/filter/score/normalize), and the read-only snapshot that
// plugins see. Must never do I/O: plugins are pure functions of the pod and the snapshot.
import type { Pod } from '../api/types.js';
import type { NodeInfo } from './node-info.js';

/** Upstream's framework.Code, for the outcomes the scheduler tells apart. */
export type Code = 'Unschedulable' | 'UnschedulableAndUnresolvable' | 'Error';

/** A failed plugin result; success is `undefined`. `reasons` become the histogram of the fit error. */
export interface Status {
  code: Code;
  reasons: string[];
  plugin?: string;
}

export const unschedulable = (...reasons: string[]): Status => ({ code: 'Unschedulable', reasons });
export const unresolvable = (...reasons: string[]): Status => ({ code: 'UnschedulableAndUnresolvable', reasons });

/** The nodes (with their pods, bound and assumed) one scheduling cycle sees. */
export interface Snapshot {
  list(): readonly NodeInfo[];
  get(nodeName: string): NodeInfo | undefined;
  /** Bound PersistentVolumeClaims and PersistentVolumes, for volume checks. */
  pvc(namespace: string, name: string): Readonly<Record<string, any>> | undefined;
  pv(name: string): Readonly<Record<string, any>> | undefined;
  /** StorageClasses and every PersistentVolume (assumed bindings included), for VolumeBinding. */
  storageClass?(name: string): Readonly<Record<string, any>> | undefined;
  persistentVolumes?(): readonly Readonly<Record<string, any>>[];
  /** A namespace's labels, for namespaceSelector of affinity terms. */
  namespaceLabels(namespace: string): Record<string, string> | undefined;
}

/** The highest score a plugin gives after normalisation (upstream MaxNodeScore). */
export const MAX_NODE_SCORE = 100;

export interface Plugin<S = unknown> {
  name: string;
  /** Once per cycle; may reject the pod for every node, or precompute state for filter/score. */
  preFilter?(pod: Pod, snapshot: Snapshot): { state?: S; status?: Status };
  filter?(pod: Pod, node: NodeInfo, state: S | undefined, snapshot: Snapshot): Status | undefined;
  /** Once per cycle over the feasible nodes; precomputes state for score. */
  preScore?(pod: Pod, nodes: readonly NodeInfo[], snapshot: Snapshot): S | undefined;
  score?(pod: Pod, node: NodeInfo, state: S | undefined, snapshot: Snapshot): number;
  /** Rescales raw scores (one per node of `nodes`) into 0..MAX_NODE_SCORE in place. */
  normalize?(scores: number[], pod: Pod, nodes: readonly NodeInfo[], state: S | undefined): void;
  /** Score weight in the default profile. */
  weight?: number;
}

/** upstream helper.DefaultNormalizeScore: scales to [0, max], reversed if asked. */
export function defaultNormalizeScore(maxPriority: number, reverse: boolean, scores: number[]): void {
  let max = 0;
  for (const s of scores) if (s > max) max = s;
  if (max === 0) {
    if (reverse) for (let i = 0; i < scores.length; i++) scores[i] = maxPriority;
    return;
  }
  for (let i = 0; i < scores.length; i++) {
    let s = Math.trunc((maxPriority * scores[i]!) / max);
    if (reverse) s = maxPriority - s;
    scores[i] = s;
  }
}
