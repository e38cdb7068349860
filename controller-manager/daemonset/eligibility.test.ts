// Unit tests of where a DaemonSet runs: node selector, required affinity, taints against the
// tolerations upstream adds, and the node affinity term that pins a pod.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { DaemonSet, Node } from '../history/types.js';
import { nodeShouldRunDaemonPod } from './eligibility.js';
import { pinToNode, requiredNodeAffinityMatches, targetNodeName } from './node-affinity.js';
import { withDaemonTolerations } from './tolerations.js';

const node = (name: string, labels: Record<string, string> = {}, taints: unknown[] = []): Node => ({ metadata: { name, labels }, spec: { taints } } as Node);
const ds = (spec: Record<string, unknown> = {}): DaemonSet => ({ metadata: { name: 'd' }, spec: { selector: {}, template: { spec: { containers: [], ...spec } } } } as unknown as DaemonSet);

test('nodeSelector and required node affinity select nodes', () => {
  const affinity = { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [
    { matchExpressions: [{ key: 'zone', operator: 'In', values: ['a', 'b'] }, { key: 'gpu', operator: 'DoesNotExist' }] },
    { matchExpressions: [{ key: 'cores', operator: 'Gt', values: ['8'] }] },
  ] } } };
  const d = ds({ nodeSelector: { os: 'linux' }, affinity });
  assert.equal(nodeShouldRunDaemonPod(node('n', { os: 'linux', zone: 'a' }), d).shouldRun, true);
  assert.equal(nodeShouldRunDaemonPod(node('n', { os: 'linux', zone: 'a', gpu: '1' }), d).shouldRun, false);
  assert.equal(nodeShouldRunDaemonPod(node('n', { os: 'linux', cores: '16' }), d).shouldRun, true);
  assert.equal(nodeShouldRunDaemonPod(node('n', { os: 'linux', cores: '4' }), d).shouldRun, false);
  assert.deepEqual(nodeShouldRunDaemonPod(node('n', { zone: 'a' }), d), { shouldRun: false, shouldContinueRunning: false });
  assert.equal(requiredNodeAffinityMatches({ containers: [], affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [] } } } }, node('n')), false);
});

test('taints: NoSchedule stops new pods but keeps running ones, NoExecute evicts, daemon tolerations apply', () => {
  const d = ds();
  assert.deepEqual(nodeShouldRunDaemonPod(node('n', {}, [{ key: 'k', value: 'v', effect: 'NoSchedule' }]), d), { shouldRun: false, shouldContinueRunning: true });
  assert.deepEqual(nodeShouldRunDaemonPod(node('n', {}, [{ key: 'k', effect: 'NoExecute' }]), d), { shouldRun: false, shouldContinueRunning: false });
  for (const key of ['not-ready', 'unreachable']) {
    assert.equal(nodeShouldRunDaemonPod(node('n', {}, [{ key: `node.kubernetes.io/${key}`, effect: 'NoExecute' }]), d).shouldRun, true, key);
  }
  for (const key of ['disk-pressure', 'memory-pressure', 'pid-pressure', 'unschedulable']) {
    assert.equal(nodeShouldRunDaemonPod(node('n', {}, [{ key: `node.kubernetes.io/${key}`, effect: 'NoSchedule' }]), d).shouldRun, true, key);
  }
  const net = [{ key: 'node.kubernetes.io/network-unavailable', effect: 'NoSchedule' }];
  assert.equal(nodeShouldRunDaemonPod(node('n', {}, net), d).shouldRun, false);
  assert.equal(nodeShouldRunDaemonPod(node('n', {}, net), ds({ hostNetwork: true })).shouldRun, true);
  assert.equal(nodeShouldRunDaemonPod(node('n', {}, [{ key: 'k', value: 'v', effect: 'NoSchedule' }]), ds({ tolerations: [{ key: 'k', operator: 'Equal', value: 'v' }] })).shouldRun, true);
  assert.equal(nodeShouldRunDaemonPod(node('other'), ds({ nodeName: 'n' })).shouldRun, false);
});

test('a user toleration equal to a daemon one is replaced, others are kept', () => {
  const t = withDaemonTolerations({ containers: [], tolerations: [
    { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute' },
    { key: 'mine', operator: 'Exists' },
  ] });
  assert.equal(t.length, 7);
  assert.deepEqual(t[0], { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute' });
  assert.deepEqual(t[1], { key: 'mine', operator: 'Exists' });
});

test('pinning replaces the required terms and keeps preferred ones; the node reads back', () => {
  const pinned = pinToNode({ nodeAffinity: {
    requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'zone', operator: 'Exists' }] }] },
    preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 1, preference: { matchExpressions: [{ key: 'ssd', operator: 'Exists' }] } }],
  } }, 'node-7');
  assert.deepEqual(pinned.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms, [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['node-7'] }] }]);
  assert.equal(pinned.nodeAffinity?.preferredDuringSchedulingIgnoredDuringExecution?.length, 1);
  assert.equal(targetNodeName({ containers: [], affinity: pinned }), 'node-7');
  assert.equal(targetNodeName({ containers: [], nodeName: 'bound', affinity: pinned }), 'bound');
  assert.equal(targetNodeName({ containers: [] }), undefined);
});
