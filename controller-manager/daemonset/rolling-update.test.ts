// Unit tests of the DaemonSet rolling update plan: maxUnavailable (counts and percentages) and maxSurge.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { DaemonSet, Node, Pod } from '../history/types.js';
import { groupByNode } from './node-pods.js';
import { planRollingUpdate } from './rolling-update.js';

const NOW = Date.parse('2026-01-01T00:10:00Z');
const nodes = (n: number): Node[] => Array.from({ length: n }, (_, i) => ({ metadata: { name: `n${i}` }, spec: {} } as Node));
const ds = (rollingUpdate: Record<string, unknown>): DaemonSet => ({
  metadata: { name: 'd' }, spec: { selector: {}, updateStrategy: { type: 'RollingUpdate', rollingUpdate }, template: { spec: { containers: [] } } },
} as unknown as DaemonSet);
const pod = (name: string, node: string, hash: string, ready: boolean, created = '2026-01-01T00:00:00Z'): Pod => ({
  metadata: { name, labels: { 'controller-revision-hash': hash }, creationTimestamp: created },
  spec: { nodeName: node, containers: [] },
  status: { phase: 'Running', conditions: [{ type: 'Ready', status: ready ? 'True' : 'False', lastTransitionTime: '2026-01-01T00:00:00Z' }] },
} as Pod);

test('maxUnavailable bounds the old pods deleted at once, unavailable new pods count against it', () => {
  const old = nodes(4).map((n, i) => pod(`p${i}`, n.metadata!.name!, 'old', true));
  assert.equal(planRollingUpdate(ds({ maxUnavailable: 1, maxSurge: 0 }), nodes(4), groupByNode(old), 'new', NOW).podsToDelete.length, 1);
  assert.equal(planRollingUpdate(ds({ maxUnavailable: '50%', maxSurge: 0 }), nodes(4), groupByNode(old), 'new', NOW).podsToDelete.length, 2);
  const oneNewNotReady = [pod('p0', 'n0', 'new', false), ...old.slice(1)];
  assert.deepEqual(planRollingUpdate(ds({ maxUnavailable: 1, maxSurge: 0 }), nodes(4), groupByNode(oneNewNotReady), 'new', NOW).podsToDelete, []);
  // An old pod that is not available anyway is replaced without using the budget.
  const oneOldBroken = [pod('p0', 'n0', 'old', false), ...old.slice(1)];
  assert.deepEqual(planRollingUpdate(ds({ maxUnavailable: 1, maxSurge: 0 }), nodes(4), groupByNode(oneOldBroken), 'new', NOW).podsToDelete, ['p0']);
});

test('maxSurge starts new pods beside old ones and retires old pods once the new one is available', () => {
  const old = nodes(3).map((n, i) => pod(`p${i}`, n.metadata!.name!, 'old', true));
  const first = planRollingUpdate(ds({ maxUnavailable: 0, maxSurge: 1 }), nodes(3), groupByNode(old), 'new', NOW);
  assert.deepEqual(first, { podsToDelete: [], nodesToCreate: ['n0'], maxUnavailable: 0, maxSurge: 1 });
  const surging = [...old, pod('q0', 'n0', 'new', false, '2026-01-01T00:05:00Z')];
  assert.deepEqual(planRollingUpdate(ds({ maxUnavailable: 0, maxSurge: 1 }), nodes(3), groupByNode(surging), 'new', NOW).nodesToCreate, []);
  const replaced = [...old, pod('q0', 'n0', 'new', true, '2026-01-01T00:05:00Z')];
  const next = planRollingUpdate(ds({ maxUnavailable: 0, maxSurge: 1 }), nodes(3), groupByNode(replaced), 'new', NOW);
  assert.deepEqual(next.podsToDelete, ['p0']);
  assert.deepEqual(next.nodesToCreate, ['n1']);
});
