// Unit tests of the work queue's rate limiters and the fake clock; no timers run for real.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  BucketRateLimiter,
  FakeClock,
  ItemExponentialFailureRateLimiter,
  MaxOfRateLimiter,
  defaultControllerRateLimiter,
} from './rate-limiter.js';

describe('ItemExponentialFailureRateLimiter', () => {
  it('doubles per failure up to the cap, per item, and forgets', () => {
    const l = new ItemExponentialFailureRateLimiter<string>(1, 1000);
    assert.deepEqual([l.when('one'), l.when('one'), l.when('one'), l.when('one'), l.when('one')], [1, 2, 4, 8, 16]);
    assert.equal(l.numRequeues('one'), 5);
    assert.equal(l.when('two'), 1);
    assert.equal(l.when('two'), 2);
    assert.equal(l.numRequeues('two'), 2);
    l.forget('one');
    assert.equal(l.numRequeues('one'), 0);
    assert.equal(l.when('one'), 1);
  });

  it('caps at the maximum delay', () => {
    const l = new ItemExponentialFailureRateLimiter<string>(5, 1000 * 1000);
    let last = 0;
    for (let i = 0; i < 40; i++) last = l.when('x');
    assert.equal(last, 1000 * 1000);
  });
});

describe('BucketRateLimiter', () => {
  it('lets a burst through, then spaces items by 1/qps, and refills with time', () => {
    const clock = new FakeClock();
    const l = new BucketRateLimiter<string>(10, 3, clock);
    assert.deepEqual([l.when('a'), l.when('b'), l.when('c')], [0, 0, 0]);
    assert.equal(l.when('d'), 100);
    assert.equal(l.when('e'), 200);
    clock.advance(1000);
    // 10 tokens accrued over a second, minus the 2 owed, capped at the burst of 3.
    assert.equal(l.when('f'), 0);
  });
});

describe('defaultControllerRateLimiter', () => {
  it('is the max of 5 ms exponential and a 10 qps / 100 burst bucket', () => {
    const clock = new FakeClock();
    const l = defaultControllerRateLimiter<string>(clock);
    assert.equal(l.when('a'), 5);
    assert.equal(l.when('a'), 10);
    assert.equal(l.when('a'), 20);
    assert.equal(l.numRequeues('a'), 3);
    l.forget('a');
    assert.equal(l.numRequeues('a'), 0);
    // Exhaust the bucket with distinct items: the 101st item in the same instant waits 100 ms.
    const fresh = defaultControllerRateLimiter<string>(clock);
    for (let i = 0; i < 100; i++) assert.equal(fresh.when(`k${i}`), 5);
    assert.equal(fresh.when('k100'), 100);
  });

  it('MaxOfRateLimiter reports the largest requeue count', () => {
    const a = new ItemExponentialFailureRateLimiter<string>(1, 10);
    const m = new MaxOfRateLimiter<string>(a, new BucketRateLimiter<string>(1, 1, new FakeClock()));
    m.when('x');
    m.when('x');
    assert.equal(m.numRequeues('x'), 2);
  });
});

describe('FakeClock', () => {
  it('fires due timers in time order and not before', () => {
    const clock = new FakeClock(0);
    const fired: string[] = [];
    clock.setTimeout(() => fired.push('b'), 20);
    clock.setTimeout(() => fired.push('a'), 10);
    const c = clock.setTimeout(() => fired.push('c'), 15);
    clock.clearTimeout(c);
    clock.advance(9);
    assert.deepEqual(fired, []);
    clock.advance(11);
    assert.deepEqual(fired, ['a', 'b']);
    assert.equal(clock.now(), 20);
  });
});
