// The scheduling queue: priority order, backoff, moves on cluster events and the 5-minute flush.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { backoffDuration, SchedulingQueue } from './queue.js';
import { makePod } from './testing.js';

function fakeClock() {
  let t = 1_000_000;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

test('backoff doubles from 1 s to at most 10 s', () => {
  assert.deepEqual([1, 2, 3, 4, 5, 6].map(backoffDuration), [1000, 2000, 4000, 8000, 10000, 10000]);
});

test('activeQ pops by priority, then by arrival', async () => {
  const clock = fakeClock();
  const q = new SchedulingQueue(clock);
  q.add(makePod({ name: 'low-old', priority: 0 }));
  clock.advance(1);
  q.add(makePod({ name: 'high', priority: 10 }));
  clock.advance(1);
  q.add(makePod({ name: 'low-new', priority: 0 }));
  const order = [];
  for (let i = 0; i < 3; i++) order.push((await q.pop())!.pod.metadata!.name);
  assert.deepEqual(order, ['high', 'low-old', 'low-new']);
});

test('an unschedulable pod waits for a helpful event, then for its backoff', async () => {
  const clock = fakeClock();
  const q = new SchedulingQueue(clock);
  q.add(makePod({ name: 'p' }));
  const info = (await q.pop())!;
  q.addUnschedulable(info, info.pod, true);
  assert.deepEqual(q.pending(), { active: 0, backoff: 0, unschedulable: 1 });
  q.moveAllToActiveOrBackoff((pod) => pod.metadata?.name !== 'p');
  assert.deepEqual(q.pending(), { active: 0, backoff: 0, unschedulable: 1 }, 'a filtered-out event does not move it');
  q.moveAllToActiveOrBackoff();
  assert.deepEqual(q.pending(), { active: 0, backoff: 1, unschedulable: 0 }, 'still backing off (1 s)');
  clock.advance(999);
  q.flushBackoffCompleted();
  assert.equal(q.pending().backoff, 1);
  clock.advance(1);
  q.flushBackoffCompleted();
  assert.deepEqual(q.pending(), { active: 1, backoff: 0, unschedulable: 0 });
});

test('an event while the pod was in flight sends a failure to backoff, not to unschedulable', async () => {
  const clock = fakeClock();
  const q = new SchedulingQueue(clock);
  q.add(makePod({ name: 'p' }));
  const info = (await q.pop())!;
  q.moveAllToActiveOrBackoff();
  q.addUnschedulable(info, info.pod, true);
  assert.deepEqual(q.pending(), { active: 0, backoff: 1, unschedulable: 0 });
});

test('unschedulable pods are flushed after 5 minutes', async () => {
  const clock = fakeClock();
  const q = new SchedulingQueue(clock);
  q.add(makePod({ name: 'p' }));
  const info = (await q.pop())!;
  q.addUnschedulable(info, info.pod, true);
  clock.advance(5 * 60_000 - 1);
  q.flushUnschedulableLeftover();
  assert.equal(q.pending().unschedulable, 1);
  clock.advance(1);
  q.flushUnschedulableLeftover();
  assert.deepEqual(q.pending(), { active: 1, backoff: 0, unschedulable: 0 });
});

test('a pending pod deleted from the queue is never popped; pop waits for the next add', async () => {
  const q = new SchedulingQueue(fakeClock());
  const pod = makePod({ name: 'gone' });
  q.add(pod);
  q.delete(pod);
  const next = q.pop();
  q.add(makePod({ name: 'next' }));
  assert.equal((await next)!.pod.metadata!.name, 'next');
  q.close();
  assert.equal(await q.pop(), undefined);
});

test('a status-only update leaves an unschedulable pod waiting; a spec change moves it', async () => {
  const q = new SchedulingQueue(fakeClock());
  q.add(makePod({ name: 'p' }));
  const info = (await q.pop())!;
  q.addUnschedulable(info, info.pod, true);
  q.update({ ...info.pod, status: { conditions: [{ type: 'PodScheduled', status: 'False' }] } }, false);
  assert.equal(q.pending().unschedulable, 1);
  q.update(makePod({ name: 'p', labels: { changed: 'yes' } }), true);
  assert.deepEqual(q.pending(), { active: 0, backoff: 1, unschedulable: 0 });
});
