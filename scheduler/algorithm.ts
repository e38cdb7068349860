// One scheduling decision (upstream schedulePod): run every plugin's PreFilter, filter all nodes,
// score the feasible ones with the weighted sum of normalised plugin scores, and pick the best
// (ties at random). Synchronous and pure over the snapshot: it never writes or waits.
import type { Pod } from '../api/types.js';
import type { Plugin, Snapshot, Status } from './framework.js';
import type { Diagnosis } from './fit-error.js';
import { podInfoOf, type NodeInfo } from './node-info.js';

export const ERR_NO_NODES_AVAILABLE = 'no nodes available to schedule pods';

export type ScheduleResult =
  | { kind: 'scheduled'; nodeName: string; feasible: number; evaluated: number }
  | { kind: 'unschedulable'; numAllNodes: number; diagnosis: Diagnosis }
  | { kind: 'no-nodes' };

export interface PreFilterResult {
  states: Map<Plugin<any>, unknown>;
  status?: Status;
}

export function runPreFilters(pod: Pod, plugins: readonly Plugin<any>[], snapshot: Snapshot): PreFilterResult {
  const states = new Map<Plugin<any>, unknown>();
  for (const p of plugins) {
    if (!p.preFilter) continue;
    const { state, status } = p.preFilter(pod, snapshot);
    if (status) return { states, status: { ...status, plugin: p.name } };
    states.set(p, state);
  }
  return { states };
}

/** The first failing filter's status for this node, or undefined when the pod fits. */
export function runFilters(pod: Pod, node: NodeInfo, plugins: readonly Plugin<any>[], states: Map<Plugin<any>, unknown>, snapshot: Snapshot): Status | undefined {
  for (const p of plugins) {
    if (!p.filter) continue;
    const status = p.filter(pod, node, states.get(p), snapshot);
    if (status) return { ...status, plugin: p.name };
  }
  return undefined;
}

/**
 * A node as seen by a pod of priority `priority`: pods nominated to it with at least that priority
 * already count (upstream addNominatedPods), so preemption's room is not taken by lower pods.
 */
export function withNominated(node: NodeInfo, pod: Pod, nominated: readonly Pod[] | undefined): NodeInfo {
  if (!nominated?.length) return node;
  const priority = pod.spec?.priority ?? 0;
  const uid = pod.metadata?.uid;
  const extra = nominated.filter((p) => p.metadata?.uid !== uid && (p.spec?.priority ?? 0) >= priority);
  if (!extra.length) return node;
  const copy = node.clone();
  for (const p of extra) copy.addPod(podInfoOf(p));
  return copy;
}

export interface ScheduleOptions {
  plugins: readonly Plugin<any>[];
  /** Pods nominated to each node (waiting for preemption victims to leave). */
  nominated?: Map<string, Pod[]>;
  random?: () => number;
}

export function findFeasibleNodes(pod: Pod, snapshot: Snapshot, options: ScheduleOptions): { feasible: NodeInfo[]; diagnosis: Diagnosis } {
  const nodes = snapshot.list();
  const diagnosis: Diagnosis = { nodeToStatus: new Map() };
  const pre = runPreFilters(pod, options.plugins, snapshot);
  if (pre.status) {
    diagnosis.preFilterMsg = pre.status.reasons.join(', ');
    for (const n of nodes) diagnosis.nodeToStatus.set(n.name, pre.status);
    return { feasible: [], diagnosis };
  }
  const feasible: NodeInfo[] = [];
  for (const node of nodes) {
    const status = runFilters(pod, withNominated(node, pod, options.nominated?.get(node.name)), options.plugins, pre.states, snapshot);
    if (status) diagnosis.nodeToStatus.set(node.name, status);
    else feasible.push(node);
  }
  return { feasible, diagnosis };
}

/** Weighted sum of each scoring plugin's normalised scores, one total per node. */
export function scoreNodes(pod: Pod, nodes: readonly NodeInfo[], plugins: readonly Plugin<any>[], snapshot: Snapshot): number[] {
  const totals = new Array<number>(nodes.length).fill(0);
  for (const p of plugins) {
    if (!p.score) continue;
    const state = p.preScore?.(pod, nodes, snapshot);
    const scores = nodes.map((n) => p.score!(pod, n, state, snapshot));
    p.normalize?.(scores, pod, nodes, state);
    const weight = p.weight ?? 1;
    for (let i = 0; i < nodes.length; i++) totals[i]! += scores[i]! * weight;
  }
  return totals;
}

/** The highest score; ties broken uniformly at random (reservoir sampling, as upstream selectHost). */
export function selectHost(nodes: readonly NodeInfo[], totals: readonly number[], random: () => number = Math.random): string {
  let best = -Infinity;
  let chosen = '';
  let ties = 0;
  for (let i = 0; i < nodes.length; i++) {
    const s = totals[i]!;
    if (s > best) {
      best = s;
      chosen = nodes[i]!.name;
      ties = 1;
    } else if (s === best) {
      ties++;
      if (random() * ties < 1) chosen = nodes[i]!.name;
    }
  }
  return chosen;
}

export function schedulePod(pod: Pod, snapshot: Snapshot, options: ScheduleOptions): ScheduleResult {
  const numAllNodes = snapshot.list().length;
  if (numAllNodes === 0) return { kind: 'no-nodes' };
  const { feasible, diagnosis } = findFeasibleNodes(pod, snapshot, options);
  if (feasible.length === 0) return { kind: 'unschedulable', numAllNodes, diagnosis };
  if (feasible.length === 1) return { kind: 'scheduled', nodeName: feasible[0]!.name, feasible: 1, evaluated: numAllNodes };
  const totals = scoreNodes(pod, feasible, options.plugins, snapshot);
  return { kind: 'scheduled', nodeName: selectHost(feasible, totals, options.random), feasible: feasible.length, evaluated: numAllNodes };
}
