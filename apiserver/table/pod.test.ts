// Unit tests of the Pod printer: STATUS, READY and RESTARTS as upstream printPod computes them.
// Pure: a fixed `now`, no clock, no I/O.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Pod } from 'kubernetes-types/core/v1.js';
import { podPrinter, podSummary } from './pod.js';

const now = new Date('2024-05-01T12:00:00Z');

function pod(p: Partial<Pod> & { status?: Pod['status']; spec?: Pod['spec'] }): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'web-1', namespace: 'default', creationTimestamp: '2024-05-01T11:00:00Z', ...(p.metadata ?? {}) },
    spec: p.spec ?? { containers: [{ name: 'app', image: 'nginx' }] },
    status: p.status,
  };
}

test('a running pod with a restart prints ready count and "(5m ago)"', () => {
  const p = pod({
    spec: { containers: [{ name: 'app', image: 'nginx' }, { name: 'side', image: 'busybox' }], nodeName: 'node-1' },
    status: {
      phase: 'Running',
      podIPs: [{ ip: '10.244.1.5' }],
      conditions: [{ type: 'Ready', status: 'True' }],
      containerStatuses: [
        { name: 'app', image: 'nginx', imageID: '', ready: true, restartCount: 0, state: { running: { startedAt: '2024-05-01T11:00:05Z' } } },
        {
          name: 'side',
          image: 'busybox',
          imageID: '',
          ready: true,
          restartCount: 3,
          state: { running: { startedAt: '2024-05-01T11:55:01Z' } },
          lastState: { terminated: { exitCode: 1, finishedAt: '2024-05-01T11:55:00Z' } },
        },
      ],
    },
  });
  assert.deepEqual(podPrinter.cells(p, { now }), ['web-1', '2/2', 'Running', '3 (5m ago)', '60m', '10.244.1.5', 'node-1', '<none>', '<none>']);
});

test('pod STATUS follows upstream printPod', () => {
  const cases: [string, Pod, string, string][] = [
    ['pending, unscheduled', pod({ status: { phase: 'Pending' } }), 'Pending', '0/1'],
    [
      'container creating',
      pod({ status: { phase: 'Pending', containerStatuses: [{ name: 'app', image: 'nginx', imageID: '', ready: false, restartCount: 0, state: { waiting: { reason: 'ContainerCreating' } } }] } }),
      'ContainerCreating',
      '0/1',
    ],
    [
      'crash loop',
      pod({
        status: {
          phase: 'Running',
          containerStatuses: [{ name: 'app', image: 'nginx', imageID: '', ready: false, restartCount: 4, state: { waiting: { reason: 'CrashLoopBackOff' } } }],
        },
      }),
      'CrashLoopBackOff',
      '0/1',
    ],
    [
      'completed',
      pod({
        status: {
          phase: 'Succeeded',
          containerStatuses: [{ name: 'app', image: 'nginx', imageID: '', ready: false, restartCount: 0, state: { terminated: { exitCode: 0, reason: 'Completed' } } }],
        },
      }),
      'Completed',
      '0/1',
    ],
    [
      'error exit without reason',
      pod({ status: { phase: 'Failed', containerStatuses: [{ name: 'app', image: 'nginx', imageID: '', ready: false, restartCount: 0, state: { terminated: { exitCode: 2 } } }] } }),
      'ExitCode:2',
      '0/1',
    ],
    [
      'init container running',
      pod({
        spec: { initContainers: [{ name: 'init', image: 'busybox' }], containers: [{ name: 'app', image: 'nginx' }] },
        status: {
          phase: 'Pending',
          initContainerStatuses: [{ name: 'init', image: 'busybox', imageID: '', ready: false, restartCount: 0, state: { running: {} } }],
          containerStatuses: [{ name: 'app', image: 'nginx', imageID: '', ready: false, restartCount: 0, state: { waiting: { reason: 'PodInitializing' } } }],
        },
      }),
      'Init:0/1',
      '0/1',
    ],
    [
      'init container crash looping',
      pod({
        spec: { initContainers: [{ name: 'init', image: 'busybox' }], containers: [{ name: 'app', image: 'nginx' }] },
        status: {
          phase: 'Pending',
          initContainerStatuses: [{ name: 'init', image: 'busybox', imageID: '', ready: false, restartCount: 2, state: { waiting: { reason: 'CrashLoopBackOff' } } }],
        },
      }),
      'Init:CrashLoopBackOff',
      '0/1',
    ],
    [
      'init container failed',
      pod({
        spec: { initContainers: [{ name: 'init', image: 'busybox' }], containers: [{ name: 'app', image: 'nginx' }] },
        status: {
          phase: 'Pending',
          initContainerStatuses: [{ name: 'init', image: 'busybox', imageID: '', ready: false, restartCount: 0, state: { terminated: { exitCode: 1, reason: 'Error' } } }],
        },
      }),
      'Init:Error',
      '0/1',
    ],
    [
      'terminating',
      pod({
        metadata: { name: 'web-1', deletionTimestamp: '2024-05-01T11:59:00Z', creationTimestamp: '2024-05-01T11:00:00Z' },
        status: { phase: 'Running', containerStatuses: [{ name: 'app', image: 'nginx', imageID: '', ready: true, restartCount: 0, state: { running: {} } }] },
      }),
      'Terminating',
      '1/1',
    ],
    [
      'node lost',
      pod({ metadata: { name: 'web-1', deletionTimestamp: '2024-05-01T11:59:00Z' }, status: { phase: 'Running', reason: 'NodeLost' } }),
      'Unknown',
      '0/1',
    ],
    [
      'scheduling gated',
      pod({ status: { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'False', reason: 'SchedulingGated' }] } }),
      'SchedulingGated',
      '0/1',
    ],
    [
      'completed container with a running one and no Ready condition',
      pod({
        spec: { containers: [{ name: 'a', image: 'x' }, { name: 'b', image: 'y' }] },
        status: {
          phase: 'Running',
          containerStatuses: [
            { name: 'a', image: 'x', imageID: '', ready: false, restartCount: 0, state: { terminated: { exitCode: 0, reason: 'Completed' } } },
            { name: 'b', image: 'y', imageID: '', ready: true, restartCount: 0, state: { running: {} } },
          ],
        },
      }),
      'NotReady',
      '1/2',
    ],
    [
      'sidecar (restartable init container) counts towards READY',
      pod({
        spec: { initContainers: [{ name: 'proxy', image: 'envoy', restartPolicy: 'Always' }], containers: [{ name: 'app', image: 'nginx' }] },
        status: {
          phase: 'Running',
          conditions: [{ type: 'Initialized', status: 'True' }],
          initContainerStatuses: [{ name: 'proxy', image: 'envoy', imageID: '', ready: true, started: true, restartCount: 0, state: { running: {} } }],
          containerStatuses: [{ name: 'app', image: 'nginx', imageID: '', ready: true, restartCount: 0, state: { running: {} } }],
        },
      }),
      'Running',
      '2/2',
    ],
  ];
  for (const [what, p, status, ready] of cases) {
    const s = podSummary(p, now);
    assert.equal(s.status, status, what);
    assert.equal(s.ready, ready, what);
  }
});

test('restarts without a known last termination print the bare count', () => {
  const p = pod({
    status: { phase: 'Running', containerStatuses: [{ name: 'app', image: 'nginx', imageID: '', ready: true, restartCount: 2, state: { running: {} } }] },
  });
  assert.equal(podSummary(p, now).restarts, '2');
});

test('succeeded and failed pods carry the Completed row condition', () => {
  assert.deepEqual(podPrinter.conditions!(pod({ status: { phase: 'Succeeded' } })), [
    { type: 'Completed', status: 'True', reason: 'Succeeded', message: 'The pod has completed successfully.' },
  ]);
  assert.equal(podPrinter.conditions!(pod({ status: { phase: 'Running' } })), undefined);
});

test('readiness gates count true conditions', () => {
  const p = pod({
    spec: { containers: [{ name: 'app' }], readinessGates: [{ conditionType: 'example.com/a' }, { conditionType: 'example.com/b' }] },
    status: { phase: 'Running', conditions: [{ type: 'example.com/a', status: 'True' }] },
  });
  assert.equal(podPrinter.cells(p, { now })[8], '1/2');
});
