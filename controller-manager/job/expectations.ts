// Controller expectations as upstream's ControllerExpectations, private to the job controller: how
// many pod creations and deletions a Job is still waiting to see in the informer, so a slow
// informer never makes it create or delete twice. Memory only; expires after 5 minutes as upstream.

const EXPECTATIONS_TIMEOUT_MS = 5 * 60 * 1000;

interface Expectation {
  adds: number;
  deletes: Set<string>;
  since: number;
}

export class Expectations {
  private readonly byKey = new Map<string, Expectation>();

  constructor(private readonly now: () => number = Date.now) {}

  /** True when nothing is pending for key (or the expectation expired). */
  satisfied(key: string): boolean {
    const e = this.byKey.get(key);
    if (!e) return true;
    if (e.adds <= 0 && e.deletes.size === 0) return true;
    return this.now() - e.since > EXPECTATIONS_TIMEOUT_MS;
  }

  expectCreations(key: string, count: number): void {
    this.byKey.set(key, { adds: count, deletes: new Set(), since: this.now() });
  }

  /** Expects these pod uids to be deleted (or lose the finalizer); adds to what is pending. */
  expectDeletions(key: string, uids: Iterable<string>): void {
    const e = this.byKey.get(key) ?? { adds: 0, deletes: new Set<string>(), since: this.now() };
    for (const uid of uids) e.deletes.add(uid);
    e.since = this.now();
    this.byKey.set(key, e);
  }

  creationObserved(key: string): void {
    const e = this.byKey.get(key);
    if (e && e.adds > 0) e.adds--;
  }

  deletionObserved(key: string, uid: string): void {
    this.byKey.get(key)?.deletes.delete(uid);
  }

  delete(key: string): void {
    this.byKey.delete(key);
  }
}
