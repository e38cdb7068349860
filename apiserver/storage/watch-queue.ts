// The event queue behind every storage Watch: producers push events or a terminal error, one consumer
// pulls them with for-await. Shared by the memory and etcd backends so both end and fail the same way.
// It never drops or reorders events and never throws from push; the only error is the one it was failed with.

import type { StorageEvent, Watch } from './interface.js';

export class WatchQueue implements Watch {
  private readonly buffered: StorageEvent[] = [];
  private waiter: { resolve: (r: IteratorResult<StorageEvent>) => void; reject: (e: unknown) => void } | undefined;
  private error: unknown;
  private done = false;
  private closed = false;

  /** @param onClose called once when the consumer closes the watch (not when the producer ends it). */
  constructor(private readonly onClose: () => void = () => {}) {}

  /** True once close() was called or the producer ended/failed the queue. */
  get finished(): boolean {
    return this.done;
  }

  push(event: StorageEvent): void {
    if (this.done) return;
    if (this.waiter) {
      const { resolve } = this.waiter;
      this.waiter = undefined;
      resolve({ value: event, done: false });
    } else {
      this.buffered.push(event);
    }
  }

  /** Ends the stream after the buffered events, making the next read throw err. */
  fail(err: unknown): void {
    if (this.done) return;
    this.done = true;
    this.error = err;
    if (this.waiter) {
      const { reject } = this.waiter;
      this.waiter = undefined;
      this.error = undefined;
      reject(err);
    }
  }

  /** Ends the stream after the buffered events. */
  end(): void {
    if (this.done) return;
    this.done = true;
    this.wake();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.buffered.length = 0;
    this.error = undefined;
    this.done = true;
    this.wake();
    this.onClose();
  }

  next(): Promise<IteratorResult<StorageEvent>> {
    const event = this.buffered.shift();
    if (event) return Promise.resolve({ value: event, done: false });
    if (this.error !== undefined) {
      const err = this.error;
      this.error = undefined;
      return Promise.reject(err);
    }
    if (this.done) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve, reject) => {
      this.waiter = { resolve, reject };
    });
  }

  [Symbol.asyncIterator](): AsyncIterator<StorageEvent> {
    return {
      next: () => this.next(),
      return: () => {
        this.close();
        return Promise.resolve({ value: undefined, done: true });
      },
    };
  }

  private wake(): void {
    if (this.waiter) {
      const { resolve } = this.waiter;
      this.waiter = undefined;
      resolve({ value: undefined, done: true });
    }
  }
}
