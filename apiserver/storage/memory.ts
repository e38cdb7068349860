// An in-process Storage with etcd's semantics (one global revision, history for list-at-revision and
// watch-from-revision, compaction), so the REST layer's tests run fast without etcd. It must answer
// exactly as etcd.ts does for the same calls; it persists nothing and does not expire TTL keys.

import {
  StorageAlreadyExists,
  StorageCompacted,
  StorageConflict,
  StorageError,
  StorageNotFound,
  StorageUnavailable,
  type KeyValue,
  type ListOptions,
  type ListResult,
  type Storage,
  type StorageEvent,
  type Watch,
} from './interface.js';
import { WatchQueue } from './watch-queue.js';

/** One write in the history: kv is the new value (absent on delete), prev the value it replaced. */
interface Change {
  revision: number;
  key: string;
  kv?: KeyValue;
  prev?: KeyValue;
}

interface Subscriber {
  prefix: string;
  afterRevision: number;
  queue: WatchQueue;
}

/** etcd orders keys by their bytes; so must we, or paging would differ between backends. */
export function compareKeys(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

export function futureRevisionError(revision: number, current: number): StorageError {
  return new StorageError(`required revision ${revision} is a future revision (current revision ${current})`);
}

export function createMemoryStorage(): Storage {
  return new MemoryStorage();
}

class MemoryStorage implements Storage {
  /** A fresh etcd answers revision 1 before the first write; keep the same numbering. */
  private revision = 1;
  private compactRevision = 0;
  private readonly current = new Map<string, KeyValue>();
  /** The state as of revision baseRevision; history holds every change after it, in order. */
  private base = new Map<string, KeyValue>();
  private baseRevision = 1;
  private history: Change[] = [];
  private readonly subscribers = new Set<Subscriber>();
  private closed = false;

  async get(key: string): Promise<KeyValue | undefined> {
    this.checkOpen();
    const kv = this.current.get(key);
    return kv && { ...kv };
  }

  async list(prefix: string, options: ListOptions = {}): Promise<ListResult> {
    this.checkOpen();
    const revision = options.revision || this.revision;
    if (revision > this.revision) throw futureRevisionError(revision, this.revision);
    if (revision < this.compactRevision) throw new StorageCompacted(revision, this.compactRevision);
    const state = revision === this.revision ? this.current : this.stateAt(revision);
    const keys = [...state.keys()]
      .filter((k) => k.startsWith(prefix) && (options.startAfter === undefined || compareKeys(k, options.startAfter) > 0))
      .sort(compareKeys);
    const limit = options.limit && options.limit > 0 ? options.limit : keys.length;
    const page = keys.slice(0, limit);
    const remaining = keys.length - page.length;
    return {
      items: page.map((k) => ({ ...(state.get(k) as KeyValue) })),
      revision,
      more: remaining > 0,
      remaining,
    };
  }

  async create(key: string, value: string, _options?: { ttlSeconds?: number }): Promise<number> {
    this.checkOpen();
    if (this.current.has(key)) throw new StorageAlreadyExists(key);
    const revision = this.revision + 1;
    this.apply({ revision, key, kv: { key, value, modRevision: revision, createRevision: revision } });
    return revision;
  }

  async update(key: string, value: string, expectedRevision: number): Promise<number> {
    this.checkOpen();
    const prev = this.current.get(key);
    if (!prev) throw new StorageNotFound(key);
    if (prev.modRevision !== expectedRevision) throw new StorageConflict(key, prev.modRevision);
    const revision = this.revision + 1;
    this.apply({ revision, key, prev, kv: { key, value, modRevision: revision, createRevision: prev.createRevision } });
    return revision;
  }

  async delete(key: string, expectedRevision?: number): Promise<{ revision: number; prev: KeyValue }> {
    this.checkOpen();
    const prev = this.current.get(key);
    if (!prev) throw new StorageNotFound(key);
    if (expectedRevision !== undefined && prev.modRevision !== expectedRevision) {
      throw new StorageConflict(key, prev.modRevision);
    }
    const revision = this.revision + 1;
    this.apply({ revision, key, prev });
    return { revision, prev: { ...prev } };
  }

  watch(prefix: string, afterRevision: number): Watch {
    const subscriber: Subscriber = { prefix, afterRevision, queue: new WatchQueue(() => this.subscribers.delete(subscriber)) };
    const { queue } = subscriber;
    if (this.closed) {
      queue.fail(new StorageUnavailable('storage is closed'));
      return queue;
    }
    if (afterRevision + 1 < this.compactRevision) {
      queue.fail(new StorageCompacted(afterRevision + 1, this.compactRevision));
      return queue;
    }
    // Replay and subscribe in one synchronous step, so no write can fall between them.
    for (const change of this.history) {
      if (change.revision > afterRevision && change.key.startsWith(prefix)) queue.push(toEvent(change));
    }
    this.subscribers.add(subscriber);
    return queue;
  }

  async currentRevision(): Promise<number> {
    this.checkOpen();
    return this.revision;
  }

  async compact(revision: number): Promise<void> {
    this.checkOpen();
    if (revision > this.revision) throw futureRevisionError(revision, this.revision);
    if (revision <= this.compactRevision) return;
    // Like etcd: reads at `revision` itself stay possible, so fold only the changes before it.
    this.base = this.stateAt(revision - 1);
    this.baseRevision = revision - 1;
    this.history = this.history.filter((c) => c.revision >= revision);
    this.compactRevision = revision;
  }

  async ping(): Promise<void> {
    this.checkOpen();
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const { queue } of this.subscribers) queue.end();
    this.subscribers.clear();
  }

  private apply(change: Change): void {
    this.revision = change.revision;
    if (change.kv) this.current.set(change.key, change.kv);
    else this.current.delete(change.key);
    this.history.push(change);
    const event = toEvent(change);
    for (const { prefix, afterRevision, queue } of this.subscribers) {
      if (change.revision > afterRevision && change.key.startsWith(prefix)) queue.push({ ...event });
    }
  }

  /** The keys as they were right after revision (baseRevision <= revision <= this.revision). */
  private stateAt(revision: number): Map<string, KeyValue> {
    const state = new Map(this.base);
    for (const change of this.history) {
      if (change.revision > revision) break;
      if (change.revision <= this.baseRevision) continue;
      if (change.kv) state.set(change.key, change.kv);
      else state.delete(change.key);
    }
    return state;
  }

  private checkOpen(): void {
    if (this.closed) throw new StorageUnavailable('storage is closed');
  }
}

function toEvent(change: Change): StorageEvent {
  const event: StorageEvent = {
    type: change.kv ? 'PUT' : 'DELETE',
    key: change.key,
    revision: change.revision,
    created: change.kv !== undefined && change.prev === undefined,
  };
  if (change.kv) event.value = change.kv.value;
  if (change.prev) event.prevValue = change.prev.value;
  return event;
}
