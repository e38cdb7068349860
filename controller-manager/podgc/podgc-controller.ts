// The pod garbage collector (upstream pkg/controller/podgc, v1.32): every 20 s it force-deletes
// terminated pods beyond --terminated-pod-gc-threshold (oldest first), pods bound to nodes that are
// gone (after a 40 s quarantine and a live check), terminating pods that never reached a node, and
// terminating pods on out-of-service NotReady nodes. Pods that have not finished are marked Failed
// first. It never deletes a pod whose node exists unless the threshold or out-of-service rule says so.
import type { Logger } from 'pino';
import { NotFoundError, type Client, type Informer, type KubeObject } from '../../client/index.js';

export const GC_CHECK_PERIOD_MS = 20_000;
export const QUARANTINE_MS = 40_000;
const OUT_OF_SERVICE_TAINT = 'node.kubernetes.io/out-of-service';

interface PodLike extends KubeObject {
  spec?: { nodeName?: string };
  status?: { phase?: string; reason?: string; conditions?: { type: string; status: string; reason?: string; message?: string; lastTransitionTime?: string }[] };
}

export interface PodGCOptions {
  client: Client;
  pods: Informer<KubeObject>;
  nodes: Informer<KubeObject>;
  terminatedPodThreshold: number;
  logger: Logger;
  now?: () => number;
}

function isTerminated(pod: PodLike): boolean {
  const phase = pod.status?.phase;
  return phase === 'Succeeded' || phase === 'Failed';
}

/** upstream's byEvictionAndCreationTimestamp: evicted pods first, then the oldest. */
function byEvictionAndCreation(a: PodLike, b: PodLike): number {
  const ea = a.status?.reason === 'Evicted' ? 0 : 1;
  const eb = b.status?.reason === 'Evicted' ? 0 : 1;
  if (ea !== eb) return ea - eb;
  const ta = Date.parse(a.metadata?.creationTimestamp ?? '');
  const tb = Date.parse(b.metadata?.creationTimestamp ?? '');
  if (ta !== tb) return ta - tb;
  return `${a.metadata?.namespace}/${a.metadata?.name}` < `${b.metadata?.namespace}/${b.metadata?.name}` ? -1 : 1;
}

export class PodGC {
  private readonly now: () => number;
  /** Node name -> when a pod bound to it was first seen while the node was missing. */
  private readonly quarantine = new Map<string, number>();

  constructor(private readonly o: PodGCOptions) {
    this.now = o.now ?? Date.now;
  }

  /** One pass of every rule, as upstream's gc(). Resolves when its deletions are done. */
  async gc(): Promise<void> {
    const pods = this.o.pods.store.list() as PodLike[];
    const nodes = this.o.nodes.store.list();
    if (this.o.terminatedPodThreshold > 0) await this.gcTerminated(pods);
    await this.gcTerminating(pods, nodes);
    await this.gcOrphaned(pods, nodes);
    await this.gcUnscheduledTerminating(pods);
  }

  private async gcTerminated(pods: PodLike[]): Promise<void> {
    const terminated = pods.filter(isTerminated);
    const deleteCount = terminated.length - this.o.terminatedPodThreshold;
    if (deleteCount <= 0) return;
    this.o.logger.info({ deleteCount, threshold: this.o.terminatedPodThreshold }, 'garbage collecting terminated pods over the threshold');
    const victims = [...terminated].sort(byEvictionAndCreation).slice(0, deleteCount);
    await this.each(victims, (pod) => this.markFailedAndDelete(pod));
  }

  private async gcTerminating(pods: PodLike[], nodes: readonly Readonly<KubeObject>[]): Promise<void> {
    const outOfService = new Set(
      nodes
        .filter((n) => {
          const spec = n.spec as { taints?: { key: string; effect: string }[] } | undefined;
          const status = n.status as { conditions?: { type: string; status: string }[] } | undefined;
          const ready = (status?.conditions ?? []).find((c) => c.type === 'Ready');
          return ready?.status !== 'True' && (spec?.taints ?? []).some((t) => t.key === OUT_OF_SERVICE_TAINT && t.effect === 'NoExecute');
        })
        .map((n) => n.metadata!.name!),
    );
    const victims = pods.filter((p) => p.metadata?.deletionTimestamp && p.spec?.nodeName && outOfService.has(p.spec.nodeName));
    await this.each(victims, (pod) => this.markFailedAndDelete(pod));
  }

  private async gcOrphaned(pods: PodLike[], nodes: readonly Readonly<KubeObject>[]): Promise<void> {
    const existing = new Set(nodes.map((n) => n.metadata!.name!));
    const now = this.now();
    for (const pod of pods) {
      const node = pod.spec?.nodeName;
      if (node && !existing.has(node) && !this.quarantine.has(node)) this.quarantine.set(node, now);
    }
    const deleted = new Set<string>();
    for (const [node, since] of [...this.quarantine]) {
      if (existing.has(node)) {
        this.quarantine.delete(node);
        continue;
      }
      if (now - since < QUARANTINE_MS) continue;
      // Past the quarantine: believe the informer only after a live read agrees.
      try {
        await this.o.client.resource('nodes').get(node);
        this.quarantine.delete(node);
      } catch (err) {
        if (!(err instanceof NotFoundError)) throw err;
        deleted.add(node);
      }
    }
    const victims = pods.filter((p) => p.spec?.nodeName && deleted.has(p.spec.nodeName));
    if (victims.length) this.o.logger.info({ nodes: [...deleted], pods: victims.length }, 'garbage collecting pods bound to deleted nodes');
    await this.each(victims, (pod) =>
      this.markFailedAndDelete(pod, { type: 'DisruptionTarget', status: 'True', reason: 'DeletionByPodGC', message: 'PodGC: node no longer exists' }),
    );
    for (const node of deleted) if (!pods.some((p) => p.spec?.nodeName === node && !victims.includes(p))) this.quarantine.delete(node);
  }

  private async gcUnscheduledTerminating(pods: PodLike[]): Promise<void> {
    const victims = pods.filter((p) => p.metadata?.deletionTimestamp && !p.spec?.nodeName);
    await this.each(victims, (pod) => this.markFailedAndDelete(pod));
  }

  private async each(pods: PodLike[], fn: (pod: PodLike) => Promise<void>): Promise<void> {
    const results = await Promise.allSettled(pods.map(fn));
    for (const [i, r] of results.entries()) {
      if (r.status === 'rejected') this.o.logger.warn({ pod: `${pods[i]!.metadata?.namespace}/${pods[i]!.metadata?.name}`, err: r.reason instanceof Error ? r.reason.message : String(r.reason) }, 'pod GC failed to delete a pod');
    }
  }

  /** upstream's markFailedAndDeletePodWithCondition: phase Failed (plus the condition) first, then a force delete. */
  private async markFailedAndDelete(pod: PodLike, condition?: { type: string; status: string; reason: string; message: string }): Promise<void> {
    const { name, namespace, uid } = pod.metadata!;
    const pods = this.o.client.resource('pods', namespace);
    try {
      if (!isTerminated(pod)) {
        const conditions = [...(pod.status?.conditions ?? [])].filter((c) => !condition || c.type !== condition.type);
        if (condition) conditions.push({ ...condition, lastTransitionTime: new Date(this.now()).toISOString().replace(/\.\d{3}Z$/, 'Z') });
        await pods.patch(name!, 'strategic', { metadata: { uid }, status: { phase: 'Failed', ...(condition ? { conditions } : {}) } }, {}, namespace, 'status');
      }
      await pods.delete(name!, { gracePeriodSeconds: 0, preconditions: { uid } });
    } catch (err) {
      if (err instanceof NotFoundError) return;
      throw err;
    }
  }
}
