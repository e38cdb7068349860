// Table-driven tests of the filters NodeUnschedulable, NodeName, TaintToleration, NodeAffinity,
// NodePorts and NodeResourcesFit, with upstream's reasons and codes.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Pod } from '../../api/types.js';
import type { Status } from '../framework.js';
import { makeNode, makePod, nodeInfo } from '../testing.js';
import type { NodeInfo } from '../node-info.js';
import { filterNodeAffinity } from './node-affinity.js';
import { filterNodeName } from './node-name.js';
import { filterNodePorts } from './node-ports.js';
import { filterNodeResourcesFit } from './node-resources-fit.js';
import { filterNodeUnschedulable } from './node-unschedulable.js';
import { filterTaintToleration } from './taint-toleration.js';

interface Case {
  name: string;
  pod: Pod;
  node: NodeInfo;
  want?: Partial<Status>;
}

function run(filter: (pod: Pod, node: NodeInfo) => Status | undefined, cases: Case[]): void {
  for (const c of cases) {
    const got = filter(c.pod, c.node);
    if (!c.want) assert.equal(got, undefined, `${c.name}: expected fit, got ${JSON.stringify(got)}`);
    else assert.deepEqual({ code: got?.code, reasons: got?.reasons }, c.want, c.name);
  }
}

const ctlTaint = { key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' };

test('NodeUnschedulable', () => {
  run(filterNodeUnschedulable, [
    { name: 'schedulable node', pod: makePod(), node: nodeInfo(makeNode('n')) },
    { name: 'cordoned node', pod: makePod(), node: nodeInfo(makeNode('n', { spec: { unschedulable: true } })), want: { code: 'UnschedulableAndUnresolvable', reasons: ['node(s) were unschedulable'] } },
    {
      name: 'cordoned node, pod tolerates the unschedulable taint',
      pod: makePod({ spec: { tolerations: [{ key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoSchedule' }] } }),
      node: nodeInfo(makeNode('n', { spec: { unschedulable: true } })),
    },
  ]);
});

test('NodeName', () => {
  run(filterNodeName, [
    { name: 'no nodeName', pod: makePod(), node: nodeInfo(makeNode('a')) },
    { name: 'same node', pod: makePod({ spec: { nodeName: 'a' } }), node: nodeInfo(makeNode('a')) },
    { name: 'other node', pod: makePod({ spec: { nodeName: 'b' } }), node: nodeInfo(makeNode('a')), want: { code: 'UnschedulableAndUnresolvable', reasons: ["node(s) didn't match the requested node name"] } },
  ]);
});

test('TaintToleration filter', () => {
  const tainted = (taints: any[]) => nodeInfo(makeNode('n', { spec: { taints } }));
  run(filterTaintToleration, [
    { name: 'no taints', pod: makePod(), node: tainted([]) },
    { name: 'NoSchedule untolerated', pod: makePod(), node: tainted([ctlTaint]), want: { code: 'UnschedulableAndUnresolvable', reasons: ['node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }'] } },
    { name: 'NoExecute untolerated with value', pod: makePod(), node: tainted([{ key: 'dedicated', value: 'gpu', effect: 'NoExecute' }]), want: { code: 'UnschedulableAndUnresolvable', reasons: ['node(s) had untolerated taint {dedicated: gpu}'] } },
    { name: 'PreferNoSchedule is not a filter', pod: makePod(), node: tainted([{ key: 'x', effect: 'PreferNoSchedule' }]) },
    { name: 'Exists toleration', pod: makePod({ spec: { tolerations: [{ key: 'node-role.kubernetes.io/control-plane', operator: 'Exists' }] } }), node: tainted([ctlTaint]) },
    { name: 'Equal toleration with matching value', pod: makePod({ spec: { tolerations: [{ key: 'dedicated', value: 'gpu', effect: 'NoExecute' }] } }), node: tainted([{ key: 'dedicated', value: 'gpu', effect: 'NoExecute' }]) },
    {
      name: 'Equal toleration with another value',
      pod: makePod({ spec: { tolerations: [{ key: 'dedicated', value: 'cpu' }] } }),
      node: tainted([{ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }]),
      want: { code: 'UnschedulableAndUnresolvable', reasons: ['node(s) had untolerated taint {dedicated: gpu}'] },
    },
    {
      name: 'toleration of another effect',
      pod: makePod({ spec: { tolerations: [{ key: 'dedicated', operator: 'Exists', effect: 'NoSchedule' }] } }),
      node: tainted([{ key: 'dedicated', value: 'gpu', effect: 'NoExecute' }]),
      want: { code: 'UnschedulableAndUnresolvable', reasons: ['node(s) had untolerated taint {dedicated: gpu}'] },
    },
    { name: 'empty key Exists tolerates everything', pod: makePod({ spec: { tolerations: [{ operator: 'Exists' }] } }), node: tainted([ctlTaint, { key: 'a', value: 'b', effect: 'NoExecute' }]) },
  ]);
});

test('NodeAffinity filter: nodeSelector and required terms', () => {
  const zoneA = nodeInfo(makeNode('a', { labels: { zone: 'a', disk: 'ssd', cores: '8' } }));
  const reason = { code: 'UnschedulableAndUnresolvable' as const, reasons: ["node(s) didn't match Pod's node affinity/selector"] };
  const required = (terms: any[]) => makePod({ spec: { affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: terms } } } } });
  run(filterNodeAffinity, [
    { name: 'no selection', pod: makePod(), node: zoneA },
    { name: 'nodeSelector matches', pod: makePod({ spec: { nodeSelector: { zone: 'a' } } }), node: zoneA },
    { name: 'nodeSelector differs', pod: makePod({ spec: { nodeSelector: { zone: 'b' } } }), node: zoneA, want: reason },
    { name: 'In', pod: required([{ matchExpressions: [{ key: 'zone', operator: 'In', values: ['a', 'b'] }] }]), node: zoneA },
    { name: 'NotIn', pod: required([{ matchExpressions: [{ key: 'zone', operator: 'NotIn', values: ['a'] }] }]), node: zoneA, want: reason },
    { name: 'Exists', pod: required([{ matchExpressions: [{ key: 'disk', operator: 'Exists' }] }]), node: zoneA },
    { name: 'DoesNotExist', pod: required([{ matchExpressions: [{ key: 'disk', operator: 'DoesNotExist' }] }]), node: zoneA, want: reason },
    { name: 'Gt', pod: required([{ matchExpressions: [{ key: 'cores', operator: 'Gt', values: ['4'] }] }]), node: zoneA },
    { name: 'Lt', pod: required([{ matchExpressions: [{ key: 'cores', operator: 'Lt', values: ['4'] }] }]), node: zoneA, want: reason },
    { name: 'terms are ORed', pod: required([{ matchExpressions: [{ key: 'zone', operator: 'In', values: ['z'] }] }, { matchExpressions: [{ key: 'disk', operator: 'In', values: ['ssd'] }] }]), node: zoneA },
    { name: 'expressions are ANDed', pod: required([{ matchExpressions: [{ key: 'zone', operator: 'In', values: ['a'] }, { key: 'disk', operator: 'In', values: ['hdd'] }] }]), node: zoneA, want: reason },
    { name: 'matchFields metadata.name', pod: required([{ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['a'] }] }]), node: zoneA },
    { name: 'empty term matches nothing', pod: required([{}]), node: zoneA, want: reason },
    { name: 'selector and affinity both apply', pod: { ...required([{ matchExpressions: [{ key: 'zone', operator: 'In', values: ['a'] }] }]), spec: { ...required([{ matchExpressions: [{ key: 'zone', operator: 'In', values: ['a'] }] }]).spec!, nodeSelector: { disk: 'hdd' } } }, node: zoneA, want: reason },
  ]);
});

test('NodePorts', () => {
  const withPort = (name: string, hostPort: number, extra: Record<string, string> = {}) =>
    makePod({ name, spec: { containers: [{ name: 'c', image: 'x', ports: [{ containerPort: 80, hostPort, ...extra }] }] } });
  const reason = { code: 'Unschedulable' as const, reasons: ["node(s) didn't have free ports for the requested pod ports"] };
  run(filterNodePorts, [
    { name: 'no host ports', pod: makePod(), node: nodeInfo(makeNode('n'), [withPort('a', 8080)]) },
    { name: 'free port', pod: withPort('b', 8081), node: nodeInfo(makeNode('n'), [withPort('a', 8080)]) },
    { name: 'same port', pod: withPort('b', 8080), node: nodeInfo(makeNode('n'), [withPort('a', 8080)]), want: reason },
    { name: 'same port, other protocol', pod: withPort('b', 8080, { protocol: 'UDP' }), node: nodeInfo(makeNode('n'), [withPort('a', 8080)]) },
    { name: 'same port, two specific IPs', pod: withPort('b', 8080, { hostIP: '10.0.0.2' }), node: nodeInfo(makeNode('n'), [withPort('a', 8080, { hostIP: '10.0.0.1' })]) },
    { name: 'specific IP against 0.0.0.0', pod: withPort('b', 8080, { hostIP: '10.0.0.2' }), node: nodeInfo(makeNode('n'), [withPort('a', 8080)]), want: reason },
  ]);
});

test('NodeResourcesFit filter', () => {
  const node = (pods: Pod[] = [], o = {}) => nodeInfo(makeNode('n', { cpu: '2', memory: '4Gi', pods: '3', ...o }), pods);
  const unsched = (...reasons: string[]) => ({ code: 'Unschedulable' as const, reasons });
  const initPod = (init: any[], main: string) =>
    makePod({ spec: { initContainers: init, containers: [{ name: 'c', image: 'x', resources: { requests: { cpu: main } } }] } });
  run(filterNodeResourcesFit, [
    { name: 'fits', pod: makePod({ cpu: '1', memory: '1Gi' }), node: node() },
    { name: 'exactly the rest', pod: makePod({ cpu: '1' }), node: node([makePod({ name: 'x', cpu: '1' })]) },
    { name: 'cpu', pod: makePod({ cpu: '1500m' }), node: node([makePod({ name: 'x', cpu: '1' })]), want: unsched('Insufficient cpu') },
    { name: 'memory', pod: makePod({ memory: '5Gi' }), node: node(), want: unsched('Insufficient memory') },
    { name: 'cpu and memory', pod: makePod({ cpu: '3', memory: '5Gi' }), node: node(), want: unsched('Insufficient cpu', 'Insufficient memory') },
    { name: 'pods', pod: makePod(), node: node([makePod({ name: 'x' }), makePod({ name: 'y' }), makePod({ name: 'z' })]), want: unsched('Too many pods') },
    { name: 'best-effort pod only needs a slot', pod: makePod(), node: node([makePod({ name: 'x', cpu: '2' })]) },
    { name: 'init container peak counts', pod: initPod([{ name: 'i', image: 'x', resources: { requests: { cpu: '3' } } }], '100m'), node: node(), want: unsched('Insufficient cpu') },
    { name: 'init container below the main sum', pod: initPod([{ name: 'i', image: 'x', resources: { requests: { cpu: '500m' } } }], '1'), node: node() },
    {
      name: 'restartable (sidecar) init container adds to the main containers',
      pod: initPod([{ name: 'i', image: 'x', restartPolicy: 'Always', resources: { requests: { cpu: '1500m' } } }], '1'),
      node: node(),
      want: unsched('Insufficient cpu'),
    },
    { name: 'overhead counts', pod: makePod({ cpu: '1500m', spec: { overhead: { cpu: '600m' } } }), node: node(), want: unsched('Insufficient cpu') },
    { name: 'ephemeral-storage', pod: makePod({ spec: { containers: [{ name: 'c', image: 'x', resources: { requests: { 'ephemeral-storage': '200Gi' } } }] } }), node: node(), want: unsched('Insufficient ephemeral-storage') },
    { name: 'extended resource absent', pod: makePod({ spec: { containers: [{ name: 'c', image: 'x', resources: { requests: { 'example.com/gpu': '1' } } }] } }), node: node(), want: unsched('Insufficient example.com/gpu') },
  ]);
});
