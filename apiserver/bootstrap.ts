// What exists from the start: the namespaces default, kube-system, kube-public and kube-node-lease,
// and the PriorityClasses system-node-critical and system-cluster-critical.
// Retries until storage answers; idempotent, so every apiserver start may run it.
import { AlreadyExistsError } from '../api/errors.js';
import { findByPlural } from '../api/resources.js';
import { SYSTEM_PRIORITY_CLASSES } from './admission/priority.js';
import type { ResourceStore } from './registry/store.js';
import type { WriteContext } from './registry/context.js';

export const SYSTEM_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];

const systemContext = (): WriteContext => ({
  user: { name: 'system:apiserver', groups: ['system:masters'] },
  fieldManager: 'kube-apiserver',
  dryRun: false,
  fieldValidation: 'Strict',
  warnings: [],
});

export async function ensureSystemNamespaces(stores: Map<unknown, ResourceStore>): Promise<void> {
  const store = stores.get(findByPlural('', 'v1', 'namespaces'))!;
  for (const name of SYSTEM_NAMESPACES) {
    try {
      await store.get(undefined, name);
    } catch {
      try {
        await store.create(undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name } }, systemContext());
      } catch (err) {
        if (!(err instanceof AlreadyExistsError)) throw err;
      }
    }
  }
  await ensureSystemPriorityClasses(stores);
}

/** upstream's bootstrap of SystemPriorityClasses (a post-start hook of kube-apiserver). */
export async function ensureSystemPriorityClasses(stores: Map<unknown, ResourceStore>): Promise<void> {
  const store = stores.get(findByPlural('scheduling.k8s.io', 'v1', 'priorityclasses'))!;
  for (const pc of SYSTEM_PRIORITY_CLASSES) {
    try {
      await store.get(undefined, pc.metadata!.name!);
    } catch {
      try {
        await store.create(undefined, structuredClone(pc), systemContext());
      } catch (err) {
        if (!(err instanceof AlreadyExistsError)) throw err;
      }
    }
  }
}
