// client-go's ControllerExpectations and UIDTrackingControllerExpectations (controller_utils.go):
// after a controller asks for N creations or deletions it must not act on the same key again until
// its informer has seen them (or 5 minutes passed), so a slow informer never causes extra pods.
// In-memory only: after a restart the first sync starts with no expectations, as upstream.

/** controller.ExpectationsTimeout. */
export const EXPECTATIONS_TIMEOUT_MS = 5 * 60 * 1000;

interface Expectation {
  add: number;
  del: number;
  timestamp: number;
}

export class ControllerExpectations {
  protected readonly store = new Map<string, Expectation>();
  constructor(protected readonly now: () => number = Date.now) {}

  /** Current pending counts, for tests and logs. */
  get(key: string): { add: number; del: number } | undefined {
    const e = this.store.get(key);
    return e && { add: e.add, del: e.del };
  }

  /** True when the controller may sync `key`: no record, fulfilled, or expired. */
  satisfiedExpectations(key: string): boolean {
    const e = this.store.get(key);
    if (!e) return true;
    if (e.add <= 0 && e.del <= 0) return true;
    return this.now() - e.timestamp > EXPECTATIONS_TIMEOUT_MS;
  }

  /** SetExpectations: replaces whatever was expected before. */
  setExpectations(key: string, add: number, del: number): void {
    this.store.set(key, { add, del, timestamp: this.now() });
  }

  expectCreations(key: string, adds: number): void {
    this.setExpectations(key, adds, 0);
  }

  expectDeletions(key: string, dels: number): void {
    this.setExpectations(key, 0, dels);
  }

  /** LowerExpectations / RaiseExpectations keep the timestamp. */
  lowerExpectations(key: string, add: number, del: number): void {
    const e = this.store.get(key);
    if (e) {
      e.add -= add;
      e.del -= del;
    }
  }

  raiseExpectations(key: string, add: number, del: number): void {
    const e = this.store.get(key);
    if (e) {
      e.add += add;
      e.del += del;
    }
  }

  creationObserved(key: string): void {
    this.lowerExpectations(key, 1, 0);
  }

  deletionObserved(key: string): void {
    this.lowerExpectations(key, 0, 1);
  }

  deleteExpectations(key: string): void {
    this.store.delete(key);
  }
}

/**
 * Deletions tracked by pod key: a deletion is observed once per expected pod, however many
 * update/delete events the informer delivers for it.
 */
export class UIDTrackingControllerExpectations extends ControllerExpectations {
  private readonly uids = new Map<string, Set<string>>();

  getUIDs(key: string): ReadonlySet<string> | undefined {
    return this.uids.get(key);
  }

  expectDeletionsOf(key: string, deletedKeys: readonly string[]): void {
    const set = new Set(deletedKeys);
    this.uids.set(key, set);
    this.expectDeletions(key, set.size);
  }

  /** Lowers the deletion count only for a pod this key expected to delete. */
  deletionObservedOf(key: string, deletedKey: string): void {
    const set = this.uids.get(key);
    if (set?.has(deletedKey)) {
      this.deletionObserved(key);
      set.delete(deletedKey);
    }
  }

  override deleteExpectations(key: string): void {
    super.deleteExpectations(key);
    this.uids.delete(key);
  }
}
