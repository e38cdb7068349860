// ControllerRevisions of a workload (upstream pkg/controller/history): the template patch a revision
// stores, listing the revisions a parent owns, equality, ordering, creation with hash collisions.
// Must never write anything but ControllerRevisions, and never hand out objects from the cache.
import type { ControllerRevision } from './types.js';
import { selectorFromLabelSelector, type LabelSelector } from '../../api/labels.js';
import { AlreadyExistsError, type Client, type ReadonlyStore } from '../../client/index.js';
import { canonicalJson, controllerRevisionName, hashRevisionData } from './hash.js';

/** upstream history.ControllerRevisionHashLabel. */
export const CONTROLLER_REVISION_HASH_LABEL = 'controller.kubernetes.io/hash';
/** upstream apps.ControllerRevisionHashLabelKey (= DefaultDaemonSetUniqueLabelKey) on pods and revisions. */
export const POD_REVISION_LABEL = 'controller-revision-hash';

export interface Parent {
  apiVersion?: string;
  kind?: string;
  metadata?: { name?: string; namespace?: string; uid?: string; annotations?: Record<string, string> };
}

export interface OwnerReference {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller?: boolean;
  blockOwnerDeletion?: boolean;
}

/** metav1.NewControllerRef. */
export function controllerRef(parent: Parent, kind: string, apiVersion = 'apps/v1'): OwnerReference {
  return { apiVersion, kind, name: parent.metadata?.name ?? '', uid: parent.metadata?.uid ?? '', controller: true, blockOwnerDeletion: true };
}

/** metav1.GetControllerOf. */
export function controllerOf(obj: { metadata?: { ownerReferences?: OwnerReference[] } }): OwnerReference | undefined {
  return obj.metadata?.ownerReferences?.find((r) => r.controller === true);
}

/**
 * The patch a DaemonSet's or StatefulSet's revision stores (upstream getPatch): the pod template
 * with `$patch: replace`, as Go writes it — sorted keys, `creationTimestamp: null` and
 * `resources: {}` present — so `kubectl rollout undo` finds the bytes it computes itself.
 */
export function templatePatchJson(template: unknown): string {
  const t = structuredClone((template ?? {}) as Record<string, any>);
  t.metadata = { creationTimestamp: null, ...(t.metadata ?? {}) };
  if (t.metadata.creationTimestamp === undefined) t.metadata.creationTimestamp = null;
  for (const list of ['initContainers', 'containers']) {
    for (const c of (t.spec?.[list] ?? []) as Record<string, any>[]) if (c.resources === undefined) c.resources = {};
  }
  t.$patch = 'replace';
  return canonicalJson({ spec: { template: t } });
}

/** The stored data of a revision in its canonical form (what revisions are compared by). */
export function revisionDataJson(revision: Readonly<ControllerRevision>): string {
  return canonicalJson(revision.data ?? null);
}

/** The pod template a revision stores (the inverse of templatePatchJson). */
export function templateOfRevision(revision: Readonly<ControllerRevision>): Record<string, any> | undefined {
  const data = revision.data as { spec?: { template?: Record<string, any> } } | undefined;
  const template = data?.spec?.template;
  if (!template) return undefined;
  const copy = structuredClone(template) as Record<string, any>;
  delete copy.$patch;
  if (copy.metadata && copy.metadata.creationTimestamp === null) delete copy.metadata.creationTimestamp;
  return copy;
}

/** upstream ListControllerRevisions: revisions matching selector owned by parent or by no controller. */
export function listRevisions(store: ReadonlyStore<ControllerRevision>, parent: Parent, selector: LabelSelector | undefined): Readonly<ControllerRevision>[] {
  const sel = selectorFromLabelSelector(selector);
  const namespace = parent.metadata?.namespace ?? '';
  return store.byIndex('byNamespace', namespace).filter((r) => {
    if (!sel.matches(r.metadata?.labels)) return false;
    const ref = controllerOf(r as { metadata?: { ownerReferences?: OwnerReference[] } });
    return ref === undefined || ref.uid === parent.metadata?.uid;
  });
}

/** upstream SortControllerRevisions: by revision, then creation time, then name. */
export function sortRevisions<T extends Readonly<ControllerRevision>>(revisions: T[]): T[] {
  return [...revisions].sort((a, b) => {
    if (a.revision !== b.revision) return a.revision - b.revision;
    const ta = a.metadata?.creationTimestamp ?? '';
    const tb = b.metadata?.creationTimestamp ?? '';
    if (ta !== tb) return ta < tb ? -1 : 1;
    return (a.metadata?.name ?? '') < (b.metadata?.name ?? '') ? -1 : 1;
  });
}

/** upstream EqualRevision: same hash label (when both have one) and the same data. */
export function equalRevision(a: Readonly<ControllerRevision> | undefined, b: Readonly<ControllerRevision> | undefined): boolean {
  if (!a || !b) return a === b;
  const ha = a.metadata?.labels?.[CONTROLLER_REVISION_HASH_LABEL];
  const hb = b.metadata?.labels?.[CONTROLLER_REVISION_HASH_LABEL];
  if (ha !== undefined && hb !== undefined && ha !== hb) return false;
  return revisionDataJson(a) === revisionDataJson(b);
}

/** upstream nextRevision: one more than the highest, 1 for none (revisions sorted). */
export function nextRevision(sorted: readonly Readonly<ControllerRevision>[]): number {
  return sorted.length === 0 ? 1 : sorted[sorted.length - 1]!.revision + 1;
}

/** upstream NewControllerRevision: labelled with the template's labels and the data hash. */
export function newControllerRevision(
  parent: Parent, kind: string, templateLabels: Record<string, string> | undefined, dataJson: string, revision: number, collisionCount: number,
): ControllerRevision {
  const hash = hashRevisionData(dataJson, collisionCount);
  return {
    apiVersion: 'apps/v1',
    kind: 'ControllerRevision',
    metadata: {
      name: controllerRevisionName(parent.metadata?.name ?? '', hash),
      namespace: parent.metadata?.namespace,
      labels: { ...(templateLabels ?? {}), [CONTROLLER_REVISION_HASH_LABEL]: hash },
      annotations: parent.metadata?.annotations ? { ...parent.metadata.annotations } : undefined,
      ownerReferences: [controllerRef(parent, kind)],
    },
    data: JSON.parse(dataJson),
    revision,
  };
}

/**
 * upstream realHistory.CreateControllerRevision: creates the revision, renaming it with a raised
 * collision count while a different revision holds the name. Returns the revision (created or an
 * identical one found) and the collision count finally used.
 */
export async function createControllerRevision(
  client: Client, parent: Parent, revision: ControllerRevision, collisionCount: number,
): Promise<{ revision: ControllerRevision; collisionCount: number }> {
  const revisions = client.resource('controllerrevisions.apps', parent.metadata?.namespace);
  const dataJson = revisionDataJson(revision);
  for (let count = collisionCount; ; count++) {
    const hash = hashRevisionData(dataJson, count);
    const clone = structuredClone(revision);
    clone.metadata!.name = controllerRevisionName(parent.metadata?.name ?? '', hash);
    clone.metadata!.labels = { ...(clone.metadata!.labels ?? {}), [CONTROLLER_REVISION_HASH_LABEL]: hash };
    try {
      const created = (await revisions.create(clone)) as ControllerRevision;
      return { revision: created, collisionCount: count };
    } catch (err) {
      if (!(err instanceof AlreadyExistsError)) throw err;
      const existing = (await revisions.get(clone.metadata!.name!)) as ControllerRevision;
      if (revisionDataJson(existing) === dataJson) return { revision: existing, collisionCount: count };
    }
  }
}

/** The revision numbers' maximum, 0 for none (upstream maxRevision). */
export function maxRevision(revisions: readonly Readonly<ControllerRevision>[]): number {
  return revisions.reduce((max, r) => Math.max(max, r.revision), 0);
}
