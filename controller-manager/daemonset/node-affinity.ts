// Required node affinity for daemon pods (upstream component-helpers nodeaffinity and daemon/util):
// does a pod's nodeSelector + required affinity select a node, the `metadata.name In [node]` term
// that pins a daemon pod to its node, and reading that node back. Pure; never mutates its inputs.
import type { Affinity, Node, NodeSelectorRequirement, NodeSelectorTerm, PodSpec } from '../history/types.js';

function matchLabelRequirement(req: NodeSelectorRequirement, labels: Record<string, string>): boolean {
  const has = Object.prototype.hasOwnProperty.call(labels, req.key);
  const value = labels[req.key];
  const values = req.values ?? [];
  switch (req.operator) {
    case 'In': return has && values.includes(value!);
    case 'NotIn': return !has || !values.includes(value!);
    case 'Exists': return has;
    case 'DoesNotExist': return !has;
    case 'Gt':
    case 'Lt': {
      if (!has || values.length !== 1 || !/^-?\d+$/.test(values[0]!) || !/^-?\d+$/.test(value!)) return false;
      const a = BigInt(value!);
      const b = BigInt(values[0]!);
      return req.operator === 'Gt' ? a > b : a < b;
    }
    default: return false;
  }
}

function matchFieldRequirement(req: NodeSelectorRequirement, node: Readonly<Node>): boolean {
  if (req.key !== 'metadata.name') return false;
  const name = node.metadata?.name ?? '';
  const values = req.values ?? [];
  switch (req.operator) {
    case 'In': return values.includes(name);
    case 'NotIn': return !values.includes(name);
    default: return false;
  }
}

/** A term matches when it has requirements and all of them hold (an empty term matches nothing). */
export function matchTerm(term: NodeSelectorTerm, node: Readonly<Node>): boolean {
  const exprs = term.matchExpressions ?? [];
  const fields = term.matchFields ?? [];
  if (exprs.length === 0 && fields.length === 0) return false;
  const labels = node.metadata?.labels ?? {};
  return exprs.every((r) => matchLabelRequirement(r, labels)) && fields.every((r) => matchFieldRequirement(r, node));
}

/** nodeaffinity.GetRequiredNodeAffinity(pod).Match(node): nodeSelector AND any required term. */
export function requiredNodeAffinityMatches(spec: Readonly<PodSpec>, node: Readonly<Node>): boolean {
  const labels = node.metadata?.labels ?? {};
  for (const [k, v] of Object.entries(spec.nodeSelector ?? {})) if (labels[k] !== v) return false;
  const required = spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution;
  if (!required) return true;
  return (required.nodeSelectorTerms ?? []).some((t) => matchTerm(t, node));
}

/** daemon/util.ReplaceDaemonSetPodNodeNameNodeAffinity: the required terms become `metadata.name In [node]`. */
export function pinToNode(affinity: Readonly<Affinity> | undefined, nodeName: string): Affinity {
  const term: NodeSelectorTerm = { matchFields: [{ key: 'metadata.name', operator: 'In', values: [nodeName] }] };
  const out: Affinity = affinity ? structuredClone(affinity) as Affinity : {};
  out.nodeAffinity = out.nodeAffinity ?? {};
  out.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution = {
    ...(out.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution ?? {}),
    nodeSelectorTerms: [term],
  };
  return out;
}

/** daemon/util.GetTargetNodeName: spec.nodeName, else the single `metadata.name In [x]` of the affinity. */
export function targetNodeName(spec: Readonly<PodSpec> | undefined): string | undefined {
  if (spec?.nodeName) return spec.nodeName;
  const terms = spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms ?? [];
  for (const term of terms) {
    for (const f of term.matchFields ?? []) {
      if (f.key === 'metadata.name' && f.operator === 'In' && f.values?.length === 1) return f.values[0];
    }
  }
  return undefined;
}
