// The production Storage: etcd v3 through the etcd3 client, with kine-style txns (create = mod_revision
// == 0, update/delete = mod_revision == expected) and one gRPC watch stream per Watch. Every etcd or
// gRPC failure leaves as a Storage* error, within a deadline; nothing above this file sees etcd3.

import { readFileSync } from 'node:fs';
import { Etcd3, type IKeyValue, type IOptions, type IWatchResponse, type IDuplexStream, type IWatchRequest } from 'etcd3';
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

export interface EtcdStorageOptions {
  /** Client URLs, e.g. ["https://127.0.0.1:2379"] (the --etcd-servers flag). */
  endpoints: string[];
  caFile?: string;
  certFile?: string;
  keyFile?: string;
  /** How long ping() and the start of a watch wait for etcd to answer; default 2000. */
  dialTimeoutMs?: number;
  /** Deadline of every unary call (get, list, txn, ...); default 5000. */
  requestTimeoutMs?: number;
}

type FaultPolicy = NonNullable<NonNullable<IOptions['faultHandling']>['global']>;

/**
 * No retries and no circuit breaker: a retried txn whose answer was lost could report a false
 * AlreadyExists/Conflict, and a breaker would keep failing calls for seconds after etcd is back.
 * Callers (clients, controllers) already retry; the per-call deadline bounds every call instead.
 */
const passThrough = {
  execute: (fn: (context: { signal: AbortSignal }) => unknown, signal?: AbortSignal) =>
    Promise.resolve().then(() => fn({ signal: signal ?? new AbortController().signal })),
} as unknown as FaultPolicy;

export function createEtcdStorage(options: EtcdStorageOptions): Storage {
  return new EtcdStorage(options);
}

class EtcdStorage implements Storage {
  private readonly client: Etcd3;
  private readonly dialTimeoutMs: number;
  /** Open watches and how to release their gRPC stream. */
  private readonly watches = new Map<WatchQueue, () => void>();
  private closed = false;

  constructor(options: EtcdStorageOptions) {
    if (options.endpoints.length === 0) throw new Error('etcd storage needs at least one endpoint');
    this.dialTimeoutMs = options.dialTimeoutMs ?? 2000;
    const requestTimeoutMs = options.requestTimeoutMs ?? 5000;
    const tls = options.caFile !== undefined || options.certFile !== undefined || options.keyFile !== undefined;
    // Note: after a failed unary call etcd3 closes the host's channels; open watch streams survive
    // that (grpc-js closes channels gracefully), which the "stalled etcd" test pins down.
    const base: IOptions = {
      hosts: options.endpoints,
      credentials: tls
        ? {
            // Without a CA file gRPC falls back to the system roots.
            rootCertificate: (options.caFile ? readFileSync(options.caFile) : undefined) as Buffer,
            privateKey: options.keyFile ? readFileSync(options.keyFile) : undefined,
            certChain: options.certFile ? readFileSync(options.certFile) : undefined,
          }
        : undefined,
      defaultCallOptions: (context) => (context.isStream ? {} : { deadline: Date.now() + requestTimeoutMs }),
      faultHandling: { host: () => passThrough, global: passThrough },
      grpcOptions: {
        // Reconnect soon after etcd comes back instead of gRPC's default backoff of up to 2 minutes.
        'grpc.initial_reconnect_backoff_ms': 200,
        'grpc.max_reconnect_backoff_ms': 2000,
        // Notice a dead peer on an otherwise idle watch stream within 15 s (etcd allows pings every 5 s).
        'grpc.keepalive_time_ms': 10_000,
        'grpc.keepalive_timeout_ms': 5000,
        // Big lists and watch catch-up batches exceed gRPC's 4 MiB default (Kubernetes uses MaxInt32).
        'grpc.max_receive_message_length': 2 ** 31 - 1,
      },
    };
    this.client = new Etcd3(base);
  }

  async get(key: string): Promise<KeyValue | undefined> {
    const res = await this.call(() => this.client.kv.range({ key: bytes(key) }));
    return res.kvs.length > 0 ? toKeyValue(res.kvs[0]) : undefined;
  }

  async list(prefix: string, options: ListOptions = {}): Promise<ListResult> {
    const end = prefixEnd(prefix);
    let start = bytes(prefix);
    if (options.startAfter !== undefined) {
      const after = Buffer.concat([bytes(options.startAfter), Buffer.from([0])]);
      if (Buffer.compare(after, start) > 0) start = after;
    }
    const limit = options.limit && options.limit > 0 ? options.limit : 0;
    const revision = options.revision && options.revision > 0 ? options.revision : 0;
    let res;
    try {
      res = await this.call(() => this.client.kv.range({ key: start, range_end: end, limit, revision }));
    } catch (err) {
      if (err instanceof StorageCompacted) throw new StorageCompacted(revision, await this.compactRevisionAt(revision));
      throw err;
    }
    const items = res.kvs.map(toKeyValue);
    const remaining = Math.max(0, Number(res.count) - items.length);
    return { items, revision: revision || Number(res.header.revision), more: remaining > 0, remaining };
  }

  async create(key: string, value: string, options: { ttlSeconds?: number } = {}): Promise<number> {
    let lease: string | undefined;
    if (options.ttlSeconds !== undefined && options.ttlSeconds > 0) {
      const ttl = Math.ceil(options.ttlSeconds);
      lease = (await this.call(() => this.client.leaseClient.leaseGrant({ TTL: ttl }))).ID;
    }
    const res = await this.call(() =>
      this.client.kv.txn({
        compare: [{ key: bytes(key), target: 'Mod', result: 'Equal', mod_revision: 0 }],
        success: [{ request_put: { key: bytes(key), value: bytes(value), lease } }],
        failure: [],
      }),
    );
    if (!res.succeeded) throw new StorageAlreadyExists(key);
    return Number(res.header.revision);
  }

  async update(key: string, value: string, expectedRevision: number): Promise<number> {
    const res = await this.call(() =>
      this.client.kv.txn({
        compare: [
          { key: bytes(key), target: 'Mod', result: 'Equal', mod_revision: expectedRevision },
          // mod_revision == 0 also matches a missing key; an update must never create.
          { key: bytes(key), target: 'Version', result: 'Greater', version: 0 },
        ],
        success: [{ request_put: { key: bytes(key), value: bytes(value) } }],
        failure: [{ request_range: { key: bytes(key) } }],
      }),
    );
    if (!res.succeeded) throw mismatch(key, res.responses[0]?.response_range?.kvs ?? []);
    return Number(res.header.revision);
  }

  async delete(key: string, expectedRevision?: number): Promise<{ revision: number; prev: KeyValue }> {
    const res = await this.call(() =>
      this.client.kv.txn({
        compare:
          expectedRevision === undefined
            ? [{ key: bytes(key), target: 'Version', result: 'Greater', version: 0 }]
            : [
                { key: bytes(key), target: 'Mod', result: 'Equal', mod_revision: expectedRevision },
                { key: bytes(key), target: 'Version', result: 'Greater', version: 0 },
              ],
        success: [{ request_delete_range: { key: bytes(key), prev_kv: true } }],
        failure: [{ request_range: { key: bytes(key) } }],
      }),
    );
    if (!res.succeeded) throw mismatch(key, res.responses[0]?.response_range?.kvs ?? []);
    const prev = res.responses[0]?.response_delete_range?.prev_kvs?.[0];
    if (!prev) throw new StorageNotFound(key);
    return { revision: Number(res.header.revision), prev: toKeyValue(prev) };
  }

  watch(prefix: string, afterRevision: number): Watch {
    const startRevision = afterRevision + 1;
    let stream: IDuplexStream<IWatchRequest, IWatchResponse> | undefined;
    const release = () => {
      clearTimeout(createTimer);
      this.watches.delete(queue);
      if (stream) {
        // end() first: etcd3 resets every channel of the host on an error of a still-writable stream.
        stream.end();
        stream.cancel();
        stream = undefined;
      }
    };
    const queue: WatchQueue = new WatchQueue(release);
    const fail = (err: StorageError) => {
      queue.fail(err);
      release();
    };
    const createTimer = setTimeout(
      () => fail(new StorageUnavailable(`etcd did not start the watch within ${this.dialTimeoutMs} ms`)),
      this.dialTimeoutMs,
    );
    if (this.closed) {
      fail(new StorageUnavailable('etcd storage is closed'));
      return queue;
    }
    this.watches.set(queue, release);

    const onResponse = (res: IWatchResponse) => {
      if (res.created) clearTimeout(createTimer);
      if (res.canceled) {
        const compactRevision = Number(res.compact_revision);
        fail(
          compactRevision > 0
            ? new StorageCompacted(startRevision, compactRevision)
            : new StorageUnavailable(`etcd canceled the watch: ${res.cancel_reason || 'no reason given'}`),
        );
        return;
      }
      for (const event of res.events ?? []) queue.push(toEvent(event.type, event.kv, event.prev_kv));
    };

    this.client.watchClient.watch().then(
      (s) => {
        if (queue.finished) {
          s.end();
          s.cancel();
          return;
        }
        stream = s;
        s.on('data', onResponse);
        s.on('error', (err) => fail(new StorageUnavailable(`etcd watch failed: ${err.message}`)));
        s.on('end', () => fail(new StorageUnavailable('etcd ended the watch stream')));
        s.write({
          create_request: {
            key: bytes(prefix),
            range_end: prefixEnd(prefix),
            start_revision: startRevision,
            prev_kv: true,
          },
        });
      },
      (err: unknown) => fail(new StorageUnavailable(`etcd watch failed: ${message(err)}`)),
    );
    return queue;
  }

  async currentRevision(): Promise<number> {
    const res = await this.call(() => this.client.kv.range({ key: Buffer.from([0]), count_only: true }));
    return Number(res.header.revision);
  }

  async compact(revision: number): Promise<void> {
    try {
      await this.call(() => this.client.kv.compact({ revision }));
    } catch (err) {
      // Compacting what is already compacted is a no-op, as in the memory backend.
      if (err instanceof StorageCompacted) return;
      throw err;
    }
  }

  async ping(): Promise<void> {
    await this.call(() => this.client.maintenance.status({ deadline: Date.now() + this.dialTimeoutMs }));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    // Consumers still read what arrived, then the end; the streams go now.
    for (const [queue, release] of [...this.watches]) {
      queue.end();
      release();
    }
    this.client.close();
  }

  /** Runs one etcd call, turning every failure into a Storage* error. */
  private async call<T>(fn: () => Promise<T>): Promise<T> {
    if (this.closed) throw new StorageUnavailable('etcd storage is closed');
    try {
      return await fn();
    } catch (err) {
      throw translate(err);
    }
  }

  /**
   * etcd's range error does not say up to where it compacted; a watch from the requested revision
   * does. Only used on the (rare) compacted-list path; 0 when etcd does not tell us in time.
   */
  private async compactRevisionAt(revision: number): Promise<number> {
    const probe = this.watch('\0k8ts/compaction-probe', revision - 1);
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        probe[Symbol.asyncIterator]().next(),
        new Promise((resolve) => (timer = setTimeout(resolve, this.dialTimeoutMs))),
      ]);
      return 0;
    } catch (err) {
      return err instanceof StorageCompacted ? err.compactRevision : 0;
    } finally {
      clearTimeout(timer);
      probe.close();
    }
  }
}

function translate(err: unknown): StorageError {
  if (err instanceof StorageError) return err;
  const text = message(err);
  if (text.includes('required revision has been compacted')) return new StorageCompacted(0, 0);
  if (text.includes('required revision is a future revision')) return new StorageError(text);
  return new StorageUnavailable(`etcd: ${text}`);
}

function mismatch(key: string, kvs: IKeyValue[]): StorageError {
  return kvs.length === 0 ? new StorageNotFound(key) : new StorageConflict(key, Number(kvs[0].mod_revision));
}

function toKeyValue(kv: IKeyValue): KeyValue {
  return {
    key: kv.key.toString('utf8'),
    value: kv.value.toString('utf8'),
    modRevision: Number(kv.mod_revision),
    createRevision: Number(kv.create_revision),
  };
}

function toEvent(type: string, kv: IKeyValue, prev: IKeyValue | undefined | null): StorageEvent {
  const put = type === 'Put';
  const event: StorageEvent = {
    type: put ? 'PUT' : 'DELETE',
    key: kv.key.toString('utf8'),
    revision: Number(kv.mod_revision),
    created: put && kv.create_revision === kv.mod_revision,
  };
  if (put) event.value = kv.value.toString('utf8');
  if (prev) event.prevValue = prev.value.toString('utf8');
  return event;
}

function bytes(s: string): Buffer {
  return Buffer.from(s, 'utf8');
}

/** The smallest key greater than every key with this prefix (etcd's clientv3.GetPrefixRangeEnd). */
export function prefixEnd(prefix: string): Buffer {
  const end = Buffer.from(prefix, 'utf8');
  for (let i = end.length - 1; i >= 0; i--) {
    if (end[i] < 0xff) {
      end[i]++;
      return end.subarray(0, i + 1);
    }
  }
  // Empty prefix or all 0xff: "\0" means "to the end of the keyspace".
  return Buffer.from([0]);
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
