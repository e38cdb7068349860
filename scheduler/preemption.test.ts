// Preemption's choice of node and victims, and its messages when it cannot help.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { findFeasibleNodes } from './algorithm.js';
import { fitErrorMessage } from './fit-error.js';
import { DEFAULT_PLUGINS } from './plugins/index.js';
import { preempt } from './preemption.js';
import { makeNode, makePod, nodeInfo, snapshotOf } from './testing.js';
import type { Pod } from '../api/types.js';

function run(pod: Pod, nodes: ReturnType<typeof nodeInfo>[]) {
  const snapshot = snapshotOf(nodes);
  const { diagnosis } = findFeasibleNodes(pod, snapshot, { plugins: DEFAULT_PLUGINS });
  return preempt(pod, snapshot, diagnosis.nodeToStatus, DEFAULT_PLUGINS);
}

test('evicts the fewest lower-priority pods on one node', () => {
  const high = makePod({ name: 'high', cpu: '2', priority: 1000 });
  const result = run(high, [
    nodeInfo(makeNode('a', { cpu: '2' }), [makePod({ name: 'a1', cpu: '1', priority: 0 }), makePod({ name: 'a2', cpu: '1', priority: 0 })]),
    nodeInfo(makeNode('b', { cpu: '2' }), [makePod({ name: 'b1', cpu: '2', priority: 0 })]),
  ]);
  assert.equal(result.kind, 'preempt');
  if (result.kind !== 'preempt') return;
  assert.equal(result.nodeName, 'b');
  assert.deepEqual(result.victims.map((v) => v.metadata?.name), ['b1']);
});

test('keeps pods that need not go (reprieve) and never touches equal or higher priority', () => {
  const pod = makePod({ name: 'p', cpu: '1', priority: 100 });
  const result = run(pod, [
    nodeInfo(makeNode('a', { cpu: '3' }), [
      makePod({ name: 'same', cpu: '1', priority: 100 }),
      makePod({ name: 'low1', cpu: '1', priority: 1 }),
      makePod({ name: 'low0', cpu: '1', priority: 0 }),
    ]),
  ]);
  assert.equal(result.kind, 'preempt');
  if (result.kind !== 'preempt') return;
  // The higher of the lower pods is reprieved first; the lowest goes.
  assert.deepEqual(result.victims.map((v) => v.metadata?.name), ['low0']);
});

test('prefers the node whose most important victim is least important', () => {
  const pod = makePod({ name: 'p', cpu: '1', priority: 100 });
  const result = run(pod, [
    nodeInfo(makeNode('a', { cpu: '1' }), [makePod({ name: 'a1', cpu: '1', priority: 50 })]),
    nodeInfo(makeNode('b', { cpu: '1' }), [makePod({ name: 'b1', cpu: '500m', priority: 10 }), makePod({ name: 'b2', cpu: '500m', priority: 10 })]),
  ]);
  assert.equal(result.kind === 'preempt' && result.nodeName, 'b');
});

test('messages when preemption cannot help', () => {
  const taint = { key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' };
  const pod = makePod({ name: 'p', cpu: '2', priority: 0 });
  const nodes = [
    nodeInfo(makeNode('a', { cpu: '1' })),
    nodeInfo(makeNode('b', { spec: { taints: [taint] } })),
    nodeInfo(makeNode('c', { spec: { taints: [taint] } })),
  ];
  const snapshot = snapshotOf(nodes);
  const { diagnosis } = findFeasibleNodes(pod, snapshot, { plugins: DEFAULT_PLUGINS });
  const result = preempt(pod, snapshot, diagnosis.nodeToStatus, DEFAULT_PLUGINS);
  assert.equal(result.kind, 'failed');
  const message = fitErrorMessage(3, { ...diagnosis, postFilterMsg: result.kind === 'failed' ? `preemption: ${result.message}` : '' });
  assert.equal(
    message,
    '0/3 nodes are available: 1 Insufficient cpu, 2 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }. preemption: 0/3 nodes are available: 1 No preemption victims found for incoming pod, 2 Preemption is not helpful for scheduling.',
  );
  const never = makePod({ name: 'n', cpu: '2', priority: 10, spec: { preemptionPolicy: 'Never' } });
  assert.deepEqual(preempt(never, snapshot, diagnosis.nodeToStatus, DEFAULT_PLUGINS), { kind: 'failed', message: 'not eligible due to preemptionPolicy=Never.' });
});

test('a pod that would not fit even on an emptied node gets that node\'s reason', () => {
  const pod = makePod({ name: 'p', cpu: '8', priority: 100 });
  const result = run(pod, [nodeInfo(makeNode('a', { cpu: '2' }), [makePod({ name: 'x', cpu: '1', priority: 0 })])]);
  assert.deepEqual(result, { kind: 'failed', message: '0/1 nodes are available: 1 Insufficient cpu.' });
});
