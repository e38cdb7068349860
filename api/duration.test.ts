// Unit tests of humanDuration against upstream duration.HumanDuration's boundaries.
// Pure: a fixed `now`, no clock, no I/O.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { humanDuration, translateTimestampSince } from './duration.js';

const S = 1000;
const M = 60 * S;
const H = 60 * M;
const D = 24 * H;

test('humanDuration matches upstream duration.HumanDuration', () => {
  const cases: [number, string][] = [
    [-2 * S, '<invalid>'],
    [-1 * S, '0s'],
    [-999, '0s'],
    [0, '0s'],
    [5 * S, '5s'],
    [119 * S, '119s'],
    [2 * M, '2m'],
    [3 * M + 20 * S, '3m20s'],
    [9 * M + 59 * S, '9m59s'],
    [10 * M + 30 * S, '10m'],
    [75 * M, '75m'],
    [3 * H - 1, '179m'],
    [3 * H, '3h'],
    [5 * H + 30 * M, '5h30m'],
    [8 * H + 30 * M, '8h'],
    [47 * H, '47h'],
    [48 * H, '2d'],
    [3 * D + 4 * H, '3d4h'],
    [7 * D, '7d'],
    [8 * D + 5 * H, '8d'],
    [729 * D, '729d'],
    [2 * 365 * D, '2y'],
    [3 * 365 * D + 10 * D, '3y10d'],
    [8 * 365 * D + 100 * D, '8y'],
  ];
  for (const [ms, want] of cases) assert.equal(humanDuration(ms), want, `humanDuration(${ms})`);
});

test('translateTimestampSince measures from now and reports <unknown> for a missing time', () => {
  const now = new Date('2024-05-01T12:00:00Z');
  assert.equal(translateTimestampSince('2024-05-01T11:55:00Z', now), '5m');
  assert.equal(translateTimestampSince(undefined, now), '<unknown>');
  assert.equal(translateTimestampSince('', now), '<unknown>');
  assert.equal(translateTimestampSince('not a time', now), '<unknown>');
});
