// Streams a watch to one HTTP client: chunked JSON lines `{"type":...,"object":...}` until the
// client leaves, timeoutSeconds passes, or storage fails (then an ERROR event carries the Status).
// Bookmarks, when allowed, carry only the resourceVersion the client may resume from.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { apiVersionOf, type ResourceInfo } from '../../api/resources.js';
import type { Representation } from '../http/media.js';
import { startWatch, type ApiWatchEvent } from '../registry/watch.js';
import type { Storage } from '../storage/interface.js';
import { toTable } from '../table/table.js';

export interface WatchParams {
  namespace?: string;
  resourceVersion?: string;
  labelSelector?: string;
  fieldSelector?: string;
  allowBookmarks: boolean;
  timeoutSeconds?: number;
  representation: Representation;
  includeObject: 'None' | 'Metadata' | 'Object';
}

const BOOKMARK_INTERVAL_MS = 30_000;
/** Without timeoutSeconds upstream picks 30-60 minutes at random, so clients spread their re-watches. */
function defaultTimeoutSeconds(): number {
  return 1800 + Math.floor(Math.random() * 1800);
}

/** A watcher this far behind is cut off, as upstream ends watchers that cannot keep up; it re-watches from its last RV. */
const MAX_BUFFERED_BYTES = 16 * 1024 * 1024;
/** setTimeout's limit; upstream caps a watch's life well below it anyway. */
const MAX_TIMEOUT_SECONDS = 2_147_483;

export async function serveWatch(request: FastifyRequest, reply: FastifyReply, storage: Storage, res: ResourceInfo, params: WatchParams): Promise<void> {
  // Listens for the client leaving before the (possibly slow) initial list, so no watch outlives it.
  let clientGone = false;
  const onEarlyClose = () => {
    clientGone = true;
  };
  request.raw.once('close', onEarlyClose);
  const watch = await startWatch(storage, res, params);
  request.raw.off('close', onEarlyClose);
  if (clientGone || request.raw.destroyed) {
    watch.close();
    return;
  }
  reply.hijack();
  const out = reply.raw;
  out.writeHead(200, {
    'Content-Type': 'application/json',
    'Cache-Control': 'no-cache, private',
    'Transfer-Encoding': 'chunked',
    'X-Content-Type-Options': 'nosniff',
  });
  out.flushHeaders?.();
  let closed = false;
  const finish = () => {
    if (closed) return;
    closed = true;
    clearTimeout(timeout);
    clearInterval(bookmarks);
    watch.close();
    if (!out.writableEnded) out.end();
  };
  const requested = params.timeoutSeconds !== undefined && params.timeoutSeconds > 0 ? params.timeoutSeconds : defaultTimeoutSeconds();
  const timeoutSeconds = Math.min(requested, MAX_TIMEOUT_SECONDS);
  const bookmark = () => {
    if (!params.allowBookmarks || closed) return;
    write({ type: 'BOOKMARK', object: { kind: res.kind, apiVersion: apiVersionOf(res), metadata: { resourceVersion: String(watch.lastRevision()) } } });
  };
  const timeout = setTimeout(() => {
    bookmark();
    finish();
  }, timeoutSeconds * 1000);
  const bookmarks = setInterval(bookmark, BOOKMARK_INTERVAL_MS);
  request.raw.on('close', finish);
  out.on('close', finish);
  out.on('error', finish);

  function render(ev: ApiWatchEvent): ApiWatchEvent {
    if (ev.type === 'ERROR' || ev.type === 'BOOKMARK' || params.representation === 'object') return ev;
    if (params.representation === 'table') return { type: ev.type, object: toTable(res, [ev.object], { includeObject: params.includeObject }) as any };
    return { type: ev.type, object: { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: ev.object.metadata } };
  }

  function write(ev: ApiWatchEvent): void {
    if (closed) return;
    out.write(JSON.stringify(ev) + '\n');
    if (out.writableLength > MAX_BUFFERED_BYTES) {
      request.log.warn({ resource: res.plural, buffered: out.writableLength }, 'watcher too slow; ending its watch');
      finish();
    }
  }

  try {
    for await (const ev of watch.events) {
      if (closed) break;
      write(render(ev));
      if (ev.type === 'ERROR') break;
    }
  } catch (err) {
    request.log.warn({ err }, 'watch ended with an error');
  } finally {
    finish();
  }
}
