// The cache: assumed pods hold their slot until the informer confirms, a failed binding frees it.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SchedulerCache } from './cache.js';
import { makeNode, makePod } from './testing.js';

const lookups = { pvc: () => undefined, pv: () => undefined, namespaceLabels: () => undefined };

test('assume, confirm and forget', () => {
  const cache = new SchedulerCache();
  cache.addNode(makeNode('a', { cpu: '2' }));
  const pod = makePod({ name: 'p', cpu: '1' });
  cache.assume(pod, 'a');
  assert.equal(cache.snapshot(lookups).get('a')!.requested.milliCPU, 1000);
  assert.ok(cache.isAssumed(pod));
  // The informer shows the binding: same pod, no double count.
  cache.addOrUpdatePod({ ...pod, spec: { ...pod.spec!, nodeName: 'a' } });
  assert.equal(cache.snapshot(lookups).get('a')!.requested.milliCPU, 1000);
  assert.equal(cache.isAssumed(pod), false);
  // A second pod assumed and its binding failed: the slot is free again.
  const other = makePod({ name: 'q', cpu: '1' });
  cache.assume(other, 'a');
  assert.equal(cache.snapshot(lookups).get('a')!.requested.milliCPU, 2000);
  cache.forget(other);
  assert.equal(cache.snapshot(lookups).get('a')!.requested.milliCPU, 1000);
});

test('terminal and deleted pods leave; pods of unknown nodes wait for the node', () => {
  const cache = new SchedulerCache();
  const pod = makePod({ name: 'p', cpu: '1', spec: { nodeName: 'late' } });
  cache.addOrUpdatePod(pod);
  assert.equal(cache.snapshot(lookups).list().length, 0);
  cache.addNode(makeNode('late'));
  assert.equal(cache.snapshot(lookups).get('late')!.pods.size, 1);
  cache.addOrUpdatePod({ ...pod, status: { phase: 'Succeeded' } });
  assert.equal(cache.snapshot(lookups).get('late')!.pods.size, 0);
  cache.addOrUpdatePod(pod);
  cache.removePod(pod);
  assert.equal(cache.snapshot(lookups).get('late')!.requested.milliCPU, 0);
});
