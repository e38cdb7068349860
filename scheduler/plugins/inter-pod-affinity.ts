// InterPodAffinity: the filter enforces required pod affinity and anti-affinity (the incoming pod's
// and the existing pods'), counted per topology domain as upstream; the score adds preferred term
// weights (both directions) per domain, min-max normalised. Pure.
import type { Pod } from '../../api/types.js';
import { MAX_NODE_SCORE, unresolvable, unschedulable, type Plugin, type Snapshot, type Status } from '../framework.js';
import type { NodeInfo } from '../node-info.js';
import { compileTerm, termMatchesPod, type CompiledTerm } from './helpers.js';

export const ERR_REASON_AFFINITY = "node(s) didn't match pod affinity rules";
export const ERR_REASON_ANTI_AFFINITY = "node(s) didn't match pod anti-affinity rules";
export const ERR_REASON_EXISTING_ANTI_AFFINITY = "node(s) didn't satisfy existing pods anti-affinity rules";

const pair = (key: string, value: string) => `${key}\u0000${value}`;

export interface AffinityState {
  affinityTerms: CompiledTerm[];
  antiAffinityTerms: CompiledTerm[];
  /** Domains holding pods that match all of the incoming pod's affinity terms. */
  affinityCounts: Map<string, number>;
  /** Domains holding pods that match one of the incoming pod's anti-affinity terms. */
  antiAffinityCounts: Map<string, number>;
  /** Domains whose existing pods' anti-affinity selects the incoming pod. */
  existingAntiAffinityCounts: Map<string, number>;
}

function requiredTerms(pod: Pod, anti: boolean): CompiledTerm[] {
  const a = anti ? pod.spec?.affinity?.podAntiAffinity : pod.spec?.affinity?.podAffinity;
  return (a?.requiredDuringSchedulingIgnoredDuringExecution ?? []).map((t) => compileTerm(pod, t));
}

const inc = (m: Map<string, number>, k: string, by = 1) => m.set(k, (m.get(k) ?? 0) + by);

export function preFilterInterPodAffinity(pod: Pod, snapshot: Snapshot): AffinityState {
  const nsLabels = (ns: string) => snapshot.namespaceLabels(ns);
  const state: AffinityState = {
    affinityTerms: requiredTerms(pod, false),
    antiAffinityTerms: requiredTerms(pod, true),
    affinityCounts: new Map(),
    antiAffinityCounts: new Map(),
    existingAntiAffinityCounts: new Map(),
  };
  const ownTerms = state.affinityTerms.length > 0 || state.antiAffinityTerms.length > 0;
  for (const node of snapshot.list()) {
    const labels = node.node.metadata?.labels ?? {};
    for (const existing of node.pods.values()) {
      if (existing.hasRequiredAntiAffinity) {
        for (const term of requiredTerms(existing.pod, true)) {
          const value = labels[term.topologyKey];
          if (value !== undefined && termMatchesPod(term, pod, nsLabels)) inc(state.existingAntiAffinityCounts, pair(term.topologyKey, value));
        }
      }
      if (!ownTerms) continue;
      if (state.affinityTerms.length && state.affinityTerms.every((t) => termMatchesPod(t, existing.pod, nsLabels))) {
        for (const t of state.affinityTerms) if (labels[t.topologyKey] !== undefined) inc(state.affinityCounts, pair(t.topologyKey, labels[t.topologyKey]!));
      }
      for (const t of state.antiAffinityTerms) {
        if (labels[t.topologyKey] !== undefined && termMatchesPod(t, existing.pod, nsLabels)) inc(state.antiAffinityCounts, pair(t.topologyKey, labels[t.topologyKey]!));
      }
    }
  }
  return state;
}

export function filterInterPodAffinity(pod: Pod, node: NodeInfo, state: AffinityState, snapshot: Snapshot): Status | undefined {
  const labels = node.node.metadata?.labels ?? {};
  // Required affinity: every term's domain on this node must already hold a matching pod.
  if (state.affinityTerms.length) {
    let podsExist = true;
    for (const t of state.affinityTerms) {
      const value = labels[t.topologyKey];
      if (value === undefined) return unresolvable(ERR_REASON_AFFINITY);
      if ((state.affinityCounts.get(pair(t.topologyKey, value)) ?? 0) <= 0) podsExist = false;
    }
    // The first pod of a group that selects itself may go anywhere its topology keys exist.
    const selfMatch = state.affinityTerms.every((t) => termMatchesPod(t, pod, (ns) => snapshot.namespaceLabels(ns)));
    if (!podsExist && !(state.affinityCounts.size === 0 && selfMatch)) return unresolvable(ERR_REASON_AFFINITY);
  }
  for (const t of state.antiAffinityTerms) {
    const value = labels[t.topologyKey];
    if (value !== undefined && (state.antiAffinityCounts.get(pair(t.topologyKey, value)) ?? 0) > 0) return unschedulable(ERR_REASON_ANTI_AFFINITY);
  }
  for (const [key, value] of Object.entries(labels)) {
    if ((state.existingAntiAffinityCounts.get(pair(key, value)) ?? 0) > 0) return unschedulable(ERR_REASON_EXISTING_ANTI_AFFINITY);
  }
  return undefined;
}

function preferredTerms(pod: Pod, anti: boolean): CompiledTerm[] {
  const a = anti ? pod.spec?.affinity?.podAntiAffinity : pod.spec?.affinity?.podAffinity;
  return (a?.preferredDuringSchedulingIgnoredDuringExecution ?? []).map((w) => compileTerm(pod, w.podAffinityTerm, w.weight));
}

/** Topology domain -> summed preferred weight, from both the incoming pod's and existing pods' terms. */
export type AffinityScoreState = Map<string, number>;

/** upstream's default hardPodAffinityWeight: existing pods' required affinity counts this much. */
export const HARD_POD_AFFINITY_WEIGHT = 1;

export function preScoreInterPodAffinity(pod: Pod, snapshot: Snapshot): AffinityScoreState {
  const nsLabels = (ns: string) => snapshot.namespaceLabels(ns);
  const scores: AffinityScoreState = new Map();
  const affinity = preferredTerms(pod, false);
  const anti = preferredTerms(pod, true);
  const add = (term: CompiledTerm, labels: Record<string, string>, weight: number) => {
    const value = labels[term.topologyKey];
    if (value !== undefined) inc(scores, pair(term.topologyKey, value), weight);
  };
  for (const node of snapshot.list()) {
    const labels = node.node.metadata?.labels ?? {};
    for (const existing of node.pods.values()) {
      for (const t of affinity) if (termMatchesPod(t, existing.pod, nsLabels)) add(t, labels, t.weight);
      for (const t of anti) if (termMatchesPod(t, existing.pod, nsLabels)) add(t, labels, -t.weight);
      if (!existing.hasAffinity) continue;
      for (const t of requiredTerms(existing.pod, false)) if (termMatchesPod(t, pod, nsLabels)) add(t, labels, HARD_POD_AFFINITY_WEIGHT);
      for (const t of preferredTerms(existing.pod, false)) if (termMatchesPod(t, pod, nsLabels)) add(t, labels, t.weight);
      for (const t of preferredTerms(existing.pod, true)) if (termMatchesPod(t, pod, nsLabels)) add(t, labels, -t.weight);
    }
  }
  return scores;
}

export function scoreInterPodAffinity(node: NodeInfo, state: AffinityScoreState): number {
  let score = 0;
  for (const [key, value] of Object.entries(node.node.metadata?.labels ?? {})) score += state.get(pair(key, value)) ?? 0;
  return score;
}

/** Min-max normalisation to 0..100; all equal gives 0. */
export function normalizeInterPodAffinity(scores: number[]): void {
  if (scores.length === 0) return;
  const min = Math.min(...scores);
  const max = Math.max(...scores);
  const diff = max - min;
  for (let i = 0; i < scores.length; i++) scores[i] = diff > 0 ? Math.trunc((MAX_NODE_SCORE * (scores[i]! - min)) / diff) : 0;
}

export const interPodAffinity: Plugin<any> = {
  name: 'InterPodAffinity',
  weight: 2,
  preFilter: (pod, snapshot) => ({ state: preFilterInterPodAffinity(pod, snapshot) }),
  filter: (pod, node, state, snapshot) => filterInterPodAffinity(pod, node, state as AffinityState, snapshot),
  preScore: (pod, _nodes, snapshot) => preScoreInterPodAffinity(pod, snapshot),
  score: (_pod, node, state) => scoreInterPodAffinity(node, state as AffinityScoreState),
  normalize: (scores) => normalizeInterPodAffinity(scores),
};
