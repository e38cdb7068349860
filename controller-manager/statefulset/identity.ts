// The stable identity of StatefulSet pods (upstream stateful_set_utils.go): ordinal names, the
// pod-name / pod-index labels, hostname + subdomain, claim names `<claim>-<set>-<ordinal>`, and the
// pod a set creates for an ordinal from a given template revision. Pure; never mutates its inputs.
import type { PersistentVolumeClaim, Pod, StatefulSet } from '../history/types.js';
import { controllerRef, POD_REVISION_LABEL } from '../history/revisions.js';

export const POD_NAME_LABEL = 'statefulset.kubernetes.io/pod-name';
export const POD_INDEX_LABEL = 'apps.kubernetes.io/pod-index';

const ORDINAL_NAME = /^(.*)-([0-9]+)$/;

/** upstream getParentNameAndOrdinal: ordinal -1 when the name has no `-<n>` suffix. */
export function parentAndOrdinal(pod: Readonly<Pod>): { parent: string; ordinal: number } {
  const m = ORDINAL_NAME.exec(pod.metadata?.name ?? '');
  if (!m) return { parent: '', ordinal: -1 };
  const ordinal = Number(m[2]);
  return Number.isSafeInteger(ordinal) && ordinal <= 2 ** 31 - 1 ? { parent: m[1]!, ordinal } : { parent: '', ordinal: -1 };
}

export function ordinalOf(pod: Readonly<Pod>): number {
  return parentAndOrdinal(pod).ordinal;
}

/** upstream isMemberOf: the pod's name says it belongs to this set. */
export function isMemberOf(set: Readonly<StatefulSet>, pod: Readonly<Pod>): boolean {
  return parentAndOrdinal(pod).parent === set.metadata?.name;
}

export function podName(set: Readonly<StatefulSet>, ordinal: number): string {
  return `${set.metadata?.name}-${ordinal}`;
}

/** spec.ordinals.start (StatefulSetStartOrdinal, GA in 1.31); 0 by default. */
export function startOrdinal(set: Readonly<StatefulSet>): number {
  return (set.spec as { ordinals?: { start?: number } } | undefined)?.ordinals?.start ?? 0;
}

export function replicaCount(set: Readonly<StatefulSet>): number {
  return set.spec?.replicas ?? 1;
}

export function inOrdinalRange(set: Readonly<StatefulSet>, ordinal: number): boolean {
  return ordinal >= startOrdinal(set) && ordinal < startOrdinal(set) + replicaCount(set);
}

export function claimName(set: Readonly<StatefulSet>, templateName: string, ordinal: number): string {
  return `${templateName}-${set.metadata?.name}-${ordinal}`;
}

/** upstream getPersistentVolumeClaims: the claims a pod of the set needs, by template name. */
export function claimsFor(set: Readonly<StatefulSet>, ordinal: number): Map<string, PersistentVolumeClaim> {
  const claims = new Map<string, PersistentVolumeClaim>();
  for (const template of set.spec?.volumeClaimTemplates ?? []) {
    const claim = structuredClone(template) as PersistentVolumeClaim;
    const name = template.metadata?.name ?? '';
    const labels = { ...(claim.metadata?.labels ?? {}), ...(set.spec?.selector?.matchLabels ?? {}) };
    claims.set(name, {
      ...claim,
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      metadata: { ...(claim.metadata ?? {}), name: claimName(set, name, ordinal), namespace: set.metadata?.namespace, labels },
    } as PersistentVolumeClaim);
  }
  return claims;
}

/** upstream identityMatches. */
export function identityMatches(set: Readonly<StatefulSet>, pod: Readonly<Pod>): boolean {
  const { parent, ordinal } = parentAndOrdinal(pod);
  return ordinal >= 0 && parent === set.metadata?.name && pod.metadata?.name === podName(set, ordinal)
    && pod.metadata?.namespace === set.metadata?.namespace && pod.metadata?.labels?.[POD_NAME_LABEL] === pod.metadata?.name;
}

/** upstream storageMatches: every claim template is mounted from the pod's own claim. */
export function storageMatches(set: Readonly<StatefulSet>, pod: Readonly<Pod>): boolean {
  const ordinal = ordinalOf(pod);
  if (ordinal < 0) return false;
  const volumes = new Map((pod.spec?.volumes ?? []).map((v) => [v.name, v]));
  return (set.spec?.volumeClaimTemplates ?? []).every((t) => {
    const v = volumes.get(t.metadata?.name ?? '');
    return v?.persistentVolumeClaim?.claimName === claimName(set, t.metadata?.name ?? '', ordinal);
  });
}

/** upstream updateIdentity (labels and name; hostname/subdomain are set only at creation). */
export function withIdentity(set: Readonly<StatefulSet>, pod: Pod, ordinal: number): Pod {
  const name = podName(set, ordinal);
  return {
    ...pod,
    metadata: { ...pod.metadata, name, namespace: set.metadata?.namespace, labels: { ...(pod.metadata?.labels ?? {}), [POD_NAME_LABEL]: name, [POD_INDEX_LABEL]: String(ordinal) } },
  };
}

/** upstream updateStorage: claim volumes first, then the pod's other volumes. */
export function withStorage(set: Readonly<StatefulSet>, pod: Pod, ordinal: number): Pod {
  const claims = claimsFor(set, ordinal);
  const volumes = [...claims].map(([name, claim]) => ({ name, persistentVolumeClaim: { claimName: claim.metadata!.name! } }));
  for (const v of pod.spec?.volumes ?? []) if (!claims.has(v.name)) volumes.push(v as never);
  return { ...pod, spec: { ...pod.spec!, volumes } };
}

/** upstream newStatefulSetPod + setPodRevision: the pod for `ordinal` from `set`'s template. */
export function newStatefulSetPod(set: Readonly<StatefulSet>, ordinal: number, revisionName: string): Pod {
  const template = structuredClone(set.spec?.template ?? {});
  const metadata: Pod['metadata'] = {
    generateName: `${set.metadata?.name}-`,
    labels: { ...(template.metadata?.labels ?? {}), [POD_REVISION_LABEL]: revisionName },
    ownerReferences: [controllerRef(set, 'StatefulSet')],
  };
  if (template.metadata?.annotations) metadata.annotations = { ...template.metadata.annotations };
  if (template.metadata?.finalizers) metadata.finalizers = [...template.metadata.finalizers];
  let pod: Pod = { apiVersion: 'v1', kind: 'Pod', metadata, spec: template.spec ?? { containers: [] } };
  pod = withIdentity(set, pod, ordinal);
  pod = { ...pod, spec: { ...pod.spec!, hostname: pod.metadata!.name, ...(set.spec?.serviceName ? { subdomain: set.spec.serviceName } : {}) } };
  return withStorage(set, pod, ordinal);
}

export function podRevision(pod: Readonly<Pod>): string | undefined {
  return pod.metadata?.labels?.[POD_REVISION_LABEL];
}
