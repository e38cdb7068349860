// Owns writing pod status to the apiserver as upstream's status manager: a merge patch of
// pods/status only when the status changed, and the final delete (gracePeriodSeconds=0, uid
// precondition) of a terminated pod. Never patches anything but status, never deletes a live pod.
import type { Logger } from 'pino';
import type { Pod, PodStatus } from '../../api/types.js';
import { NotFoundError, ConflictError, type Client } from '../../client/index.js';

/** JSON with sorted keys, so two statuses compare by content. */
function canonical(v: unknown): string {
  return JSON.stringify(v, (_k, value) =>
    value && typeof value === 'object' && !Array.isArray(value)
      ? Object.fromEntries(Object.entries(value).filter(([, x]) => x !== undefined).sort(([a], [b]) => (a < b ? -1 : 1)))
      : value,
  );
}

export function statusEqual(a: PodStatus | undefined, b: PodStatus | undefined): boolean {
  return canonical(a ?? {}) === canonical(b ?? {});
}

export class StatusManager {
  private readonly sent = new Map<string, string>();

  constructor(
    private readonly client: Client,
    private readonly logger: Logger,
  ) {}

  /**
   * Patches `pods/<name>/status` of `target` (the pod itself, or a static pod's mirror pod) when
   * `status` differs from what the apiserver holds. Returns false when the pod is gone.
   */
  async sync(target: Pod, status: PodStatus): Promise<boolean> {
    const uid = target.metadata!.uid!;
    const text = canonical(status);
    if (this.sent.get(uid) === text && statusEqual(target.status, status)) return true;
    if (statusEqual(target.status, status)) {
      this.sent.set(uid, text);
      return true;
    }
    const body: Record<string, unknown> = { ...status };
    // A merge patch keeps absent keys: clear the ones that no longer apply.
    for (const key of ['reason', 'message', 'podIP', 'podIPs', 'initContainerStatuses'] as const) {
      if (target.status?.[key] !== undefined && status[key] === undefined) body[key] = null;
    }
    try {
      await this.client
        .resource('pods', target.metadata!.namespace)
        .patch(target.metadata!.name!, 'merge', { metadata: { uid }, status: body }, {}, target.metadata!.namespace, 'status');
      this.sent.set(uid, text);
      return true;
    } catch (err) {
      if (err instanceof NotFoundError || err instanceof ConflictError) return false;
      this.logger.warn({ pod: `${target.metadata?.namespace}/${target.metadata?.name}`, err: (err as Error).message }, 'status update failed');
      throw err;
    }
  }

  /** Removes a terminated pod's object, as upstream once its containers and volumes are gone. */
  async deletePod(pod: Pod): Promise<void> {
    try {
      await this.client
        .resource('pods', pod.metadata!.namespace)
        .delete(pod.metadata!.name!, { gracePeriodSeconds: 0, preconditions: { uid: pod.metadata!.uid } }, pod.metadata!.namespace);
    } catch (err) {
      if (err instanceof NotFoundError || err instanceof ConflictError) return;
      throw err;
    }
  }

  forget(uid: string): void {
    this.sent.delete(uid);
  }
}
