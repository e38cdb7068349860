// The apiserver's one door to persistence: a narrow, revision-based key/value interface in the
// shape of kine's Backend. Values are opaque strings (serialized, maybe encrypted, objects); every
// answer carries the etcd revision. The REST layer never sees etcd3 or any other client directly.

/** One stored value and the revisions etcd gave it. */
export interface KeyValue {
  key: string;
  value: string;
  /** Revision of the last write of this key: the object's resourceVersion. */
  modRevision: number;
  createRevision: number;
}

export interface ListOptions {
  /** Return at most this many items (0 or absent: all). */
  limit?: number;
  /** Start strictly after this key (paging). */
  startAfter?: string;
  /** Read at this revision (paging continues at the revision of the first page); absent: latest. */
  revision?: number;
}

export interface ListResult {
  items: KeyValue[];
  /** The revision the list was read at. */
  revision: number;
  /** Whether keys remain after the last item returned. */
  more: boolean;
  /** How many keys remain after the last one returned, where known. */
  remaining?: number;
}

export type StorageEventType = 'PUT' | 'DELETE';

export interface StorageEvent {
  type: StorageEventType;
  key: string;
  /** The new value (PUT), absent on DELETE. */
  value?: string;
  /** The value before this event, if there was one (always present on DELETE). */
  prevValue?: string;
  /** The revision of this event. */
  revision: number;
  /** True when the key did not exist before this PUT (a create). */
  created: boolean;
}

export interface Watch extends AsyncIterable<StorageEvent> {
  /** Ends the watch; the iterator finishes. */
  close(): void;
}

export interface Storage {
  get(key: string): Promise<KeyValue | undefined>;
  list(prefix: string, options?: ListOptions): Promise<ListResult>;
  /** Creates if absent (txn mod_revision == 0); returns the new revision. Throws StorageAlreadyExists. */
  create(key: string, value: string, options?: { ttlSeconds?: number }): Promise<number>;
  /** Updates if mod_revision == expected; returns the new revision. Throws StorageConflict or StorageNotFound. */
  update(key: string, value: string, expectedRevision: number): Promise<number>;
  /**
   * Deletes if mod_revision == expected (or unconditionally when absent); returns the deletion's
   * revision and the value deleted. Throws StorageConflict or StorageNotFound.
   */
  delete(key: string, expectedRevision?: number): Promise<{ revision: number; prev: KeyValue }>;
  /**
   * Events on keys under prefix with revision > afterRevision, in revision order. Throws
   * StorageCompacted (synchronously from the iterator's first next()) when afterRevision+1 was compacted.
   */
  watch(prefix: string, afterRevision: number): Watch;
  /** The store's current revision. */
  currentRevision(): Promise<number>;
  /** Drops history up to revision. */
  compact(revision: number): Promise<void>;
  /** Cheap round trip for readiness. Throws StorageUnavailable when the backend does not answer. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

export class StorageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}
export class StorageNotFound extends StorageError {
  constructor(readonly key: string) {
    super(`key not found: ${key}`);
  }
}
export class StorageAlreadyExists extends StorageError {
  constructor(readonly key: string) {
    super(`key exists: ${key}`);
  }
}
export class StorageConflict extends StorageError {
  constructor(
    readonly key: string,
    readonly actualRevision: number,
  ) {
    super(`revision mismatch on ${key}`);
  }
}
export class StorageCompacted extends StorageError {
  constructor(
    readonly requested: number,
    readonly compactRevision: number,
  ) {
    super(`required revision ${requested} has been compacted (compact revision ${compactRevision})`);
  }
}
/** The backend cannot be reached or failed; the REST layer answers 503. */
export class StorageUnavailable extends StorageError {}
