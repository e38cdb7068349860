// What exists from the start: the namespaces default, kube-system, kube-public and kube-node-lease.
// Retries until storage answers; idempotent, so every apiserver start may run it.
import { AlreadyExistsError } from '../api/errors.js';
import { findByPlural } from '../api/resources.js';
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
}
