// Matching rules several plugins share, as upstream's component-helpers: a toleration against a
// taint, a node against node selector terms, a pod against a pod (anti-)affinity term. Pure.
import { nothing, selectorFromLabelSelector, type Selector } from '../../api/labels.js';
import type { Node, NodeSelectorRequirement, NodeSelectorTerm, Pod, PodAffinityTerm, Taint, Toleration } from '../../api/types.js';

/** v1.Toleration.ToleratesTaint. */
export function toleratesTaint(t: Toleration, taint: Taint): boolean {
  if (t.effect && t.effect !== taint.effect) return false;
  if (t.key !== undefined && t.key !== '' && t.key !== taint.key) return false;
  switch (t.operator ?? 'Equal') {
    case 'Exists':
      return true;
    case 'Equal':
      return (t.value ?? '') === (taint.value ?? '');
    default:
      return false;
  }
}

/** The first taint with one of `effects` that no toleration tolerates. */
export function findUntoleratedTaint(taints: readonly Taint[] | undefined, tolerations: readonly Toleration[] | undefined, effects: readonly string[]): Taint | undefined {
  for (const taint of taints ?? []) {
    if (!effects.includes(taint.effect)) continue;
    if (!(tolerations ?? []).some((t) => toleratesTaint(t, taint))) return taint;
  }
  return undefined;
}

function requirementMatches(r: NodeSelectorRequirement, value: string | undefined): boolean {
  const values = r.values ?? [];
  switch (r.operator) {
    case 'In':
      return value !== undefined && values.includes(value);
    case 'NotIn':
      return value === undefined || !values.includes(value);
    case 'Exists':
      return value !== undefined;
    case 'DoesNotExist':
      return value === undefined;
    case 'Gt':
    case 'Lt': {
      if (value === undefined || values.length !== 1) return false;
      const have = Number(value);
      const want = Number(values[0]);
      if (!Number.isInteger(have) || !Number.isInteger(want)) return false;
      return r.operator === 'Gt' ? have > want : have < want;
    }
    default:
      return false;
  }
}

/** One NodeSelectorTerm: its expressions (labels) and fields (metadata.name) all hold; an empty term matches nothing. */
export function nodeMatchesTerm(node: Node, term: NodeSelectorTerm): boolean {
  const exprs = term.matchExpressions ?? [];
  const fields = term.matchFields ?? [];
  if (exprs.length === 0 && fields.length === 0) return false;
  const labels = node.metadata?.labels ?? {};
  for (const r of exprs) if (!requirementMatches(r, labels[r.key])) return false;
  for (const r of fields) {
    if (r.key !== 'metadata.name') return false;
    if (!requirementMatches(r, node.metadata?.name)) return false;
  }
  return true;
}

/** NodeSelector terms are ORed. */
export function nodeMatchesTerms(node: Node, terms: readonly NodeSelectorTerm[]): boolean {
  return terms.some((t) => nodeMatchesTerm(node, t));
}

/** The pod's nodeSelector and required node affinity, as upstream's RequiredNodeAffinity.Match. */
export function nodeMatchesPodNodeSelection(pod: Pod, node: Node): boolean {
  const labels = node.metadata?.labels ?? {};
  for (const [k, v] of Object.entries(pod.spec?.nodeSelector ?? {})) if (labels[k] !== v) return false;
  const required = pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution;
  if (required) return nodeMatchesTerms(node, required.nodeSelectorTerms ?? []);
  return true;
}

/** A pod (anti-)affinity term, compiled: which namespaces and labels it selects. */
export interface CompiledTerm {
  topologyKey: string;
  selector: Selector;
  namespaces: Set<string>;
  /** From namespaceSelector; undefined when the term has none. */
  namespaceSelector?: Selector;
  weight: number;
}

/**
 * upstream framework.newAffinityTerm: no namespaces and no namespaceSelector mean the pod's own
 * namespace; matchLabelKeys/mismatchLabelKeys add the incoming pod's values to the selector.
 */
export function compileTerm(pod: Pod, term: PodAffinityTerm, weight = 1): CompiledTerm {
  // A nil labelSelector selects nothing, as upstream.
  let selector = term.labelSelector ? selectorFromLabelSelector(term.labelSelector) : nothing();
  const labels = pod.metadata?.labels ?? {};
  const extra: { key: string; operator: string; values: string[] }[] = [];
  for (const key of term.matchLabelKeys ?? []) if (labels[key] !== undefined) extra.push({ key, operator: 'In', values: [labels[key]!] });
  for (const key of term.mismatchLabelKeys ?? []) if (labels[key] !== undefined) extra.push({ key, operator: 'NotIn', values: [labels[key]!] });
  if (extra.length && term.labelSelector) selector = selectorFromLabelSelector({ ...term.labelSelector, matchExpressions: [...(term.labelSelector.matchExpressions ?? []), ...extra] });
  const namespaces = new Set(term.namespaces ?? []);
  let namespaceSelector: Selector | undefined;
  if (term.namespaceSelector) namespaceSelector = selectorFromLabelSelector(term.namespaceSelector);
  if (namespaces.size === 0 && !namespaceSelector) namespaces.add(pod.metadata?.namespace ?? 'default');
  return { topologyKey: term.topologyKey, selector, namespaces, namespaceSelector, weight };
}

/** Whether `pod` is selected by the term; `namespaceLabels` resolves a namespaceSelector. */
export function termMatchesPod(term: CompiledTerm, pod: Pod, namespaceLabels: (ns: string) => Record<string, string> | undefined): boolean {
  const ns = pod.metadata?.namespace ?? 'default';
  let nsOk = term.namespaces.has(ns);
  if (!nsOk && term.namespaceSelector) nsOk = term.namespaceSelector.matches(namespaceLabels(ns) ?? {});
  return nsOk && term.selector.matches(pod.metadata?.labels ?? {});
}
