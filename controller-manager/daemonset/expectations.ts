// Controller expectations (upstream controller.ControllerExpectations): creations and deletions a
// sync asked for that the pod informer has not shown yet, so a slow cache never causes duplicates.
// In-memory only; expire after five minutes as upstream so a lost event cannot block a workload forever.
const EXPECTATIONS_TIMEOUT_MS = 5 * 60 * 1000;

interface Expectation { add: number; del: number; at: number }

export class Expectations {
  private readonly items = new Map<string, Expectation>();
  constructor(private readonly now: () => number = Date.now) {}

  satisfied(key: string): boolean {
    const e = this.items.get(key);
    if (!e) return true;
    return (e.add <= 0 && e.del <= 0) || this.now() - e.at > EXPECTATIONS_TIMEOUT_MS;
  }

  expect(key: string, add: number, del: number): void {
    this.items.set(key, { add, del, at: this.now() });
  }

  creationObserved(key: string): void { this.lower(key, 1, 0); }
  deletionObserved(key: string): void { this.lower(key, 0, 1); }
  lower(key: string, add: number, del: number): void {
    const e = this.items.get(key);
    if (!e) return;
    e.add -= add;
    e.del -= del;
  }
  forget(key: string): void { this.items.delete(key); }
}
