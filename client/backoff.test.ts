// Tests the jittered exponential backoff: 1 s doubling to 30 s, jitter bounds, reset, and sleep's abort.
// Never waits on real time beyond a few milliseconds.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Backoff, seededRandom, sleep } from './backoff.js';

describe('Backoff', () => {
  it('starts at 1 s and doubles to a 30 s cap without jitter', () => {
    const b = new Backoff({ jitter: 0, now: () => 0 });
    const delays = Array.from({ length: 8 }, () => b.next());
    assert.deepEqual(delays, [1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000]);
  });

  it('jitters each delay within [base, base * (1 + jitter))', () => {
    const b = new Backoff({ jitter: 0.5, random: seededRandom(7), now: () => 0 });
    const bases = [1000, 2000, 4000, 8000, 16000, 30000, 30000];
    const delays = bases.map(() => b.next());
    delays.forEach((d, i) => assert.ok(d >= bases[i] && d < bases[i] * 1.5, `delay ${d} outside [${bases[i]}, ${bases[i] * 1.5})`));
    assert.ok(new Set(delays.map((d, i) => d - bases[i])).size > 1, 'jitter varies');
  });

  it('is deterministic for one seed', () => {
    const a = new Backoff({ random: seededRandom(42), now: () => 0 });
    const b = new Backoff({ random: seededRandom(42), now: () => 0 });
    for (let i = 0; i < 5; i++) assert.equal(a.next(), b.next());
  });

  it('resets after reset() and after a quiet period', () => {
    let now = 0;
    const b = new Backoff({ jitter: 0, resetAfterMs: 120_000, now: () => now });
    b.next();
    b.next();
    assert.equal(b.next(), 4000);
    b.reset();
    assert.equal(b.next(), 1000);
    assert.equal(b.next(), 2000);
    now += 119_999;
    assert.equal(b.next(), 4000, 'not quiet long enough');
    now += 120_000;
    assert.equal(b.next(), 1000, 'quiet period resets');
  });

  it('honours a small base for fast tests', () => {
    const b = new Backoff({ initialMs: 1, maxMs: 4, jitter: 0, now: () => 0 });
    assert.deepEqual([b.next(), b.next(), b.next(), b.next()], [1, 2, 4, 4]);
  });

  it('rejects nonsense', () => {
    assert.throws(() => new Backoff({ initialMs: 0 }), /invalid backoff/);
    assert.throws(() => new Backoff({ initialMs: 10, maxMs: 5 }), /invalid backoff/);
  });
});

describe('sleep', () => {
  it('returns at once when the signal aborts', async () => {
    const ac = new AbortController();
    const started = Date.now();
    const p = sleep(60_000, ac.signal);
    ac.abort();
    await p;
    assert.ok(Date.now() - started < 1000);
    await sleep(60_000, ac.signal); // already aborted
  });
});
