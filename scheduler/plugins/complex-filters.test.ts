// Table-driven tests of the filters that look beyond one node: InterPodAffinity,
// PodTopologySpread (DoNotSchedule); VolumeBinding is in volume-binding.test.ts.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Pod } from '../../api/types.js';
import { makeNode, makePod, nodeInfo, snapshotOf } from '../testing.js';
import { filterInterPodAffinity, preFilterInterPodAffinity } from './inter-pod-affinity.js';
import { filterPodTopologySpread, preFilterPodTopologySpread } from './pod-topology-spread.js';

const zone = (z: string) => ({ 'topology.kubernetes.io/zone': z });
const web = (name: string, extra: Partial<NonNullable<Pod['spec']>> = {}) => makePod({ name, labels: { app: 'web' }, spec: extra });
const term = (app: string, topologyKey: string) => ({ labelSelector: { matchLabels: { app } }, topologyKey });

test('InterPodAffinity filter', () => {
  const antiHost = { affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term('web', 'kubernetes.io/hostname')] } } };
  const affinityZone = { affinity: { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term('db', 'topology.kubernetes.io/zone')] } } };
  const cases: { name: string; pod: Pod; nodes: [string, Record<string, string>, Pod[]][]; fits: string[]; reasons?: Record<string, string> }[] = [
    {
      name: 'anti-affinity spreads over hostnames',
      pod: web('new', antiHost),
      nodes: [['a', {}, [web('w1')]], ['b', {}, []]],
      fits: ['b'],
      reasons: { a: "node(s) didn't match pod anti-affinity rules" },
    },
    {
      name: "existing pods' anti-affinity keeps the pod away",
      pod: web('new'),
      nodes: [['a', {}, [web('w1', antiHost)]], ['b', {}, []]],
      fits: ['b'],
      reasons: { a: "node(s) didn't satisfy existing pods anti-affinity rules" },
    },
    {
      name: 'anti-affinity in another namespace does not apply',
      pod: web('new', antiHost),
      nodes: [['a', {}, [makePod({ name: 'w1', namespace: 'other', labels: { app: 'web' } })]]],
      fits: ['a'],
    },
    {
      name: 'affinity follows the zone of a matching pod',
      pod: web('new', affinityZone),
      nodes: [['a', zone('z1'), [makePod({ name: 'db', labels: { app: 'db' } })]], ['b', zone('z1'), []], ['c', zone('z2'), []]],
      fits: ['a', 'b'],
      reasons: { c: "node(s) didn't match pod affinity rules" },
    },
    {
      name: 'affinity with no matching pod anywhere and no self match',
      pod: web('new', affinityZone),
      nodes: [['a', zone('z1'), []]],
      fits: [],
      reasons: { a: "node(s) didn't match pod affinity rules" },
    },
    {
      name: 'the first pod of a self-selecting group may go anywhere with the key',
      pod: makePod({ name: 'db0', labels: { app: 'db' }, spec: affinityZone }),
      nodes: [['a', zone('z1'), []], ['b', {}, []]],
      fits: ['a'],
      reasons: { b: "node(s) didn't match pod affinity rules" },
    },
  ];
  for (const c of cases) {
    const infos = c.nodes.map(([n, labels, pods]) => nodeInfo(makeNode(n, { labels }), pods));
    const snapshot = snapshotOf(infos);
    const state = preFilterInterPodAffinity(c.pod, snapshot);
    const fits = infos.filter((i) => !filterInterPodAffinity(c.pod, i, state, snapshot)).map((i) => i.name);
    assert.deepEqual(fits, c.fits, c.name);
    for (const [node, reason] of Object.entries(c.reasons ?? {})) {
      assert.deepEqual(filterInterPodAffinity(c.pod, infos.find((i) => i.name === node)!, state, snapshot)?.reasons, [reason], `${c.name}: ${node}`);
    }
  }
});

test('PodTopologySpread filter (DoNotSchedule)', () => {
  const spread = (maxSkew: number, key = 'topology.kubernetes.io/zone', extra = {}) =>
    web('new', { topologySpreadConstraints: [{ maxSkew, topologyKey: key, whenUnsatisfiable: 'DoNotSchedule', labelSelector: { matchLabels: { app: 'web' } }, ...extra }] });
  const cases: { name: string; pod: Pod; nodes: [string, Record<string, string>, Pod[]][]; fits: string[]; reasons?: Record<string, string> }[] = [
    { name: 'balanced zones accept either', pod: spread(1), nodes: [['a', zone('z1'), [web('1')]], ['b', zone('z2'), [web('2')]]], fits: ['a', 'b'] },
    {
      name: 'a zone one ahead is refused at maxSkew 1',
      pod: spread(1),
      nodes: [['a', zone('z1'), [web('1')]], ['b', zone('z2'), []]],
      fits: ['b'],
      reasons: { a: "node(s) didn't match pod topology spread constraints" },
    },
    { name: 'maxSkew 2 allows it', pod: spread(2), nodes: [['a', zone('z1'), [web('1')]], ['b', zone('z2'), []]], fits: ['a', 'b'] },
    {
      name: 'a node without the key is unresolvable',
      pod: spread(1),
      nodes: [['a', zone('z1'), []], ['b', {}, []]],
      fits: ['a'],
      reasons: { b: "node(s) didn't match pod topology spread constraints (missing required label)" },
    },
    { name: 'pods of other labels do not count', pod: spread(1), nodes: [['a', zone('z1'), [makePod({ name: 'o', labels: { app: 'db' } })]], ['b', zone('z2'), []]], fits: ['a', 'b'] },
    {
      name: 'nodes the pod cannot select do not define the minimum',
      pod: { ...spread(1), spec: { ...spread(1).spec!, nodeSelector: { pool: 'x' } } },
      nodes: [['a', { ...zone('z1'), pool: 'x' }, [web('1')]], ['b', zone('z2'), []]],
      fits: ['a', 'b'],
    },
    {
      name: 'minDomains above the domain count makes the minimum 0',
      pod: spread(1, 'topology.kubernetes.io/zone', { minDomains: 3 }),
      nodes: [['a', zone('z1'), [web('1')]], ['b', zone('z2'), [web('2')]]],
      fits: [],
    },
  ];
  for (const c of cases) {
    const infos = c.nodes.map(([n, labels, pods]) => nodeInfo(makeNode(n, { labels }), pods));
    const snapshot = snapshotOf(infos);
    const state = preFilterPodTopologySpread(c.pod, snapshot);
    const fits = infos.filter((i) => !filterPodTopologySpread(c.pod, i, state)).map((i) => i.name);
    assert.deepEqual(fits, c.fits, c.name);
    for (const [node, reason] of Object.entries(c.reasons ?? {})) {
      assert.deepEqual(filterPodTopologySpread(c.pod, infos.find((i) => i.name === node)!, state)?.reasons, [reason], `${c.name}: ${node}`);
    }
  }
});
