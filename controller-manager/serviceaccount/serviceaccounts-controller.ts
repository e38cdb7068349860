// The ServiceAccount controller (upstream pkg/controller/serviceaccount): makes sure every active
// namespace has the ServiceAccount `default`, recreating it when deleted. Never updates or deletes
// a ServiceAccount, and never writes into a namespace that is terminating.
import type { KubeObject } from '../../client/index.js';
import { AlreadyExistsError, ForbiddenError, NotFoundError } from '../../client/index.js';
import type { Namespace as NamespaceType, ServiceAccount as ServiceAccountType } from '../../api/types.js';
import type { ControllerContext, ControllerDescriptor } from '../context.js';
import { newQueue, runWhenSynced, type ReconcileResult } from '../controller.js';

type Namespace = NamespaceType & KubeObject;
type ServiceAccount = ServiceAccountType & KubeObject;

/** The ServiceAccounts every namespace gets (upstream DefaultServiceAccountsControllerOptions). */
export const DEFAULT_SERVICE_ACCOUNTS = ['default'];

export interface ServiceAccountsController {
  reconcile(namespace: string): Promise<ReconcileResult | void>;
  run(): Promise<void>;
}

export function createServiceAccountsController(ctx: ControllerContext): ServiceAccountsController {
  const namespaces = ctx.informers.informer<Namespace>('namespaces');
  const accounts = ctx.informers.informer<ServiceAccount>('serviceaccounts');
  const client = ctx.client.resource('serviceaccounts');
  const logger = ctx.logger.child({ controller: 'serviceaccount' });
  const queue = newQueue('serviceaccount');

  namespaces.on('add', (ns) => queue.add(ns.metadata!.name!));
  namespaces.on('update', (_, ns) => queue.add(ns.metadata!.name!));
  accounts.on('delete', (sa) => { if (DEFAULT_SERVICE_ACCOUNTS.includes(sa.metadata!.name!)) queue.add(sa.metadata!.namespace!); });

  async function reconcile(name: string): Promise<ReconcileResult | void> {
    const ns = namespaces.store.getByKey(name);
    if (!ns || ns.status?.phase !== 'Active' && ns.status?.phase !== undefined || ns.metadata?.deletionTimestamp) return;
    for (const sa of DEFAULT_SERVICE_ACCOUNTS) {
      if (accounts.store.getByKey(`${name}/${sa}`)) continue;
      try {
        await client.create({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: sa, namespace: name } } as ServiceAccount, {}, name);
        logger.info({ namespace: name, serviceAccount: sa }, 'created service account');
      } catch (err) {
        // Already there (our cache is behind), or the namespace went away or is terminating.
        if (err instanceof AlreadyExistsError || err instanceof NotFoundError) continue;
        if (err instanceof ForbiddenError && /being terminated/.test(err.message)) continue;
        throw err;
      }
    }
  }

  return {
    reconcile,
    async run() {
      await runWhenSynced(ctx, { name: 'serviceaccount', queue, reconcile, workers: ctx.options.concurrentSyncs.serviceaccount ?? 5, logger });
    },
  };
}

export const serviceAccountControllerDescriptor: ControllerDescriptor = {
  name: 'serviceaccount',
  start: (ctx) => createServiceAccountsController(ctx).run(),
};
