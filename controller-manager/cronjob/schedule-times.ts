// Which scheduled time a CronJob should run now, as upstream's mostRecentScheduleTime /
// nextScheduleTime / nextScheduleTimeDuration (cronjob/utils.go): missed starts counted by
// approximation so a CronJob idle for years costs nothing. Pure functions of (cronjob, now, schedule).
import type { Schedule } from './schedule.js';
import type { CronJob } from './types.js';

/** Upstream's nextScheduleDelta: wake up a little after the scheduled time. */
export const NEXT_SCHEDULE_DELTA_MS = 100;
/** More missed starts than this raise a TooManyMissedTimes warning. */
export const TOO_MANY_MISSED = 100;

export interface MostRecent {
  earliest: number;
  /** The latest scheduled time not after now, if any since `earliest`. */
  mostRecent?: number;
  missed: number;
}

export function mostRecentScheduleTime(cj: Readonly<CronJob>, now: number, schedule: Schedule, includeStartingDeadline: boolean): MostRecent {
  let earliest = Date.parse(cj.metadata!.creationTimestamp!);
  if (cj.status?.lastScheduleTime) earliest = Date.parse(cj.status.lastScheduleTime);
  const sds = cj.spec?.startingDeadlineSeconds;
  if (includeStartingDeadline && sds != null) {
    const deadline = now - sds * 1000;
    if (deadline > earliest) earliest = deadline;
  }
  const t1 = schedule.next(earliest);
  const t2 = schedule.next(t1);
  if (now < t1) return { earliest, missed: 0 };
  if (now < t2) return { earliest, mostRecent: t1, missed: 1 };
  const between = Math.round((t2 - t1) / 1000);
  if (between < 1) throw new Error('time difference between two schedules is less than 1 second');
  const elapsed = Math.floor((now - t1) / 1000);
  const missed = Math.floor(elapsed / between) + 1;
  // Start a little before the estimate and let the schedule find the exact latest time.
  const potentialEarliest = t1 + (missed - 2) * between * 1000;
  let mostRecent: number | undefined;
  for (let t = schedule.next(potentialEarliest); t <= now; t = schedule.next(t)) mostRecent = t;
  if (mostRecent === undefined || mostRecent < t1) mostRecent = t1;
  return { earliest, mostRecent, missed };
}

/** How long until the controller should look again (upstream's nextScheduleTimeDuration). */
export function nextScheduleTimeDuration(cj: Readonly<CronJob>, now: number, schedule: Schedule): number {
  let r: MostRecent;
  try {
    r = mostRecentScheduleTime(cj, now, schedule, false);
  } catch {
    return NEXT_SCHEDULE_DELTA_MS;
  }
  const from = r.mostRecent ?? r.earliest;
  return schedule.next(from) + NEXT_SCHEDULE_DELTA_MS - now;
}
