// Unit tests of the pod status computation (upstream's getPhase and generateAPIPodStatus shapes).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Pod } from '../../api/types.js';
import type { RuntimeContainer } from '../runtime/containers.js';
import { computePodStatus, podPhase, type StatusInput } from './status.js';

const T0 = Date.parse('2026-01-01T00:00:00Z');

function pod(spec: Partial<Pod['spec']> = {}, status: Pod['status'] = {}): Pod {
  return { metadata: { name: 'p', namespace: 'ns', uid: 'u1' }, spec: { containers: [{ name: 'app', image: 'busybox' }], ...spec } as Pod['spec'], status };
}

function rc(name: string, state: RuntimeContainer['state'], extra: Partial<RuntimeContainer> = {}): RuntimeContainer {
  return {
    id: `${name}-${extra.restartCount ?? 0}`,
    name,
    sandbox: false,
    kind: 'app',
    podUid: 'u1',
    podName: 'p',
    podNamespace: 'ns',
    restartCount: 0,
    hash: 'h',
    state,
    createdAtMs: T0,
    startedAtMs: T0 + 1000,
    finishedAtMs: state === 'exited' ? T0 + 2000 : undefined,
    exitCode: state === 'exited' ? 0 : undefined,
    oomKilled: false,
    image: 'busybox',
    imageId: 'sha256:abc',
    ...extra,
  };
}

function input(p: Pod, containers: RuntimeContainer[], extra: Partial<StatusInput> = {}): StatusInput {
  return {
    pod: p,
    containers,
    sandbox: rc('POD', 'running', { sandbox: true, kind: 'sandbox' }),
    waiting: new Map(),
    ready: () => true,
    started: () => true,
    imageIdOf: (id) => `docker://${id}`,
    hostIP: '10.0.0.1',
    podIP: '10.244.0.5',
    nowMs: T0 + 5000,
    ...extra,
  };
}

describe('computePodStatus', () => {
  it('a fresh pod waits in ContainerCreating and is Pending', () => {
    const s = computePodStatus(input(pod(), [], { sandbox: undefined, podIP: undefined }));
    assert.equal(s.phase, 'Pending');
    assert.deepEqual(s.containerStatuses![0]!.state, { waiting: { reason: 'ContainerCreating' } });
    assert.equal(s.conditions!.find((c) => c.type === 'PodReadyToStartContainers')!.status, 'False');
    assert.equal(s.podIP, undefined);
    assert.deepEqual(s.hostIPs, [{ ip: '10.0.0.1' }]);
  });

  it('a running ready container makes the pod Running and Ready', () => {
    const s = computePodStatus(input(pod(), [rc('app', 'running')]));
    assert.equal(s.phase, 'Running');
    const cs = s.containerStatuses![0]!;
    assert.deepEqual(cs.state, { running: { startedAt: '2026-01-01T00:00:01Z' } });
    assert.equal(cs.ready, true);
    assert.equal(cs.started, true);
    assert.equal(cs.containerID, 'docker://app-0');
    assert.equal(cs.imageID, 'docker://sha256:abc');
    assert.deepEqual(s.conditions!.map((c) => `${c.type}=${c.status}`), ['PodReadyToStartContainers=True', 'Initialized=True', 'Ready=True', 'ContainersReady=True', 'PodScheduled=True']);
    assert.deepEqual(s.podIPs, [{ ip: '10.244.0.5' }]);
  });

  it('not ready: ContainersNotReady with the container names', () => {
    const s = computePodStatus(input(pod(), [rc('app', 'running')], { ready: () => false }));
    const ready = s.conditions!.find((c) => c.type === 'Ready')!;
    assert.equal(ready.status, 'False');
    assert.equal(ready.reason, 'ContainersNotReady');
    assert.equal(ready.message, 'containers with unready status: [app]');
  });

  it('crash loop: waiting CrashLoopBackOff with the dead instance as lastState, pod Running', () => {
    const dead = rc('app', 'exited', { exitCode: 1, restartCount: 3 });
    const s = computePodStatus(input(pod(), [dead], { waiting: new Map([['app', { reason: 'CrashLoopBackOff', message: 'back-off 40s restarting failed container=app pod=p_ns(u1)' }]]) }));
    const cs = s.containerStatuses![0]!;
    assert.equal(cs.state!.waiting!.reason, 'CrashLoopBackOff');
    assert.equal(cs.lastState!.terminated!.exitCode, 1);
    assert.equal(cs.lastState!.terminated!.reason, 'Error');
    assert.equal(cs.restartCount, 3);
    assert.equal(s.phase, 'Running');
  });

  it('OOMKilled and Completed reasons; Succeeded and Failed phases by restart policy', () => {
    const oom = computePodStatus(input(pod({ restartPolicy: 'Never' }), [rc('app', 'exited', { exitCode: 137, oomKilled: true })]));
    assert.equal(oom.containerStatuses![0]!.state!.terminated!.reason, 'OOMKilled');
    assert.equal(oom.phase, 'Failed');
    const done = computePodStatus(input(pod({ restartPolicy: 'OnFailure' }), [rc('app', 'exited')]));
    assert.equal(done.containerStatuses![0]!.state!.terminated!.reason, 'Completed');
    assert.equal(done.phase, 'Succeeded');
    assert.equal(done.conditions!.find((c) => c.type === 'Ready')!.reason, 'PodCompleted');
  });

  it('init containers: PodInitializing, ContainersNotInitialized, then Initialized', () => {
    const p = pod({ initContainers: [{ name: 'i1', image: 'busybox' }, { name: 'i2', image: 'busybox' }] });
    const s = computePodStatus(input(p, [rc('i1', 'running', { kind: 'init' })]));
    assert.equal(s.phase, 'Pending');
    assert.equal(s.initContainerStatuses![1]!.state!.waiting!.reason, 'PodInitializing');
    assert.equal(s.containerStatuses![0]!.state!.waiting!.reason, 'PodInitializing');
    const init = s.conditions!.find((c) => c.type === 'Initialized')!;
    assert.equal(init.reason, 'ContainersNotInitialized');
    assert.equal(init.message, 'containers with incomplete status: [i1 i2]');
    const s2 = computePodStatus(input(p, [rc('app', 'running'), rc('i2', 'exited', { kind: 'init' }), rc('i1', 'exited', { kind: 'init' })]));
    assert.equal(s2.conditions!.find((c) => c.type === 'Initialized')!.status, 'True');
    assert.equal(s2.phase, 'Running');
  });

  it('a failed init container fails a restartPolicy Never pod', () => {
    const p = pod({ restartPolicy: 'Never', initContainers: [{ name: 'i1', image: 'busybox' }] });
    assert.equal(computePodStatus(input(p, [rc('i1', 'exited', { kind: 'init', exitCode: 2 })])).phase, 'Failed');
  });

  it('keeps lastTransitionTime of unchanged conditions, startTime, qosClass, PodScheduled', () => {
    const old = computePodStatus(input(pod(), [rc('app', 'running')]));
    const p = pod({}, { ...old, qosClass: 'BestEffort', conditions: [...old.conditions!.filter((c) => c.type !== 'PodScheduled'), { type: 'PodScheduled', status: 'True', lastTransitionTime: '2025-01-01T00:00:00Z' }] });
    const again = computePodStatus(input(p, [rc('app', 'running')], { nowMs: T0 + 60_000 }));
    assert.deepEqual(again.conditions, p.status!.conditions!.map((c) => c).sort((a, b) => ['PodReadyToStartContainers', 'Initialized', 'Ready', 'ContainersReady', 'PodScheduled'].indexOf(a.type) - ['PodReadyToStartContainers', 'Initialized', 'Ready', 'ContainersReady', 'PodScheduled'].indexOf(b.type)));
    assert.equal(again.startTime, old.startTime);
    assert.equal(again.qosClass, 'BestEffort');
  });

  it('a terminal decision wins (DeadlineExceeded)', () => {
    const s = computePodStatus(input(pod(), [rc('app', 'exited', { exitCode: 137 })], { terminal: { phase: 'Failed', reason: 'DeadlineExceeded', message: 'Pod was active on the node longer than the specified deadline' } }));
    assert.equal(s.phase, 'Failed');
    assert.equal(s.reason, 'DeadlineExceeded');
  });
});

describe('podPhase', () => {
  it('Always keeps a pod with stopped containers Running', () => {
    const p = pod({ restartPolicy: 'Always' });
    assert.equal(podPhase(p, [], [{ name: 'app', ready: false, restartCount: 1, image: '', imageID: '', state: { terminated: { exitCode: 0 } } }]), 'Running');
  });
  it('a missing status is Pending', () => {
    assert.equal(podPhase(pod(), [], []), 'Pending');
  });
});
