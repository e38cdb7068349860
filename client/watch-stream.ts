// Parses a watch response (`?watch=true`): one JSON WatchEvent per line, lines split anywhere across
// chunks. Yields every event, ERROR included (the caller decides what an ERROR means).
// Must never drop or reorder events, nor accept a stream that ends in the middle of an event.
import type { WatchEvent, WatchEventType } from './types.js';

const TYPES: ReadonlySet<string> = new Set<WatchEventType>(['ADDED', 'MODIFIED', 'DELETED', 'BOOKMARK', 'ERROR']);

/** A watch stream that is not a sequence of well-formed events. */
export class WatchStreamError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WatchStreamError';
  }
}

function parseLine(line: string): WatchEvent {
  let event: unknown;
  try {
    event = JSON.parse(line);
  } catch (err) {
    throw new WatchStreamError(`malformed watch event: ${(err as Error).message}: ${line.slice(0, 200)}`);
  }
  const { type, object } = (event ?? {}) as { type?: unknown; object?: unknown };
  if (typeof type !== 'string' || !TYPES.has(type)) {
    throw new WatchStreamError(`watch event has an unknown type ${JSON.stringify(type)}: ${line.slice(0, 200)}`);
  }
  if (typeof object !== 'object' || object === null) {
    throw new WatchStreamError(`watch event ${type} carries no object: ${line.slice(0, 200)}`);
  }
  return event as WatchEvent;
}

export async function* parseWatchStream(body: AsyncIterable<Buffer | Uint8Array | string>): AsyncIterable<WatchEvent> {
  // A streaming decoder keeps a multi-byte character split between two chunks intact.
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let pending = '';
  for await (const chunk of body) {
    pending += typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
    let start = 0;
    let newline: number;
    while ((newline = pending.indexOf('\n', start)) >= 0) {
      const line = pending.slice(start, newline).trim();
      start = newline + 1;
      if (line) yield parseLine(line);
    }
    pending = pending.slice(start);
  }
  pending += decoder.decode();
  const rest = pending.trim();
  if (!rest) return;
  // Every event ends with a newline; what follows the last one must at least be a whole event.
  let event: WatchEvent;
  try {
    event = parseLine(rest);
  } catch {
    throw new WatchStreamError(`watch stream ended in the middle of an event: ${rest.slice(0, 200)}`);
  }
  yield event;
}
