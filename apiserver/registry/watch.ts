// Turns storage events under a collection's prefix into API watch events for one client, filtered
// by its selectors: an object that starts matching arrives as ADDED, one that stops as DELETED, as
// upstream. Without a resourceVersion it first replays the current state as ADDED events.
import type { ResourceInfo } from '../../api/resources.js';
import { StorageCompacted, type Storage, type StorageEvent } from '../storage/interface.js';
import { decode, type KubeObject } from './codec.js';
import { matcherFor, type ListQuery } from './filter.js';
import { collectionPrefix } from './keys.js';
import { apiVersionOf } from '../../api/resources.js';
import { translateStorageError } from './store.js';
import { GoneError, StatusError } from '../../api/errors.js';

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';

export interface ApiWatchEvent {
  type: WatchEventType;
  object: KubeObject;
}

export interface WatchRequest extends Pick<ListQuery, 'labelSelector' | 'fieldSelector'> {
  namespace?: string;
  resourceVersion?: string;
}

export interface ApiWatch {
  /** Events in order; an ERROR event (a Status) ends the stream when the watch cannot go on. */
  events: AsyncIterable<ApiWatchEvent>;
  /** The revision of the last event delivered (or the start), for bookmarks. */
  lastRevision(): number;
  close(): void;
}

export async function startWatch(storage: Storage, res: ResourceInfo, request: WatchRequest): Promise<ApiWatch> {
  const matches = matcherFor(res, request);
  const prefix = collectionPrefix(res, request.namespace);
  const typed = (obj: KubeObject): KubeObject => {
    obj.apiVersion = apiVersionOf(res);
    obj.kind = res.kind;
    return obj;
  };
  const initial: ApiWatchEvent[] = [];
  let start: number;
  const rv = request.resourceVersion;
  if (rv === undefined || rv === '' || rv === '0') {
    // Replays the current state, then continues from the revision it was read at.
    let startAfter: string | undefined;
    let revision: number | undefined;
    for (;;) {
      const page = await storage.list(prefix, { limit: 500, startAfter, revision }).catch((err) => {
        throw translateStorageError(err, res, '');
      });
      revision = page.revision;
      for (const kv of page.items) {
        const obj = decode(kv.value, kv.modRevision);
        if (matches(obj)) initial.push({ type: 'ADDED', object: typed(obj) });
      }
      if (!page.more || page.items.length === 0) break;
      startAfter = page.items[page.items.length - 1].key;
    }
    start = revision!;
  } else {
    start = Number(rv);
    if (!Number.isSafeInteger(start) || start < 0) {
      throw new StatusError(400, 'BadRequest', `invalid resource version: ${JSON.stringify(rv)}`);
    }
  }
  let last = start;
  const watch = storage.watch(prefix, start);

  async function* events(): AsyncGenerator<ApiWatchEvent> {
    for (const e of initial) yield e;
    try {
      for await (const ev of watch) {
        last = ev.revision;
        const out = toApiEvent(ev, matches);
        if (out) yield { type: out.type, object: typed(out.object) };
      }
    } catch (err) {
      const status =
        err instanceof StorageCompacted
          ? new GoneError(`too old resource version: ${start} (${err.compactRevision})`)
          : translateStorageError(err, res, '');
      const statusError = status instanceof StatusError ? status : new StatusError(500, 'InternalError', `Internal error occurred: ${(err as Error).message}`);
      yield { type: 'ERROR', object: statusError.toStatus() as unknown as KubeObject };
    }
  }

  return { events: events(), lastRevision: () => last, close: () => watch.close() };
}

function toApiEvent(ev: StorageEvent, matches: (o: KubeObject) => boolean): ApiWatchEvent | undefined {
  const prev = ev.prevValue !== undefined ? decode(ev.prevValue, ev.revision) : undefined;
  if (ev.type === 'DELETE') {
    return prev && matches(prev) ? { type: 'DELETED', object: prev } : undefined;
  }
  const cur = decode(ev.value!, ev.revision);
  const nowMatches = matches(cur);
  const wasMatching = prev !== undefined && matches(prev);
  if (nowMatches && wasMatching) return { type: 'MODIFIED', object: cur };
  if (nowMatches) return { type: 'ADDED', object: cur };
  // As upstream: the object as it was when it last matched, at this event's revision.
  if (wasMatching) return { type: 'DELETED', object: prev! };
  return undefined;
}
