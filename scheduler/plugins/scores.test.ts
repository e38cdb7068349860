// Table-driven tests of every score: LeastAllocated, BalancedAllocation, NodeAffinity,
// TaintToleration, InterPodAffinity and PodTopologySpread (ScheduleAnyway), raw and normalised.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Pod } from '../../api/types.js';
import { makeNode, makePod, nodeInfo, snapshotOf } from '../testing.js';
import { scoreBalancedAllocation } from './balanced-allocation.js';
import { normalizeInterPodAffinity, preScoreInterPodAffinity, scoreInterPodAffinity } from './inter-pod-affinity.js';
import { nodeAffinity, scoreNodeAffinity } from './node-affinity.js';
import { scoreLeastAllocated } from './node-resources-fit.js';
import { podTopologySpread } from './pod-topology-spread.js';
import { countIntolerableTaints, taintToleration } from './taint-toleration.js';
import type { NodeInfo } from '../node-info.js';

test('LeastAllocated: the mean free share of cpu and memory after placement', () => {
  const cases: { name: string; pod: Pod; node: NodeInfo; want: number }[] = [
    { name: 'empty node, pod takes half of each', pod: makePod({ cpu: '2', memory: '4Gi' }), node: nodeInfo(makeNode('n', { cpu: '4', memory: '8Gi' })), want: 50 },
    { name: 'cpu 3/4 used, memory 1/4', pod: makePod({ cpu: '3', memory: '2Gi' }), node: nodeInfo(makeNode('n', { cpu: '4', memory: '8Gi' })), want: Math.trunc((25 + 75) / 2) },
    { name: 'best-effort pod counts as 100m / 200Mi', pod: makePod(), node: nodeInfo(makeNode('n', { cpu: '1', memory: '2000Mi' })), want: Math.trunc((90 + 90) / 2) },
    { name: 'over capacity scores 0 for that resource', pod: makePod({ cpu: '5', memory: '4Gi' }), node: nodeInfo(makeNode('n', { cpu: '4', memory: '8Gi' })), want: 25 },
    { name: 'existing pods count', pod: makePod({ cpu: '1', memory: '2Gi' }), node: nodeInfo(makeNode('n', { cpu: '4', memory: '8Gi' }), [makePod({ name: 'x', cpu: '1', memory: '2Gi' })]), want: 50 },
  ];
  for (const c of cases) assert.equal(scoreLeastAllocated(c.pod, c.node), c.want, c.name);
});

test('BalancedAllocation: (1 - |cpu fraction - memory fraction| / 2) * 100', () => {
  const cases: { name: string; pod: Pod; node: NodeInfo; want: number }[] = [
    { name: 'equal fractions', pod: makePod({ cpu: '2', memory: '4Gi' }), node: nodeInfo(makeNode('n', { cpu: '4', memory: '8Gi' })), want: 100 },
    { name: 'cpu 1/2, memory 0', pod: makePod({ cpu: '2' }), node: nodeInfo(makeNode('n', { cpu: '4', memory: '8Gi' })), want: 75 },
    { name: 'fractions capped at 1', pod: makePod({ cpu: '8', memory: '0' }), node: nodeInfo(makeNode('n', { cpu: '4', memory: '8Gi' })), want: 50 },
    { name: 'existing pods count', pod: makePod({ memory: '4Gi' }), node: nodeInfo(makeNode('n', { cpu: '4', memory: '8Gi' }), [makePod({ name: 'x', cpu: '2' })]), want: 100 },
  ];
  for (const c of cases) assert.equal(scoreBalancedAllocation(c.pod, c.node), c.want, c.name);
});

test('NodeAffinity score: preferred weights, normalised to 100 for the best', () => {
  const pod = makePod({
    spec: {
      affinity: {
        nodeAffinity: {
          preferredDuringSchedulingIgnoredDuringExecution: [
            { weight: 10, preference: { matchExpressions: [{ key: 'disk', operator: 'In', values: ['ssd'] }] } },
            { weight: 30, preference: { matchExpressions: [{ key: 'zone', operator: 'In', values: ['a'] }] } },
          ],
        },
      },
    },
  });
  const nodes = [
    nodeInfo(makeNode('both', { labels: { disk: 'ssd', zone: 'a' } })),
    nodeInfo(makeNode('zone', { labels: { zone: 'a' } })),
    nodeInfo(makeNode('disk', { labels: { disk: 'ssd' } })),
    nodeInfo(makeNode('none')),
  ];
  const raw = nodes.map((n) => scoreNodeAffinity(pod, n));
  assert.deepEqual(raw, [40, 30, 10, 0]);
  nodeAffinity.normalize!(raw, pod, nodes, undefined);
  assert.deepEqual(raw, [100, 75, 25, 0]);
});

test('TaintToleration score: fewer untolerated PreferNoSchedule taints score higher', () => {
  const prefer = (key: string) => ({ key, effect: 'PreferNoSchedule' });
  const pod = makePod({ spec: { tolerations: [{ key: 'tolerated', operator: 'Exists', effect: 'PreferNoSchedule' }, { key: 'ns-only', operator: 'Exists', effect: 'NoSchedule' }] } });
  const nodes = [
    nodeInfo(makeNode('clean')),
    nodeInfo(makeNode('tolerated', { spec: { taints: [prefer('tolerated')] } })),
    nodeInfo(makeNode('one', { spec: { taints: [prefer('x')] } })),
    nodeInfo(makeNode('two', { spec: { taints: [prefer('x'), prefer('ns-only')] } })),
  ];
  const raw = nodes.map((n) => countIntolerableTaints(pod, n));
  assert.deepEqual(raw, [0, 0, 1, 2]);
  taintToleration.normalize!(raw, pod, nodes, undefined);
  assert.deepEqual(raw, [100, 100, 50, 0]);
});

test('InterPodAffinity score: preferred affinity and anti-affinity by domain, min-max normalised', () => {
  const termFor = (app: string, weight: number) => ({ weight, podAffinityTerm: { labelSelector: { matchLabels: { app } }, topologyKey: 'zone' } });
  const pod = makePod({
    name: 'new',
    spec: { affinity: { podAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [termFor('cache', 50)] }, podAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [termFor('batch', 20)] } } },
  });
  const nodes = [
    nodeInfo(makeNode('a', { labels: { zone: 'z1' } }), [makePod({ name: 'c', labels: { app: 'cache' } })]),
    nodeInfo(makeNode('b', { labels: { zone: 'z2' } }), [makePod({ name: 'b', labels: { app: 'batch' } })]),
    nodeInfo(makeNode('c', { labels: { zone: 'z1' } })),
    nodeInfo(makeNode('d', { labels: { zone: 'z3' } })),
  ];
  const state = preScoreInterPodAffinity(pod, snapshotOf(nodes));
  const raw = nodes.map((n) => scoreInterPodAffinity(n, state));
  assert.deepEqual(raw, [50, -20, 50, 0]);
  normalizeInterPodAffinity(raw);
  assert.deepEqual(raw, [100, 0, 100, Math.trunc((100 * 20) / 70)]);

  // Existing pods' preferred anti-affinity pushes the incoming pod away too.
  const shy = makePod({ name: 'shy', spec: { affinity: { podAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [termFor('web', 10)] } } } });
  const webPod = makePod({ name: 'w', labels: { app: 'web' } });
  const nodes2 = [nodeInfo(makeNode('a', { labels: { zone: 'z1' } }), [shy]), nodeInfo(makeNode('b', { labels: { zone: 'z2' } }))];
  const state2 = preScoreInterPodAffinity(webPod, snapshotOf(nodes2));
  assert.deepEqual(nodes2.map((n) => scoreInterPodAffinity(n, state2)), [-10, 0]);
});

test('PodTopologySpread score (ScheduleAnyway): fewer matching pods in the domain score higher', () => {
  const pod = makePod({
    name: 'new',
    labels: { app: 'web' },
    spec: { topologySpreadConstraints: [{ maxSkew: 1, topologyKey: 'zone', whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels: { app: 'web' } } }] },
  });
  const web = (n: string) => makePod({ name: n, labels: { app: 'web' } });
  const nodes = [
    nodeInfo(makeNode('a', { labels: { zone: 'z1' } }), [web('1'), web('2')]),
    nodeInfo(makeNode('b', { labels: { zone: 'z2' } }), [web('3')]),
    nodeInfo(makeNode('c', { labels: { zone: 'z3' } })),
    nodeInfo(makeNode('nolabel')),
  ];
  const snapshot = snapshotOf(nodes);
  const state = podTopologySpread.preScore!(pod, nodes, snapshot);
  const raw = nodes.map((n) => podTopologySpread.score!(pod, n, state, snapshot));
  const w = Math.log(3 + 2);
  assert.deepEqual(raw, [Math.round(2 * w), Math.round(w), 0, 0]);
  podTopologySpread.normalize!(raw, pod, nodes, state);
  const max = Math.round(2 * w);
  assert.deepEqual(raw, [Math.trunc((100 * (max + 0 - max)) / max), Math.trunc((100 * (max - Math.round(w))) / max), 100, 0]);

  // Without ScheduleAnyway constraints the plugin gives nothing.
  const plain = makePod({ name: 'plain' });
  const s2 = podTopologySpread.preScore!(plain, nodes, snapshot);
  const r2 = nodes.map((n) => podTopologySpread.score!(plain, n, s2, snapshot));
  podTopologySpread.normalize!(r2, plain, nodes, s2);
  assert.deepEqual(r2, [0, 0, 0, 0]);
});
