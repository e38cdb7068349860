// Owns container garbage collection of this node: containers (and sandboxes) of pods the kubelet no
// longer has are stopped and removed with their pod directory; of each container only the newest dead
// instance is kept (for `logs --previous`). Never touches a running container of a known pod.
import type { Logger } from 'pino';
import type { ContainerRuntime, RuntimeContainer } from '../runtime/containers.js';
import type { PodVolumes } from './deps.js';

export interface GcOptions {
  runtime: ContainerRuntime;
  knownPods(): Set<string>;
  volumes: PodVolumes;
  logger: Logger;
}

export async function collectGarbage(o: GcOptions): Promise<{ removed: number }> {
  const all = await o.runtime.list();
  const known = o.knownPods();
  let removed = 0;
  const byKey = new Map<string, RuntimeContainer[]>();
  for (const c of all) {
    if (!known.has(c.podUid)) {
      // Its pod is gone (deleted while the kubelet was down, or never ours any more).
      if (c.state === 'running') await o.runtime.stop(c.id, 2);
      await o.runtime.remove(c.id);
      removed++;
      continue;
    }
    const key = `${c.podUid}/${c.sandbox ? '' : c.kind}/${c.name}`;
    (byKey.get(key) ?? byKey.set(key, []).get(key)!).push(c);
  }
  for (const list of byKey.values()) {
    // list is newest first; the first dead one is kept, older dead ones go.
    const sandbox = list[0]!.sandbox;
    const dead = list.filter((c) => c.state !== 'running');
    const keep = sandbox ? (list[0]!.state === 'running' ? 0 : 1) : 1;
    for (const c of dead.slice(keep)) {
      if (c.state === 'created' || c.state === 'unknown') continue; // may be starting right now
      await o.runtime.remove(c.id);
      removed++;
    }
  }
  const known2 = o.knownPods();
  for (const uid of o.volumes.listPodDirs?.() ?? []) {
    if (!known2.has(uid) && !all.some((c) => c.podUid === uid && c.state === 'running')) {
      await o.volumes.tearDownPod(uid).catch((err) => o.logger.warn({ uid, err: (err as Error).message }, 'could not remove the directory of a gone pod'));
    }
  }
  if (removed) o.logger.info({ removed }, 'removed containers');
  return { removed };
}
