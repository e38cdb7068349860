// Unit tests of cron parsing and of which scheduled time is due (upstream's robfig/cron semantics).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatRFC1123Z, formatRFC3339In, parseSchedule } from './schedule.js';
import { mostRecentScheduleTime, nextScheduleTimeDuration } from './schedule-times.js';
import type { CronJob } from './types.js';

const at = (iso: string) => Date.parse(iso);

describe('parseSchedule', () => {
  it('reads five fields and the descriptors', () => {
    assert.equal(parseSchedule('*/1 * * * *').next(at('2024-01-01T00:00:30Z')), at('2024-01-01T00:01:00Z'));
    assert.equal(parseSchedule('*/15 * * * *').next(at('2024-01-01T00:15:00Z')), at('2024-01-01T00:30:00Z'));
    assert.equal(parseSchedule('@hourly').next(at('2024-01-01T00:00:30Z')), at('2024-01-01T01:00:00Z'));
    assert.equal(parseSchedule('@daily').next(at('2024-01-01T05:00:00Z')), at('2024-01-02T00:00:00Z'));
    assert.equal(parseSchedule('@midnight').next(at('2024-01-01T05:00:00Z')), at('2024-01-02T00:00:00Z'));
    assert.equal(parseSchedule('@weekly').next(at('2024-01-01T05:00:00Z')), at('2024-01-07T00:00:00Z'));
    assert.equal(parseSchedule('@monthly').next(at('2024-01-01T05:00:00Z')), at('2024-02-01T00:00:00Z'));
    assert.equal(parseSchedule('@yearly').next(at('2024-01-01T05:00:00Z')), at('2025-01-01T00:00:00Z'));
    assert.equal(parseSchedule('0 9 * * MON-FRI').next(at('2024-01-06T00:00:00Z')), at('2024-01-08T09:00:00Z'));
    assert.equal(parseSchedule('@every 90s').next(at('2024-01-01T00:00:00Z')), at('2024-01-01T00:01:30Z'));
  });

  it('honours the time zone (spec.timeZone or a TZ= prefix)', () => {
    assert.equal(parseSchedule('0 3 * * *', 'America/New_York').next(at('2024-01-01T00:00:00Z')), at('2024-01-01T08:00:00Z'));
    assert.equal(parseSchedule('0 3 * * *', 'Europe/Berlin').next(at('2024-07-01T00:00:00Z')), at('2024-07-01T01:00:00Z'));
    assert.equal(parseSchedule('TZ=Asia/Tokyo 0 9 * * *').next(at('2024-01-01T01:00:00Z')), at('2024-01-02T00:00:00Z'));
  });

  it('rejects what robfig/cron ParseStandard rejects', () => {
    assert.throws(() => parseSchedule('0 * * * * *'), /expected exactly 5 fields, found 6/);
    assert.throws(() => parseSchedule('@fortnightly'), /unrecognized descriptor/);
    assert.throws(() => parseSchedule('61 * * * *'));
    assert.throws(() => parseSchedule('* * * * *', 'Mars/Olympus'), /unknown time zone/);
  });

  it('formats the scheduled-timestamp annotation as Go RFC3339 in the zone', () => {
    assert.equal(formatRFC3339In(at('2024-01-01T08:00:00Z')), '2024-01-01T08:00:00Z');
    assert.equal(formatRFC3339In(at('2024-01-01T08:00:00Z'), 'America/New_York'), '2024-01-01T03:00:00-05:00');
    assert.equal(formatRFC3339In(at('2024-01-01T08:00:00Z'), 'Asia/Kolkata'), '2024-01-01T13:30:00+05:30');
    assert.equal(formatRFC1123Z(at('2024-01-01T08:00:00Z')), 'Mon, 01 Jan 2024 08:00:00 +0000');
  });
});

function cronJob(created: string, extra: { lastScheduleTime?: string; startingDeadlineSeconds?: number } = {}): CronJob {
  return {
    metadata: { name: 'c', namespace: 'default', creationTimestamp: created },
    spec: { schedule: '*/1 * * * *', startingDeadlineSeconds: extra.startingDeadlineSeconds, jobTemplate: { spec: { template: {} } } },
    status: extra.lastScheduleTime ? { lastScheduleTime: extra.lastScheduleTime } : {},
  } as CronJob;
}

describe('mostRecentScheduleTime', () => {
  const every = parseSchedule('*/1 * * * *');
  it('finds nothing before the first time, then the latest missed time', () => {
    const cj = cronJob('2024-01-01T00:00:10Z');
    assert.equal(mostRecentScheduleTime(cj, at('2024-01-01T00:00:50Z'), every, true).mostRecent, undefined);
    assert.deepEqual(mostRecentScheduleTime(cj, at('2024-01-01T00:01:05Z'), every, true), { earliest: at('2024-01-01T00:00:10Z'), mostRecent: at('2024-01-01T00:01:00Z'), missed: 1 });
    const late = mostRecentScheduleTime(cj, at('2024-01-01T00:05:30Z'), every, true);
    assert.equal(late.mostRecent, at('2024-01-01T00:05:00Z'));
    assert.equal(late.missed, 5);
  });

  it('counts from lastScheduleTime and is bounded by startingDeadlineSeconds', () => {
    const cj = cronJob('2024-01-01T00:00:10Z', { lastScheduleTime: '2024-01-01T00:03:00Z' });
    assert.equal(mostRecentScheduleTime(cj, at('2024-01-01T00:03:30Z'), every, true).mostRecent, undefined);
    const old = cronJob('2023-01-01T00:00:00Z', { startingDeadlineSeconds: 200 });
    const r = mostRecentScheduleTime(old, at('2024-01-01T00:05:30Z'), every, true);
    assert.equal(r.mostRecent, at('2024-01-01T00:05:00Z'));
    assert.ok(r.missed <= 4, `missed ${r.missed}`);
    // Without a deadline a year of minutes are missed: more than 100 (TooManyMissedTimes).
    assert.ok(mostRecentScheduleTime(cronJob('2023-01-01T00:00:00Z'), at('2024-01-01T00:05:30Z'), every, true).missed > 100);
  });

  it('wakes up 100 ms after the next time', () => {
    const cj = cronJob('2024-01-01T00:00:10Z', { lastScheduleTime: '2024-01-01T00:03:00Z' });
    assert.equal(nextScheduleTimeDuration(cj, at('2024-01-01T00:03:30Z'), every), 30_100);
  });
});
