// The ControllerRevisions of a DaemonSet (upstream daemon/update.go constructHistory, snapshot,
// dedupCurHistories, cleanupHistory): find or create the revision of the current template, keep
// it the highest, and prune old revisions no live pod uses beyond revisionHistoryLimit.
// Writes only ControllerRevisions, pod revision labels (dedup) and status.collisionCount.
import type { ControllerRevision, DaemonSet, Pod } from '../history/types.js';
import { AlreadyExistsError, NotFoundError, type Client, type ReadonlyStore } from '../../client/index.js';
import { computeTemplateHash } from '../history/hash.js';
import {
  controllerRef, listRevisions, maxRevision, POD_REVISION_LABEL, revisionDataJson, sortRevisions, templatePatchJson,
} from '../history/revisions.js';

export interface DaemonSetHistory {
  current: ControllerRevision;
  old: Readonly<ControllerRevision>[];
  /** The hash every up-to-date pod carries in controller-revision-hash. */
  hash: string;
}

/** upstream Match: the revision stores exactly the DaemonSet's template patch. */
export function matchesTemplate(ds: Readonly<DaemonSet>, revision: Readonly<ControllerRevision>): boolean {
  return templatePatchJson(ds.spec?.template) === revisionDataJson(revision);
}

export async function constructHistory(client: Client, revisionStore: ReadonlyStore<ControllerRevision>, ds: Readonly<DaemonSet>, pods: readonly Readonly<Pod>[]): Promise<DaemonSetHistory> {
  const namespace = ds.metadata?.namespace;
  const revisions = client.resource('controllerrevisions.apps', namespace);
  const current: ControllerRevision[] = [];
  const old: Readonly<ControllerRevision>[] = [];
  for (let revision of listRevisions(revisionStore, ds, ds.spec?.selector)) {
    if (revision.metadata?.labels?.[POD_REVISION_LABEL] === undefined) {
      const toUpdate = structuredClone(revision) as ControllerRevision;
      toUpdate.metadata!.labels = { ...(toUpdate.metadata!.labels ?? {}), [POD_REVISION_LABEL]: toUpdate.metadata!.name! };
      revision = (await revisions.update(toUpdate)) as ControllerRevision;
    }
    if (matchesTemplate(ds, revision)) current.push(structuredClone(revision) as ControllerRevision);
    else old.push(revision);
  }
  const nextNumber = maxRevision(old) + 1;
  let cur: ControllerRevision;
  if (current.length === 0) {
    cur = await snapshot(client, ds, nextNumber);
  } else {
    cur = await dedupCurrent(client, ds, current, pods);
    if (cur.revision < nextNumber) {
      cur.revision = nextNumber;
      cur = (await revisions.update(cur)) as ControllerRevision;
    }
  }
  return { current: cur, old, hash: cur.metadata?.labels?.[POD_REVISION_LABEL] ?? '' };
}

/** upstream snapshot: a new revision named `<ds>-<hash>`; a stale same-named one raises collisionCount. */
async function snapshot(client: Client, ds: Readonly<DaemonSet>, revisionNumber: number): Promise<ControllerRevision> {
  const namespace = ds.metadata?.namespace;
  const revisions = client.resource('controllerrevisions.apps', namespace);
  const hash = computeTemplateHash(ds.spec?.template, ds.status?.collisionCount);
  const name = `${ds.metadata?.name}-${hash}`;
  const revision: ControllerRevision = {
    apiVersion: 'apps/v1',
    kind: 'ControllerRevision',
    metadata: {
      name,
      namespace,
      labels: { ...(ds.spec?.template?.metadata?.labels ?? {}), [POD_REVISION_LABEL]: hash },
      annotations: ds.metadata?.annotations ? { ...ds.metadata.annotations } : undefined,
      ownerReferences: [controllerRef(ds, 'DaemonSet')],
    },
    data: JSON.parse(templatePatchJson(ds.spec?.template)),
    revision: revisionNumber,
  };
  try {
    return (await revisions.create(revision)) as ControllerRevision;
  } catch (err) {
    if (!(err instanceof AlreadyExistsError)) throw err;
    const existing = (await revisions.get(name)) as ControllerRevision;
    if (matchesTemplate(ds, existing)) return existing;
    // A different template holds the name: raise collisionCount so the next sync hashes anew.
    const fresh = (await client.resource('daemonsets.apps', namespace).get(ds.metadata!.name!)) as DaemonSet;
    const collisionCount = (fresh.status?.collisionCount ?? 0) + 1;
    await client.resource('daemonsets.apps', namespace).updateStatus({ ...fresh, status: { ...fresh.status!, collisionCount } } as DaemonSet);
    throw new Error(`found a stale version with the same name ${name}; raised collisionCount to ${collisionCount}`);
  }
}

/** upstream dedupCurHistories: keep the highest-numbered twin, relabel its pods, delete the rest. */
async function dedupCurrent(client: Client, ds: Readonly<DaemonSet>, current: ControllerRevision[], pods: readonly Readonly<Pod>[]): Promise<ControllerRevision> {
  if (current.length === 1) return current[0]!;
  const sorted = sortRevisions(current);
  const keep = sorted[sorted.length - 1]!;
  const keepHash = keep.metadata?.labels?.[POD_REVISION_LABEL] ?? '';
  const namespace = ds.metadata?.namespace;
  for (const dup of sorted.slice(0, -1)) {
    const dupHash = dup.metadata?.labels?.[POD_REVISION_LABEL];
    for (const pod of pods) {
      if (pod.metadata?.labels?.[POD_REVISION_LABEL] !== dupHash) continue;
      await client.resource('pods', namespace).patch(pod.metadata!.name!, 'merge', { metadata: { labels: { [POD_REVISION_LABEL]: keepHash } } });
    }
    try {
      await client.resource('controllerrevisions.apps', namespace).delete(dup.metadata!.name!);
    } catch (err) {
      if (!(err instanceof NotFoundError)) throw err;
    }
  }
  return keep;
}

/** upstream cleanupHistory: delete the oldest revisions beyond the limit that no live pod runs. */
export async function cleanupHistory(client: Client, ds: Readonly<DaemonSet>, old: readonly Readonly<ControllerRevision>[], pods: readonly Readonly<Pod>[]): Promise<void> {
  const limit = ds.spec?.revisionHistoryLimit ?? 10;
  let toKill = old.length - limit;
  if (toKill <= 0) return;
  const live = new Set(pods.map((p) => p.metadata?.labels?.[POD_REVISION_LABEL]).filter((h): h is string => !!h));
  for (const revision of sortRevisions([...old])) {
    if (toKill <= 0) break;
    const hash = revision.metadata?.labels?.[POD_REVISION_LABEL];
    if (hash !== undefined && live.has(hash)) continue;
    try {
      await client.resource('controllerrevisions.apps', ds.metadata?.namespace).delete(revision.metadata!.name!);
    } catch (err) {
      if (!(err instanceof NotFoundError)) throw err;
    }
    toKill--;
  }
}
