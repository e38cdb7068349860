// Adoption and release of pods by a workload (upstream PodControllerRefManager.ClaimPods), shared by
// the DaemonSet and StatefulSet controllers: orphans matching the selector are adopted, owned pods
// that stopped matching are released. Writes only ownerReferences, by strategic merge patch.
import type { Pod } from './types.js';
import { selectorFromLabelSelector, type LabelSelector } from '../../api/labels.js';
import { NotFoundError, InvalidError, type Client } from '../../client/index.js';
import { controllerOf, controllerRef, type OwnerReference, type Parent } from './revisions.js';

export interface ClaimOptions {
  client: Client;
  parent: Parent;
  kind: string;
  selector: LabelSelector | undefined;
  /** Extra condition for adoption (a StatefulSet only adopts pods named like its members). */
  adoptable?: (pod: Readonly<Pod>) => boolean;
}

/** Returns the pods the parent controls after adopting and releasing (candidates: the namespace's pods). */
export async function claimPods(candidates: readonly Readonly<Pod>[], options: ClaimOptions): Promise<Readonly<Pod>[]> {
  const { client, parent, kind } = options;
  const selector = selectorFromLabelSelector(options.selector);
  const uid = parent.metadata?.uid;
  const pods = client.resource('pods', parent.metadata?.namespace);
  const claimed: Readonly<Pod>[] = [];
  for (const pod of candidates) {
    const ref = controllerOf(pod as { metadata?: { ownerReferences?: OwnerReference[] } });
    const matches = selector.matches(pod.metadata?.labels);
    if (ref) {
      if (ref.uid !== uid) continue;
      if (matches) { claimed.push(pod); continue; }
      if (parent.metadata && (parent as { metadata: { deletionTimestamp?: string } }).metadata.deletionTimestamp) continue;
      try {
        await pods.patch(pod.metadata!.name!, 'strategic', { metadata: { ownerReferences: [{ $patch: 'delete', uid }], uid: pod.metadata?.uid } });
      } catch (err) {
        if (!(err instanceof NotFoundError) && !(err instanceof InvalidError)) throw err;
      }
      continue;
    }
    if (!matches || pod.metadata?.deletionTimestamp) continue;
    if ((parent as { metadata?: { deletionTimestamp?: string } }).metadata?.deletionTimestamp) continue;
    if (options.adoptable && !options.adoptable(pod)) continue;
    try {
      const adopted = await pods.patch(pod.metadata!.name!, 'strategic', { metadata: { ownerReferences: [controllerRef(parent, kind)], uid: pod.metadata?.uid } });
      claimed.push(adopted as Pod);
    } catch (err) {
      if (!(err instanceof NotFoundError)) throw err;
    }
  }
  return claimed;
}
