// Taints and tolerations for daemon pods (upstream daemon/util AddOrUpdateDaemonPodTolerations and
// v1helper's toleration matching). Pure; never mutates its inputs.
import type { PodSpec, Taint, Toleration } from '../history/types.js';

/** The tolerations upstream's DaemonSet controller gives every daemon pod, in its order. */
export function daemonPodTolerations(hostNetwork: boolean): Toleration[] {
  const out: Toleration[] = [
    { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute' },
    { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute' },
    { key: 'node.kubernetes.io/disk-pressure', operator: 'Exists', effect: 'NoSchedule' },
    { key: 'node.kubernetes.io/memory-pressure', operator: 'Exists', effect: 'NoSchedule' },
    { key: 'node.kubernetes.io/pid-pressure', operator: 'Exists', effect: 'NoSchedule' },
    { key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoSchedule' },
  ];
  if (hostNetwork) out.push({ key: 'node.kubernetes.io/network-unavailable', operator: 'Exists', effect: 'NoSchedule' });
  return out;
}

/** Toleration.MatchToleration: same key, operator, value and effect. */
function sameToleration(a: Toleration, b: Toleration): boolean {
  return (a.key ?? '') === (b.key ?? '') && (a.operator ?? '') === (b.operator ?? '') && (a.value ?? '') === (b.value ?? '') && (a.effect ?? '') === (b.effect ?? '');
}

/**
 * v1helper.AddOrUpdateTolerationInPodSpec for each daemon toleration: one that matches an existing
 * toleration replaces it (so e.g. a tolerationSeconds the user set on not-ready is dropped, as upstream).
 */
export function withDaemonTolerations(spec: Readonly<PodSpec>): Toleration[] {
  let tolerations: Toleration[] = (spec.tolerations ?? []).map((t) => ({ ...t }));
  for (const add of daemonPodTolerations(spec.hostNetwork === true)) {
    let updated = false;
    tolerations = tolerations.map((t) => {
      if (!sameToleration(t, add)) return t;
      updated = true;
      return { ...add };
    });
    if (!updated) tolerations.push({ ...add });
  }
  return tolerations;
}

/** Toleration.ToleratesTaint. */
export function toleratesTaint(t: Toleration, taint: Taint): boolean {
  if (t.effect && t.effect !== taint.effect) return false;
  if (t.key && t.key !== taint.key) return false;
  switch (t.operator ?? 'Equal') {
    case 'Equal': return (t.value ?? '') === (taint.value ?? '');
    case 'Exists': return true;
    default: return false;
  }
}

/** v1helper.FindMatchingUntoleratedTaint over the taints `filter` keeps. */
export function findUntoleratedTaint(taints: readonly Taint[] | undefined, tolerations: readonly Toleration[], filter: (t: Taint) => boolean): Taint | undefined {
  return (taints ?? []).filter(filter).find((taint) => !tolerations.some((t) => toleratesTaint(t, taint)));
}
