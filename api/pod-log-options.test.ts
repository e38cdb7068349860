import assert from 'node:assert/strict';
import { test } from 'node:test';
import { containerLogsQuery, parsePodLogOptions, validatePodLogOptions } from './pod-log-options.js';

test('query parameters decode as PodLogOptions and re-encode for the kubelet in upstream order', () => {
  const o = parsePodLogOptions(new URLSearchParams('container=web&follow=true&tailLines=5&timestamps=1&limitBytes=100&sinceSeconds=60'));
  assert.deepEqual(o, { container: 'web', follow: true, previous: false, timestamps: true, tailLines: 5, limitBytes: 100, sinceSeconds: 60 });
  assert.equal(containerLogsQuery(o).toString(), 'follow=true&timestamps=true&sinceSeconds=60&tailLines=5&limitBytes=100');
});

test('bad values are 400s; out-of-range ones are upstream field errors', () => {
  assert.throws(() => parsePodLogOptions(new URLSearchParams('tailLines=x')), /strconv.ParseInt: parsing "x": invalid syntax/);
  assert.throws(() => parsePodLogOptions(new URLSearchParams('follow=maybe')), /ParseBool/);
  const errors = validatePodLogOptions(parsePodLogOptions(new URLSearchParams('tailLines=-1&limitBytes=0&sinceSeconds=0')));
  assert.deepEqual(errors.map(String), [
    'tailLines: Invalid value: -1: must be greater than or equal to 0',
    'limitBytes: Invalid value: 0: must be greater than 0',
    'sinceSeconds: Invalid value: 0: must be greater than 0',
  ]);
  const both = validatePodLogOptions(parsePodLogOptions(new URLSearchParams('sinceSeconds=5&sinceTime=2024-01-01T00:00:00Z')));
  assert.match(String(both[0]), /at most one of `sinceTime` or `sinceSeconds` may be specified/);
});

test('the kubelet accepts the legacy tail parameter ("all" means no limit)', () => {
  assert.equal(parsePodLogOptions(new URLSearchParams('tail=3')).tailLines, 3);
  assert.equal(parsePodLogOptions(new URLSearchParams('tail=all')).tailLines, undefined);
});
