// schedulePod over a snapshot: feasibility, the weighted score, random tie-breaking and nominated pods.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { schedulePod } from './algorithm.js';
import { DEFAULT_PLUGINS } from './plugins/index.js';
import { makeNode, makePod, nodeInfo, snapshotOf } from './testing.js';

const opts = { plugins: DEFAULT_PLUGINS };

test('picks the least loaded feasible node', () => {
  const nodes = [
    nodeInfo(makeNode('busy'), [makePod({ name: 'x', cpu: '3', memory: '6Gi' })]),
    nodeInfo(makeNode('idle')),
    nodeInfo(makeNode('tainted', { spec: { taints: [{ key: 'k', effect: 'NoSchedule' }] } })),
  ];
  const r = schedulePod(makePod({ cpu: '500m', memory: '1Gi' }), snapshotOf(nodes), opts);
  assert.equal(r.kind, 'scheduled');
  assert.equal(r.kind === 'scheduled' && r.nodeName, 'idle');
});

test('no feasible node gives the diagnosis per node', () => {
  const nodes = [nodeInfo(makeNode('a', { cpu: '1' })), nodeInfo(makeNode('b', { spec: { unschedulable: true } }))];
  const r = schedulePod(makePod({ cpu: '2' }), snapshotOf(nodes), opts);
  assert.equal(r.kind, 'unschedulable');
  if (r.kind !== 'unschedulable') return;
  assert.equal(r.numAllNodes, 2);
  assert.deepEqual(r.diagnosis.nodeToStatus.get('a'), { code: 'Unschedulable', reasons: ['Insufficient cpu'], plugin: 'NodeResourcesFit' });
  assert.deepEqual(r.diagnosis.nodeToStatus.get('b'), { code: 'UnschedulableAndUnresolvable', reasons: ['node(s) were unschedulable'], plugin: 'NodeUnschedulable' });
});

test('no nodes at all', () => {
  assert.deepEqual(schedulePod(makePod(), snapshotOf([]), opts), { kind: 'no-nodes' });
});

test('ties are broken at random among the best nodes', () => {
  const nodes = ['a', 'b', 'c'].map((n) => nodeInfo(makeNode(n)));
  const seen = new Set<string>();
  for (const r of [0, 0.4, 0.99]) {
    let i = 0;
    const seq = [r, r, r];
    const result = schedulePod(makePod(), snapshotOf(nodes), { ...opts, random: () => seq[i++ % 3]! });
    if (result.kind === 'scheduled') seen.add(result.nodeName);
  }
  assert.ok(seen.size > 1, `always the same node: ${[...seen]}`);
});

test('pods nominated to a node hold its room against lower-priority pods only', () => {
  const nodes = [nodeInfo(makeNode('a', { cpu: '2' }))];
  const nominated = new Map([['a', [makePod({ name: 'high', cpu: '2', priority: 100 })]]]);
  const low = schedulePod(makePod({ name: 'low', cpu: '1', priority: 0 }), snapshotOf(nodes), { ...opts, nominated });
  assert.equal(low.kind, 'unschedulable');
  const higher = schedulePod(makePod({ name: 'higher', cpu: '1', priority: 200 }), snapshotOf(nodes), { ...opts, nominated });
  assert.equal(higher.kind, 'scheduled');
});
