// Unit tests of the pod worker: one sync at a time, wakes during a sync fold into one more sync,
// requeue timers, errors never end the worker, removal ends it.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { pino } from 'pino';
import type { Pod } from '../../api/types.js';
import { PodWorker, type WorkerStep } from './pod-worker.js';

const pod = { metadata: { name: 'p', uid: 'u' }, spec: { containers: [] } } as Pod;
const log = pino({ level: 'silent' });

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

describe('PodWorker', () => {
  it('runs one sync at a time and folds wakes during a sync into one more sync', async () => {
    const ac = new AbortController();
    let running = 0;
    let maxRunning = 0;
    let calls = 0;
    const gate = deferred();
    const second = deferred();
    const w = new PodWorker(pod, async (): Promise<WorkerStep> => {
      calls++;
      running++;
      maxRunning = Math.max(maxRunning, running);
      if (calls === 1) await gate.promise;
      if (calls === 2) second.resolve();
      running--;
      return {};
    }, log, ac.signal);
    w.wake();
    w.wake();
    w.wake();
    gate.resolve();
    await second.promise;
    assert.equal(maxRunning, 1);
    ac.abort();
    await w.finished;
    assert.equal(calls, 2);
  });

  it('syncs again after requeueAfterMs, survives errors, and ends when the pod is removed', async () => {
    const ac = new AbortController();
    const seen: boolean[] = [];
    let calls = 0;
    const w = new PodWorker(pod, async (_p, removed) => {
      calls++;
      seen.push(removed);
      if (calls === 1) return { requeueAfterMs: 10 };
      if (calls === 2) throw new Error('boom');
      if (removed) return { done: true };
      return { requeueAfterMs: 60_000 };
    }, log, ac.signal);
    const start = Date.now();
    while (calls < 3 && Date.now() - start < 5000) await new Promise((r) => setTimeout(r, 5));
    assert.ok(calls >= 3, 'requeued and retried after the error');
    w.remove();
    await w.finished;
    assert.equal(seen.at(-1), true);
    ac.abort();
  });
});
