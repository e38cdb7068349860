import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseWatchStream, WatchStreamError } from './watch-stream.js';
import type { WatchEvent } from './types.js';

async function* chunks(...parts: (string | Buffer)[]): AsyncIterable<Buffer | string> {
  for (const p of parts) yield p;
}

async function collect(body: AsyncIterable<Buffer | string>): Promise<WatchEvent[]> {
  const out: WatchEvent[] = [];
  for await (const e of parseWatchStream(body)) out.push(e);
  return out;
}

const line = (type: string, name: string, rv = '1') => JSON.stringify({ type, object: { kind: 'Pod', metadata: { name, resourceVersion: rv } } }) + '\n';

describe('parseWatchStream', () => {
  it('joins an event split across chunks, even inside a multi-byte character', async () => {
    const text = JSON.stringify({ type: 'ADDED', object: { metadata: { name: 'a', annotations: { note: 'héllo ✓' } } } }) + '\n';
    const bytes = Buffer.from(text);
    const cut = bytes.indexOf(Buffer.from('✓')) + 1; // inside the 3-byte character
    const events = await collect(chunks(bytes.subarray(0, 5), bytes.subarray(5, cut), bytes.subarray(cut)));
    assert.equal(events.length, 1);
    assert.equal(events[0].object.metadata?.annotations?.note, 'héllo ✓');
  });

  it('yields several events of one chunk in order, and ERROR and BOOKMARK events too', async () => {
    const error = JSON.stringify({ type: 'ERROR', object: { kind: 'Status', code: 410, reason: 'Expired', message: 'too old resource version: 1 (5)' } }) + '\n';
    const events = await collect(chunks(line('ADDED', 'a') + line('MODIFIED', 'a', '2') + '\n' + line('BOOKMARK', '', '3'), error));
    assert.deepEqual(events.map((e) => e.type), ['ADDED', 'MODIFIED', 'BOOKMARK', 'ERROR']);
    assert.equal(events[1].object.metadata?.resourceVersion, '2');
    assert.equal((events[3].object as { code?: number }).code, 410);
  });

  it('fails on a trailing partial event, after yielding the complete ones', async () => {
    const seen: string[] = [];
    await assert.rejects(
      (async () => {
        for await (const e of parseWatchStream(chunks(line('ADDED', 'a'), '{"type":"MODIFIED","obj'))) seen.push(e.type);
      })(),
      (err: unknown) => err instanceof WatchStreamError && /ended in the middle of an event/.test(err.message),
    );
    assert.deepEqual(seen, ['ADDED']);
  });

  it('accepts a final complete event without its newline', async () => {
    const events = await collect(chunks(line('ADDED', 'a') + line('DELETED', 'a').trimEnd()));
    assert.deepEqual(events.map((e) => e.type), ['ADDED', 'DELETED']);
  });

  it('rejects malformed lines and unknown event types', async () => {
    await assert.rejects(collect(chunks('not json\n')), /malformed watch event/);
    await assert.rejects(collect(chunks('{"type":"CHANGED","object":{}}\n')), /unknown type "CHANGED"/);
    await assert.rejects(collect(chunks('{"type":"ADDED"}\n')), /carries no object/);
  });
});
