// Preemption's decision (upstream DefaultPreemption, without PodDisruptionBudgets): on nodes where
// removing pods could help, remove every lower-priority pod, reprieve as many as still let the pod
// fit (highest priority first), and pick the node whose victims are least important and fewest.
// Pure: the scheduler performs the deletions and the nomination.
import type { Pod } from '../api/types.js';
import { runFilters, runPreFilters } from './algorithm.js';
import { fitErrorMessage } from './fit-error.js';
import { unresolvable, type Plugin, type Snapshot, type Status } from './framework.js';
import type { NodeInfo, PodInfo } from './node-info.js';

export const MSG_NOT_HELPFUL = 'Preemption is not helpful for scheduling';
export const MSG_NO_VICTIMS = 'No preemption victims found for incoming pod';

export const priorityOf = (pod: Pod) => pod.spec?.priority ?? 0;

export type PreemptionResult =
  | { kind: 'preempt'; nodeName: string; victims: Pod[] }
  | { kind: 'failed'; message: string };

/** upstream PodEligibleToPreemptOthers: the reason the pod may not preempt, or undefined. */
export function ineligibleReason(pod: Pod, snapshot: Snapshot): string | undefined {
  if (pod.spec?.preemptionPolicy === 'Never') return 'not eligible due to preemptionPolicy=Never.';
  const nominated = pod.status?.nominatedNodeName;
  if (nominated) {
    const node = snapshot.get(nominated);
    if (node) {
      for (const p of node.pods.values()) {
        if (p.pod.metadata?.deletionTimestamp && priorityOf(p.pod) < priorityOf(pod)) return 'not eligible due to a terminating pod on the nominated node.';
      }
    }
  }
  return undefined;
}

/** A snapshot in which one node is replaced by a what-if copy. */
function overlay(snapshot: Snapshot, replaced: NodeInfo): Snapshot {
  const list = snapshot.list().map((n) => (n.name === replaced.name ? replaced : n));
  return { ...snapshot, list: () => list, get: (name) => (name === replaced.name ? replaced : snapshot.get(name)) };
}

function whyNotFits(pod: Pod, node: NodeInfo, snapshot: Snapshot, plugins: readonly Plugin<any>[]): Status | undefined {
  const view = overlay(snapshot, node);
  const pre = runPreFilters(pod, plugins, view);
  if (pre.status) return pre.status;
  return runFilters(pod, node, plugins, pre.states, view);
}

/** upstream SelectVictimsOnNode: the fewest lower-priority pods whose removal lets the pod fit. */
export function selectVictimsOnNode(pod: Pod, node: NodeInfo, snapshot: Snapshot, plugins: readonly Plugin<any>[]): { victims: PodInfo[] } | { status: Status } {
  const copy = node.clone();
  const potential = [...copy.pods.values()].filter((p) => priorityOf(p.pod) < priorityOf(pod));
  if (potential.length === 0) return { status: unresolvable(MSG_NO_VICTIMS) };
  for (const p of potential) copy.removePod(p.key);
  const status = whyNotFits(pod, copy, snapshot, plugins);
  if (status) return { status };
  // Reprieve the most important first: higher priority, then the longer running.
  potential.sort((a, b) => priorityOf(b.pod) - priorityOf(a.pod) || startTime(a.pod) - startTime(b.pod));
  const victims: PodInfo[] = [];
  for (const p of potential) {
    copy.addPod(p);
    if (whyNotFits(pod, copy, snapshot, plugins)) {
      copy.removePod(p.key);
      victims.push(p);
    }
  }
  return { victims };
}

function startTime(pod: Pod): number {
  const t = pod.status?.startTime ?? pod.metadata?.creationTimestamp;
  return t ? Date.parse(t) : 0;
}

/** upstream pickOneNodeForPreemption, without PDBs: lowest top victim priority, lowest sum, fewest, latest start. */
export function pickOneNode(candidates: Map<string, PodInfo[]>): string | undefined {
  const offset = 2 ** 31 + 1;
  const keys: ((v: PodInfo[]) => number)[] = [
    (v) => Math.max(...v.map((p) => priorityOf(p.pod))),
    (v) => v.reduce((s, p) => s + priorityOf(p.pod) + offset, 0),
    (v) => v.length,
    // The earliest start among the highest-priority victims: later is better, so negate.
    (v) => {
      const top = Math.max(...v.map((p) => priorityOf(p.pod)));
      return -Math.min(...v.filter((p) => priorityOf(p.pod) === top).map((p) => startTime(p.pod)));
    },
  ];
  let names = [...candidates.keys()];
  for (const key of keys) {
    if (names.length <= 1) break;
    const scored = names.map((n) => [n, key(candidates.get(n)!)] as const);
    const best = Math.min(...scored.map(([, s]) => s));
    names = scored.filter(([, s]) => s === best).map(([n]) => n);
  }
  return names[0];
}

export function preempt(pod: Pod, snapshot: Snapshot, nodeToStatus: Map<string, Status>, plugins: readonly Plugin<any>[]): PreemptionResult {
  const ineligible = ineligibleReason(pod, snapshot);
  if (ineligible) return { kind: 'failed', message: ineligible };
  const statuses = new Map<string, Status>();
  const candidates = new Map<string, PodInfo[]>();
  const all = snapshot.list();
  for (const node of all) {
    const status = nodeToStatus.get(node.name);
    if (status?.code === 'UnschedulableAndUnresolvable') {
      statuses.set(node.name, unresolvable(MSG_NOT_HELPFUL));
      continue;
    }
    const result = selectVictimsOnNode(pod, node, snapshot, plugins);
    if ('status' in result) statuses.set(node.name, result.status);
    else if (result.victims.length === 0) statuses.set(node.name, { code: 'Error', reasons: [`expected at least one victim pod on node "${node.name}"`] });
    else candidates.set(node.name, result.victims);
  }
  const chosen = pickOneNode(candidates);
  if (!chosen) return { kind: 'failed', message: fitErrorMessage(all.length, { nodeToStatus: statuses }) };
  return { kind: 'preempt', nodeName: chosen, victims: candidates.get(chosen)!.map((p) => p.pod) };
}
