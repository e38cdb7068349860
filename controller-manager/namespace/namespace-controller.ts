// The namespace controller (upstream pkg/controller/namespace): for a namespace being deleted it
// deletes every namespaced object of every resource in it (deletecollection, Background), reports
// progress in the deletion conditions, requeues while anything is left, then removes `kubernetes`
// from spec.finalizers through the finalize subresource. It never touches a namespace not being deleted.
import type { Logger } from 'pino';
import { isDeepStrictEqual } from 'node:util';
import { RESOURCES, type ResourceInfo } from '../../api/resources.js';
import { NotFoundError, ConflictError, type Client, type Informer, type KubeObject, type WorkQueue } from '../../client/index.js';
import type { ReconcileResult } from '../controller.js';
import { deletionConditions, mergeConditions, type ContentTotals, type NamespaceCondition } from './conditions.js';

export const KUBERNETES_FINALIZER = 'kubernetes';

export interface NamespaceControllerOptions {
  client: Client;
  namespaces: Informer<KubeObject>;
  queue: WorkQueue<string>;
  logger: Logger;
  now?: () => number;
}

/** Namespaced resources whose objects a namespace deletion removes (the catalogue's deletable ones). */
export function namespacedDeletableResources(): ResourceInfo[] {
  return RESOURCES.filter((r) => r.namespaced && r.verbs.includes('list') && (r.verbs.includes('deletecollection') || r.verbs.includes('delete')));
}

/** upstream's ResourcesRemainingError: how many seconds the rest should take. */
export class ResourcesRemaining extends Error {
  constructor(readonly estimateSeconds: number) {
    super(`some content remains in the namespace; estimate ${estimateSeconds} seconds before it is removed`);
  }
}

function timestamp(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export class NamespaceController {
  private readonly now: () => number;

  constructor(private readonly o: NamespaceControllerOptions) {
    this.now = o.now ?? Date.now;
  }

  register(): void {
    const enqueue = (ns: Readonly<KubeObject>) => {
      if (ns.metadata?.deletionTimestamp) this.o.queue.add(ns.metadata.name!);
    };
    this.o.namespaces.on('add', enqueue);
    this.o.namespaces.on('update', (_old, ns) => enqueue(ns));
  }

  async reconcile(name: string): Promise<ReconcileResult | void> {
    try {
      await this.delete(name);
    } catch (err) {
      // Content left: look again in estimate/2 + 1 seconds, as upstream.
      if (err instanceof ResourcesRemaining) return { requeueAfterMs: (Math.floor(err.estimateSeconds / 2) + 1) * 1000 };
      throw err;
    }
  }

  private namespaces() {
    return this.o.client.resource('namespaces');
  }

  /** upstream's namespacedResourcesDeleter.Delete. */
  async delete(name: string): Promise<void> {
    let ns: KubeObject;
    try {
      ns = await this.namespaces().get(name);
    } catch (err) {
      if (err instanceof NotFoundError) return;
      throw err;
    }
    if (!ns.metadata?.deletionTimestamp) return;
    if (!((ns.spec as { finalizers?: string[] } | undefined)?.finalizers ?? []).includes(KUBERNETES_FINALIZER)) return;
    const log = this.o.logger.child({ namespace: name });
    const { estimate, totals } = await this.deleteAllContent(name, log);
    ns = await this.writeStatus(ns, totals);
    if (estimate > 0 || totals.remaining.size > 0 || totals.deleteErrors.length > 0) {
      if (totals.deleteErrors.length > 0 && totals.remaining.size === 0) throw new Error(totals.deleteErrors.join('; '));
      throw new ResourcesRemaining(estimate);
    }
    log.info('namespace is empty; removing the kubernetes finalizer');
    await this.finalize(ns);
  }

  private async deleteAllContent(namespace: string, log: Logger): Promise<{ estimate: number; totals: ContentTotals }> {
    const totals: ContentTotals = { remaining: new Map(), finalizers: new Map(), deleteErrors: [] };
    let estimate = 0;
    for (const res of namespacedDeletableResources()) {
      const client = this.o.client.resource(res.group ? `${res.plural}.${res.group}` : res.plural, namespace);
      const label = `${res.plural}.${res.group}`;
      try {
        if (res.verbs.includes('deletecollection')) {
          await client.deleteCollection({ propagationPolicy: 'Background' });
        } else {
          const list = await client.list();
          for (const item of list.items) {
            if (item.metadata?.deletionTimestamp) continue;
            await client.delete(item.metadata!.name!, { propagationPolicy: 'Background' }).catch((err) => {
              if (!(err instanceof NotFoundError)) throw err;
            });
          }
        }
        const left = await client.list();
        if (left.items.length > 0) {
          totals.remaining.set(label, left.items.length);
          // Remaining pods are not an error while their grace periods run (upstream's estimate).
          if (res.plural === 'pods' && res.group === '') estimate = Math.max(estimate, this.podGraceEstimate(left.items));
          for (const item of left.items) {
            for (const f of item.metadata?.finalizers ?? []) totals.finalizers.set(f, (totals.finalizers.get(f) ?? 0) + 1);
          }
        }
      } catch (err) {
        const message = err instanceof Error ? err.message : String(err);
        log.warn({ resource: label, err: message }, 'deleting namespace content failed');
        totals.deleteErrors.push(message);
      }
    }
    return { estimate, totals };
  }

  /** upstream's estimateGracefulTerminationForPods: the longest grace period a pod still has. */
  private podGraceEstimate(pods: KubeObject[]): number {
    let estimate = 0;
    for (const pod of pods) {
      const phase = (pod.status as { phase?: string } | undefined)?.phase;
      if (phase === 'Succeeded' || phase === 'Failed') continue;
      const grace = (pod.spec as { terminationGracePeriodSeconds?: number } | undefined)?.terminationGracePeriodSeconds ?? 30;
      const deleteBy = pod.metadata?.deletionTimestamp ? Math.ceil((Date.parse(pod.metadata.deletionTimestamp) - this.now()) / 1000) : grace;
      estimate = Math.max(estimate, Math.max(deleteBy, 0));
    }
    return estimate;
  }

  private async writeStatus(ns: KubeObject, totals: ContentTotals): Promise<KubeObject> {
    const status = (ns.status ?? {}) as { phase?: string; conditions?: NamespaceCondition[] };
    const conditions = mergeConditions(status.conditions, deletionConditions(totals), timestamp(this.now()));
    const next = { ...status, phase: 'Terminating', conditions };
    if (isDeepStrictEqual(next, status)) return ns;
    try {
      return await this.namespaces().updateStatus({ ...ns, status: next });
    } catch (err) {
      if (err instanceof NotFoundError || err instanceof ConflictError) return ns;
      throw err;
    }
  }

  /** PUT namespaces/NAME/finalize without our finalizer (upstream's finalizeNamespace). */
  private async finalize(ns: KubeObject): Promise<void> {
    const finalizers = ((ns.spec as { finalizers?: string[] } | undefined)?.finalizers ?? []).filter((f) => f !== KUBERNETES_FINALIZER);
    const body = { ...ns, spec: { ...(ns.spec as object), finalizers } };
    try {
      await this.o.client.raw('PUT', `/api/v1/namespaces/${encodeURIComponent(ns.metadata!.name!)}/finalize`, body);
    } catch (err) {
      if (!(err instanceof NotFoundError)) throw err;
    }
  }
}
