// Unit tests of the job controller's pure helpers: completed-index text, the pod-failure backoff and
// the pod failure policy matcher, against upstream's documented behaviour.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { nextBackoffRecord, remainingBackoffMs } from './backoff.js';
import { formatIndexes, parseIndexes } from './indexes.js';
import { matchPodFailurePolicy } from './pod-failure-policy.js';
import type { Job, Pod } from './types.js';

describe('completed indexes', () => {
  it('compresses runs of three or more as upstream', () => {
    assert.equal(formatIndexes([1, 3, 4, 5, 7]), '1,3-5,7');
    assert.equal(formatIndexes([0, 1]), '0,1');
    assert.equal(formatIndexes([2, 0, 1, 2]), '0-2');
    assert.equal(formatIndexes([]), '');
  });
  it('parses the text back, dropping indexes at or above completions', () => {
    assert.deepEqual([...parseIndexes('1,3-5,7', 6)].sort(), [1, 3, 4, 5]);
    assert.deepEqual([...parseIndexes('', 3)], []);
    assert.deepEqual([...parseIndexes('x,2', 3)], [2]);
  });
});

describe('pod failure backoff', () => {
  it('waits 10 s, doubling per consecutive failure, capped at 10 min, reset by a success', () => {
    const t0 = 1_000_000;
    const one = nextBackoffRecord(undefined, [{ succeeded: false, finishTime: t0 }]);
    assert.equal(remainingBackoffMs(one, t0), 10_000);
    assert.equal(remainingBackoffMs(one, t0 + 4_000), 6_000);
    const three = nextBackoffRecord(one, [{ succeeded: false, finishTime: t0 + 1 }, { succeeded: false, finishTime: t0 + 2 }]);
    assert.equal(remainingBackoffMs(three, t0 + 2), 40_000);
    const many = { failuresAfterLastSuccess: 20, lastFailureTime: t0 };
    assert.equal(remainingBackoffMs(many, t0), 600_000);
    const reset = nextBackoffRecord(three, [{ succeeded: true, finishTime: t0 + 3 }]);
    assert.equal(remainingBackoffMs(reset, t0 + 3), 0);
  });
});

describe('pod failure policy', () => {
  const job = {
    metadata: { name: 'j', namespace: 'ns' },
    spec: {
      template: {},
      podFailurePolicy: {
        rules: [
          { action: 'Ignore', onPodConditions: [{ type: 'DisruptionTarget' }] },
          { action: 'FailJob', onExitCodes: { containerName: 'main', operator: 'In', values: [42] } },
          { action: 'Count', onExitCodes: { operator: 'NotIn', values: [1] } },
        ],
      },
    },
  } as unknown as Job;
  const pod = (exitCode: number, conditions: { type: string; status: string }[] = []) =>
    ({ metadata: { name: 'p', namespace: 'ns' }, status: { phase: 'Failed', conditions, containerStatuses: [{ name: 'main', state: { terminated: { exitCode } } }] } }) as unknown as Pod;

  it('takes the first matching rule', () => {
    assert.deepEqual(matchPodFailurePolicy(job, pod(42)), { action: 'FailJob', message: 'Container main for pod ns/p failed with exit code 42 matching FailJob rule at index 1' });
    assert.equal(matchPodFailurePolicy(job, pod(42, [{ type: 'DisruptionTarget', status: 'True' }]))?.action, 'Ignore');
    assert.equal(matchPodFailurePolicy(job, pod(3))?.action, 'Count');
    assert.equal(matchPodFailurePolicy(job, pod(1)), undefined);
  });
});
