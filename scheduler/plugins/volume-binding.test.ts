// Table-driven tests of VolumeBinding's decisions: bound claims and their volume's node affinity,
// unbound WaitForFirstConsumer claims (static volumes, provisioning, allowedTopologies, a selected
// node), unbound Immediate claims and missing, terminating, lost or foreign claims.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Pod } from '../../api/types.js';
import { makeNode, makePod, nodeInfo, snapshotOf } from '../testing.js';
import {
  ERR_REASON_BIND_CONFLICT, ERR_REASON_NODE_CONFLICT, ERR_REASON_PV_NOT_EXIST, filterVolumeBinding, findPodVolumes, preFilterVolumeBinding,
} from './volume-binding.js';

const pinnedTo = (node: string) => ({ required: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: [node] }] }] } });
const bound = { 'pv.kubernetes.io/bind-completed': 'yes' };
const claim = (name: string, spec: Record<string, unknown>, annotations?: Record<string, string>, extra: Record<string, unknown> = {}) =>
  ({ metadata: { name, namespace: 'default', uid: `uid-${name}`, annotations, ...extra }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } }, ...spec } });
const volume = (name: string, o: { cls?: string; size?: string; node?: string; phase?: string; claimRef?: Record<string, unknown>; modes?: string[] } = {}) => ({
  metadata: { name },
  spec: {
    storageClassName: o.cls ?? 'local', capacity: { storage: o.size ?? '1Gi' }, accessModes: o.modes ?? ['ReadWriteOnce'],
    ...(o.node ? { nodeAffinity: pinnedTo(o.node) } : {}), ...(o.claimRef ? { claimRef: o.claimRef } : {}),
  },
  status: { phase: o.phase ?? 'Available' },
});

const classes: Record<string, any> = {
  standard: { metadata: { name: 'standard' }, provisioner: 'k8ts.io/host-path', volumeBindingMode: 'WaitForFirstConsumer' },
  local: { metadata: { name: 'local' }, provisioner: 'kubernetes.io/no-provisioner', volumeBindingMode: 'WaitForFirstConsumer' },
  zoned: {
    metadata: { name: 'zoned' }, provisioner: 'k8ts.io/host-path', volumeBindingMode: 'WaitForFirstConsumer',
    allowedTopologies: [{ matchLabelExpressions: [{ key: 'topology.kubernetes.io/zone', values: ['z1'] }] }],
  },
  fast: { metadata: { name: 'fast' }, provisioner: 'k8ts.io/host-path', volumeBindingMode: 'Immediate' },
};

function world(pvcList: any[], pvList: any[]) {
  const infos = [nodeInfo(makeNode('a', { labels: { 'topology.kubernetes.io/zone': 'z1' } })), nodeInfo(makeNode('b', { labels: { 'topology.kubernetes.io/zone': 'z2' } }))];
  const snapshot = snapshotOf(infos, {
    pvc: (ns, n) => pvcList.find((c) => c.metadata.namespace === ns && c.metadata.name === n),
    pv: (n) => pvList.find((v) => v.metadata.name === n),
    storageClass: (n) => classes[n],
    persistentVolumes: () => pvList,
  });
  return { infos, snapshot };
}
const mounting = (...claims: string[]): Pod => makePod({ spec: { volumes: claims.map((c, i) => ({ name: `v${i}`, persistentVolumeClaim: { claimName: c } })) } });

/** Node name -> reasons ([] when it fits). */
function filterAll(pod: Pod, pvcs: any[], pvs: any[]): Record<string, string[]> {
  const { infos, snapshot } = world(pvcs, pvs);
  const pre = preFilterVolumeBinding(pod, snapshot);
  assert.equal(pre.status, undefined);
  return Object.fromEntries(infos.map((i) => [i.name, filterVolumeBinding(i, pre.state!, snapshot)?.reasons ?? []]));
}

test('prefilter: claims that are missing, terminating, lost, unbound immediate or not the pod\'s own', () => {
  const pvcs = [
    claim('going', { volumeName: 'pv1' }, bound, { deletionTimestamp: '2024-01-01T00:00:00Z' }),
    { ...claim('lost', { volumeName: 'gone' }, bound), status: { phase: 'Lost' } },
    claim('immediate', { storageClassName: 'fast' }),
    claim('no-class', { storageClassName: '' }),
    claim('unknown-class', { storageClassName: 'nope' }),
    claim('prebound', { storageClassName: 'standard', volumeName: 'pv1' }),
    claim('p-scratch', { storageClassName: 'standard' }),
  ];
  const { snapshot } = world(pvcs, []);
  const cases: [Pod, string][] = [
    [mounting('nope'), 'persistentvolumeclaim "nope" not found'],
    [mounting('going'), 'persistentvolumeclaim "going" is being deleted'],
    [mounting('lost'), 'persistentvolumeclaim "lost" bound to non-existent persistentvolume "gone"'],
    [mounting('immediate'), 'pod has unbound immediate PersistentVolumeClaims'],
    [mounting('no-class'), 'pod has unbound immediate PersistentVolumeClaims'],
    [mounting('unknown-class'), 'pod has unbound immediate PersistentVolumeClaims'],
    [mounting('prebound'), 'pod has unbound immediate PersistentVolumeClaims'],
    [makePod({ name: 'p', spec: { volumes: [{ name: 'new', ephemeral: { volumeClaimTemplate: { spec: {} } } }] } }), 'waiting for ephemeral volume controller to create the persistentvolumeclaim "p-new"'],
    [makePod({ name: 'p', spec: { volumes: [{ name: 'scratch', ephemeral: { volumeClaimTemplate: { spec: {} } } }] } }), 'PVC default/p-scratch was not created for pod default/p (pod is not owner)'],
  ];
  for (const [pod, message] of cases) assert.deepEqual(preFilterVolumeBinding(pod, snapshot).status, { code: 'UnschedulableAndUnresolvable', reasons: [message] }, message);
  assert.deepEqual(preFilterVolumeBinding(makePod(), snapshot), {}, 'a pod without claims is skipped');
});

test('bound claims: the volume\'s node affinity decides, a missing volume fits nowhere', () => {
  const pvcs = [claim('data', { volumeName: 'pv-a' }, bound), claim('orphan', { volumeName: 'pv-x' }, bound), claim('anywhere', { volumeName: 'pv-any' }, bound)];
  const pvs = [volume('pv-a', { node: 'a', phase: 'Bound' }), volume('pv-any', { phase: 'Bound' })];
  assert.deepEqual(filterAll(mounting('data'), pvcs, pvs), { a: [], b: [ERR_REASON_NODE_CONFLICT] });
  assert.deepEqual(filterAll(mounting('anywhere'), pvcs, pvs), { a: [], b: [] });
  assert.deepEqual(filterAll(mounting('orphan'), pvcs, pvs), { a: [ERR_REASON_PV_NOT_EXIST], b: [ERR_REASON_PV_NOT_EXIST] });
});

test('WaitForFirstConsumer with a provisioner fits every node, and allowedTopologies narrow it', () => {
  const pvcs = [claim('www', { storageClassName: 'standard' }), claim('z', { storageClassName: 'zoned' })];
  assert.deepEqual(filterAll(mounting('www'), pvcs, []), { a: [], b: [] });
  assert.deepEqual(filterAll(mounting('z'), pvcs, []), { a: [], b: [ERR_REASON_BIND_CONFLICT] });
  const { infos, snapshot } = world(pvcs, []);
  const pre = preFilterVolumeBinding(mounting('www'), snapshot);
  const { podVolumes } = findPodVolumes(pre.state!, infos[1]!.node, snapshot);
  assert.deepEqual(podVolumes.dynamicProvisions.map((c) => c.metadata?.name), ['www']);
  assert.deepEqual(podVolumes.staticBindings, []);
});

test('WaitForFirstConsumer without a provisioner needs a matching Available volume on the node', () => {
  const pvcs = [claim('small', { storageClassName: 'local' }), claim('big', { storageClassName: 'local', resources: { requests: { storage: '5Gi' } } }), claim('rwx', { storageClassName: 'local', accessModes: ['ReadWriteMany'] })];
  const pvs = [
    volume('on-b', { node: 'b', size: '10Gi' }),
    volume('on-b-small', { node: 'b', size: '2Gi' }),
    volume('on-a-taken', { node: 'a', size: '10Gi', claimRef: { namespace: 'default', name: 'other', uid: 'uid-other' } }),
    volume('on-a-released', { node: 'a', size: '10Gi', phase: 'Released' }),
    volume('other-class', { node: 'a', cls: 'standard', size: '10Gi' }),
  ];
  assert.deepEqual(filterAll(mounting('small'), pvcs, pvs), { a: [ERR_REASON_BIND_CONFLICT], b: [] });
  assert.deepEqual(filterAll(mounting('rwx'), pvcs, pvs), { a: [ERR_REASON_BIND_CONFLICT], b: [ERR_REASON_BIND_CONFLICT] });
  const { infos, snapshot } = world(pvcs, pvs);
  // The smallest volume that is big enough; two claims never share one.
  const pre = preFilterVolumeBinding(mounting('big', 'small'), snapshot);
  const { podVolumes, reasons } = findPodVolumes(pre.state!, infos[1]!.node, snapshot);
  assert.deepEqual(reasons, []);
  assert.deepEqual(podVolumes.staticBindings.map((b) => `${b.pvc.metadata?.name}->${b.pv.metadata?.name}`), ['small->on-b-small', 'big->on-b']);
  // One volume for two claims: no fit.
  const twoClaims = [claim('x', { storageClassName: 'local' }), claim('y', { storageClassName: 'local' })];
  assert.deepEqual(filterAll(mounting('x', 'y'), twoClaims, [volume('only', { node: 'b' })]), { a: [ERR_REASON_BIND_CONFLICT], b: [ERR_REASON_BIND_CONFLICT] });
});

test('a volume pre-bound to the claim wins, and only on its node', () => {
  const pvcs = [claim('mine', { storageClassName: 'local' })];
  const pvs = [volume('reserved', { node: 'a', phase: 'Available', claimRef: { namespace: 'default', name: 'mine' } }), volume('free', { node: 'b' })];
  assert.deepEqual(filterAll(mounting('mine'), pvcs, pvs), { a: [], b: [ERR_REASON_BIND_CONFLICT] });
});

test('a claim whose provisioning started on a node (selected-node) fits only that node', () => {
  const pvcs = [claim('www', { storageClassName: 'standard' }, { 'volume.kubernetes.io/selected-node': 'b' })];
  assert.deepEqual(filterAll(mounting('www'), pvcs, []), { a: [ERR_REASON_BIND_CONFLICT], b: [] });
});

test('bound and unbound reasons add up in upstream\'s order', () => {
  const pvcs = [claim('data', { volumeName: 'pv-a' }, bound), claim('z', { storageClassName: 'zoned' })];
  assert.deepEqual(filterAll(mounting('data', 'z'), pvcs, [volume('pv-a', { node: 'a', phase: 'Bound' })]), { a: [], b: [ERR_REASON_NODE_CONFLICT, ERR_REASON_BIND_CONFLICT] });
});
