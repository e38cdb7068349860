// PodTopologySpread: the filter keeps each DoNotSchedule constraint's skew (matching pods in the
// node's domain + self - the global minimum) within maxSkew; the score prefers domains with fewer
// matching pods for ScheduleAnyway constraints, weighted as upstream. Counts only nodes that pass the
// pod's node affinity/selector (nodeAffinityPolicy Honor) and carry every topology key. Pure.
import { selectorFromLabelSelector, type Selector } from '../../api/labels.js';
import type { Pod, TopologySpreadConstraint } from '../../api/types.js';
import { MAX_NODE_SCORE, unresolvable, unschedulable, type Plugin, type Snapshot, type Status } from '../framework.js';
import type { NodeInfo } from '../node-info.js';
import { findUntoleratedTaint, nodeMatchesPodNodeSelection } from './helpers.js';

export const ERR_REASON_CONSTRAINTS_NOT_MATCH = "node(s) didn't match pod topology spread constraints";
export const ERR_REASON_NODE_LABEL_NOT_MATCH = `${ERR_REASON_CONSTRAINTS_NOT_MATCH} (missing required label)`;

const HOSTNAME = 'kubernetes.io/hostname';

interface Constraint {
  maxSkew: number;
  topologyKey: string;
  selector: Selector;
  minDomains: number;
  honorAffinity: boolean;
  honorTaints: boolean;
}

function compile(pod: Pod, c: TopologySpreadConstraint): Constraint {
  const labels = pod.metadata?.labels ?? {};
  const exprs = [...(c.labelSelector?.matchExpressions ?? [])];
  for (const key of c.matchLabelKeys ?? []) if (labels[key] !== undefined) exprs.push({ key, operator: 'In', values: [labels[key]!] });
  const selector = c.labelSelector ? selectorFromLabelSelector({ ...c.labelSelector, matchExpressions: exprs }) : selectorFromLabelSelector({ matchExpressions: exprs });
  return {
    maxSkew: c.maxSkew,
    topologyKey: c.topologyKey,
    selector,
    minDomains: c.minDomains ?? 1,
    honorAffinity: (c.nodeAffinityPolicy ?? 'Honor') === 'Honor',
    honorTaints: c.nodeTaintsPolicy === 'Honor',
  };
}

function constraintsOf(pod: Pod, when: 'DoNotSchedule' | 'ScheduleAnyway'): Constraint[] {
  return (pod.spec?.topologySpreadConstraints ?? []).filter((c) => c.whenUnsatisfiable === when).map((c) => compile(pod, c));
}

function hasAllKeys(node: NodeInfo, constraints: Constraint[]): boolean {
  const labels = node.node.metadata?.labels ?? {};
  return constraints.every((c) => labels[c.topologyKey] !== undefined);
}

/** Pods on the node in the pod's namespace that the selector matches, ignoring terminating pods. */
function countMatching(node: NodeInfo, selector: Selector, namespace: string): number {
  let n = 0;
  for (const p of node.pods.values()) {
    if (p.pod.metadata?.namespace !== namespace || p.pod.metadata?.deletionTimestamp) continue;
    if (selector.matches(p.pod.metadata?.labels ?? {})) n++;
  }
  return n;
}

function counted(pod: Pod, node: NodeInfo, c: Constraint): boolean {
  if (c.honorAffinity && !nodeMatchesPodNodeSelection(pod, node.node)) return false;
  if (c.honorTaints && findUntoleratedTaint(node.node.spec?.taints, pod.spec?.tolerations, ['NoSchedule', 'NoExecute'])) return false;
  return true;
}

export interface SpreadFilterState {
  constraints: Constraint[];
  /** Per constraint: domain value -> matching pods. */
  counts: Map<string, number>[];
}

export function preFilterPodTopologySpread(pod: Pod, snapshot: Snapshot): SpreadFilterState {
  const constraints = constraintsOf(pod, 'DoNotSchedule');
  const counts = constraints.map(() => new Map<string, number>());
  if (constraints.length === 0) return { constraints, counts };
  const ns = pod.metadata?.namespace ?? 'default';
  for (const node of snapshot.list()) {
    if (!hasAllKeys(node, constraints)) continue;
    const labels = node.node.metadata!.labels!;
    constraints.forEach((c, i) => {
      if (!counted(pod, node, c)) return;
      const value = labels[c.topologyKey]!;
      counts[i]!.set(value, (counts[i]!.get(value) ?? 0) + countMatching(node, c.selector, ns));
    });
  }
  return { constraints, counts };
}

export function filterPodTopologySpread(pod: Pod, node: NodeInfo, state: SpreadFilterState): Status | undefined {
  const labels = node.node.metadata?.labels ?? {};
  for (const [i, c] of state.constraints.entries()) {
    const value = labels[c.topologyKey];
    if (value === undefined) return unresolvable(ERR_REASON_NODE_LABEL_NOT_MATCH);
    const domains = state.counts[i]!;
    let min = domains.size < c.minDomains ? 0 : Infinity;
    for (const n of domains.values()) min = Math.min(min, n);
    if (min === Infinity) min = 0;
    const self = c.selector.matches(pod.metadata?.labels ?? {}) ? 1 : 0;
    const skew = (domains.get(value) ?? 0) + self - min;
    if (skew > c.maxSkew) return unschedulable(ERR_REASON_CONSTRAINTS_NOT_MATCH);
  }
  return undefined;
}

export interface SpreadScoreState {
  constraints: Constraint[];
  counts: Map<string, number>[];
  weights: number[];
  ignored: Set<string>;
}

export function preScorePodTopologySpread(pod: Pod, nodes: readonly NodeInfo[], snapshot: Snapshot): SpreadScoreState {
  const constraints = constraintsOf(pod, 'ScheduleAnyway');
  const state: SpreadScoreState = { constraints, counts: constraints.map(() => new Map()), weights: [], ignored: new Set() };
  if (constraints.length === 0) return state;
  const ns = pod.metadata?.namespace ?? 'default';
  const domains = constraints.map(() => new Set<string>());
  for (const node of nodes) {
    if (!hasAllKeys(node, constraints)) {
      state.ignored.add(node.name);
      continue;
    }
    constraints.forEach((c, i) => domains[i]!.add(node.node.metadata!.labels![c.topologyKey]!));
  }
  state.weights = constraints.map((c, i) => Math.log((c.topologyKey === HOSTNAME ? nodes.length - state.ignored.size : domains[i]!.size) + 2));
  for (const node of snapshot.list()) {
    if (!hasAllKeys(node, constraints)) continue;
    const labels = node.node.metadata!.labels!;
    constraints.forEach((c, i) => {
      if (c.topologyKey === HOSTNAME || !counted(pod, node, c)) return;
      const value = labels[c.topologyKey]!;
      if (!domains[i]!.has(value)) return;
      state.counts[i]!.set(value, (state.counts[i]!.get(value) ?? 0) + countMatching(node, c.selector, ns));
    });
  }
  return state;
}

export function scorePodTopologySpread(pod: Pod, node: NodeInfo, state: SpreadScoreState): number {
  if (state.ignored.has(node.name) || state.constraints.length === 0) return 0;
  const labels = node.node.metadata?.labels ?? {};
  let score = 0;
  for (const [i, c] of state.constraints.entries()) {
    const count = c.topologyKey === HOSTNAME ? countMatching(node, c.selector, pod.metadata?.namespace ?? 'default') : state.counts[i]!.get(labels[c.topologyKey]!) ?? 0;
    score += count * state.weights[i]! + (c.maxSkew - 1);
  }
  return Math.round(score);
}

/** Fewer matching pods -> higher score; ignored nodes (missing keys) get 0. */
export function normalizePodTopologySpread(scores: number[], ignored: boolean[]): void {
  let min = Infinity;
  let max = -Infinity;
  scores.forEach((s, i) => {
    if (ignored[i]) return;
    min = Math.min(min, s);
    max = Math.max(max, s);
  });
  for (let i = 0; i < scores.length; i++) {
    if (ignored[i]) scores[i] = 0;
    else if (max === 0) scores[i] = MAX_NODE_SCORE;
    else scores[i] = Math.trunc((MAX_NODE_SCORE * (max + min - scores[i]!)) / max);
  }
}

export const podTopologySpread: Plugin<any> = {
  name: 'PodTopologySpread',
  weight: 2,
  preFilter: (pod, snapshot) => ({ state: preFilterPodTopologySpread(pod, snapshot) }),
  filter: (pod, node, state) => filterPodTopologySpread(pod, node, state as SpreadFilterState),
  preScore: (pod, nodes, snapshot) => preScorePodTopologySpread(pod, nodes, snapshot),
  score: (pod, node, state) => scorePodTopologySpread(pod, node, state as SpreadScoreState),
  normalize: (scores, _pod, nodes, state) => {
    const s = state as SpreadScoreState;
    // No ScheduleAnyway constraint: the plugin is skipped, as upstream's PreScore returns Skip.
    if (s.constraints.length === 0) scores.fill(0);
    else normalizePodTopologySpread(scores, nodes.map((n) => s.ignored.has(n.name)));
  },
};
