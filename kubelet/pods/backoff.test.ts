// Unit tests of the keyed backoff (upstream flowcontrol.Backoff semantics) with a fake clock.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { goDuration, goDurationPrecise, KeyedBackoff } from './backoff.js';

describe('KeyedBackoff', () => {
  it('first restart at once, then 10s doubling to the max; expires after 2*max of quiet', () => {
    let now = 0;
    const b = new KeyedBackoff({ initialMs: 10_000, maxMs: 40_000, now: () => now });
    assert.equal(b.inBackoffSince('k', now), false);
    b.next('k', now); // first restart
    now = 1000; // died again 1 s later
    assert.equal(b.inBackoffSince('k', 1000), true);
    assert.equal(b.retryAt('k', 1000), 11_000);
    now = 11_000;
    assert.equal(b.inBackoffSince('k', 1000), false);
    b.next('k', 1000);
    assert.equal(b.delayMs('k'), 20_000);
    b.next('k', now);
    b.next('k', now);
    assert.equal(b.delayMs('k'), 40_000, 'capped');
    now += 80_001;
    assert.equal(b.inBackoffSince('k', now), false, 'expired after 2*max');
    b.next('k', now);
    assert.equal(b.delayMs('k'), 10_000, 'starts over');
  });

  it('inBackoffSinceUpdate for image pulls', () => {
    let now = 0;
    const b = new KeyedBackoff({ initialMs: 10_000, maxMs: 300_000, now: () => now });
    b.next('img', now);
    now = 5000;
    assert.equal(b.inBackoffSinceUpdate('img'), true);
    now = 10_000;
    assert.equal(b.inBackoffSinceUpdate('img'), false);
    b.forgetPrefix('im');
    assert.equal(b.delayMs('img'), 0);
  });

  it('formats durations as Go does', () => {
    assert.equal(goDuration(10_000), '10s');
    assert.equal(goDuration(80_000), '1m20s');
    assert.equal(goDuration(300_000), '5m0s');
    assert.equal(goDurationPrecise(1234), '1.234s');
    assert.equal(goDurationPrecise(512), '512ms');
  });
});
