// The ControllerRevisions of a StatefulSet (upstream stateful_set_control.go getStatefulSetRevisions,
// truncateHistory, ApplyRevision): the update revision is the set's template (created, or an older
// identical revision renumbered to be the newest, which is a rollback); the current revision is the
// one status names. Writes only ControllerRevisions.
import type { ControllerRevision, Pod, StatefulSet } from '../history/types.js';
import { NotFoundError, type Client } from '../../client/index.js';
import {
  createControllerRevision, equalRevision, newControllerRevision, nextRevision, sortRevisions, templateOfRevision, templatePatchJson,
} from '../history/revisions.js';
import { podRevision } from './identity.js';

export interface SetRevisions {
  current: ControllerRevision;
  update: ControllerRevision;
  collisionCount: number;
}

/** upstream newRevision: labelled like the template, annotated like the set. */
export function revisionOfSet(set: Readonly<StatefulSet>, revision: number, collisionCount: number): ControllerRevision {
  return newControllerRevision(set, 'StatefulSet', set.spec?.template?.metadata?.labels, templatePatchJson(set.spec?.template), revision, collisionCount) as ControllerRevision;
}

/** upstream ApplyRevision: the set with the revision's template. */
export function applyRevision(set: Readonly<StatefulSet>, revision: Readonly<ControllerRevision>): StatefulSet {
  const template = templateOfRevision(revision);
  const clone = structuredClone(set) as StatefulSet;
  return template ? { ...clone, spec: { ...clone.spec!, template } } as StatefulSet : clone;
}

export async function setRevisions(client: Client, set: Readonly<StatefulSet>, revisions: readonly Readonly<ControllerRevision>[]): Promise<SetRevisions> {
  const sorted = sortRevisions([...revisions]);
  let collisionCount = set.status?.collisionCount ?? 0;
  let update: ControllerRevision = revisionOfSet(set, nextRevision(sorted), collisionCount);
  const equal = sorted.filter((r) => equalRevision(r, update));
  const last = sorted[sorted.length - 1];
  const crs = client.resource('controllerrevisions.apps', set.metadata?.namespace);
  if (equal.length > 0 && equalRevision(last, equal[equal.length - 1])) {
    // The newest revision is the set's template: nothing changed.
    update = structuredClone(last) as ControllerRevision;
  } else if (equal.length > 0) {
    // An older revision matches: a rollback; it becomes the newest.
    const toUpdate = structuredClone(equal[equal.length - 1]!) as ControllerRevision;
    const wanted = update.revision;
    if (toUpdate.revision !== wanted) {
      toUpdate.revision = wanted;
      update = (await crs.update(toUpdate)) as ControllerRevision;
    } else {
      update = toUpdate;
    }
  } else {
    const created = await createControllerRevision(client, set, update, collisionCount);
    update = created.revision as ControllerRevision;
    collisionCount = created.collisionCount;
  }
  const named = sorted.find((r) => r.metadata?.name === set.status?.currentRevision);
  const current = named ? structuredClone(named) as ControllerRevision : update;
  return { current, update, collisionCount };
}

/** upstream truncateHistory: keep live revisions, delete the oldest others beyond revisionHistoryLimit. */
export async function truncateHistory(
  client: Client, set: Readonly<StatefulSet>, pods: readonly Readonly<Pod>[], revisions: readonly Readonly<ControllerRevision>[], current: Readonly<ControllerRevision>, update: Readonly<ControllerRevision>,
): Promise<void> {
  const live = new Set<string>([current.metadata?.name ?? '', update.metadata?.name ?? '']);
  for (const pod of pods) { const r = podRevision(pod); if (r) live.add(r); }
  const history = sortRevisions([...revisions]).filter((r) => !live.has(r.metadata?.name ?? ''));
  const limit = set.spec?.revisionHistoryLimit ?? 10;
  if (history.length <= limit) return;
  for (const r of history.slice(0, history.length - limit)) {
    try {
      await client.resource('controllerrevisions.apps', set.metadata?.namespace).delete(r.metadata!.name!);
    } catch (err) {
      if (!(err instanceof NotFoundError)) throw err;
    }
  }
}
