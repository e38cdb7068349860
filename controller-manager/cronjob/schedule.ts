// Cron schedules as upstream's robfig/cron ParseStandard reads them (5 fields, @yearly/@annually/
// @monthly/@weekly/@daily/@midnight/@hourly, @every <duration>, an optional TZ=/CRON_TZ= prefix) on
// top of cron-parser, plus the time-zone helpers of the cronjob controller. Pure; never does I/O.
import { CronExpressionParser } from 'cron-parser';
import { parseGoDuration } from '../../api/duration.js';

export interface Schedule {
  /** The first activation strictly after `after` (ms since the epoch). */
  next(after: number): number;
}

const DESCRIPTORS: Record<string, string> = {
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
  '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@hourly': '0 * * * *',
};

export class ScheduleError extends Error {}

/** True when the IANA zone name is known to this runtime (Go's time.LoadLocation; '' is UTC). */
export function isValidTimeZone(tz: string): boolean {
  if (tz === '' || tz === 'UTC' || tz === 'Local') return true;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/** Parses a schedule in a time zone (undefined: UTC, as the controller-manager runs in UTC). */
export function parseSchedule(spec: string, timeZone?: string): Schedule {
  let s = spec.trim();
  let tz = timeZone && timeZone !== '' ? timeZone : 'UTC';
  const prefix = /^(?:CRON_TZ|TZ)=(\S+)\s+/.exec(s);
  if (prefix) {
    tz = prefix[1]!;
    s = s.slice(prefix[0].length).trim();
  }
  if (tz === 'Local') tz = 'UTC';
  if (!isValidTimeZone(tz)) throw new ScheduleError(`provided bad location ${tz}: unknown time zone ${tz}`);
  if (s.startsWith('@every ')) {
    const ms = parseGoDuration(s.slice('@every '.length).trim());
    if (ms === undefined || !Number.isFinite(ms)) throw new ScheduleError(`failed to parse duration ${s}`);
    // robfig's ConstantDelaySchedule: at least a second, whole seconds, from the previous time.
    const delay = Math.max(1000, Math.floor(ms / 1000) * 1000);
    return { next: (after) => Math.floor(after / 1000) * 1000 + delay };
  }
  if (s.startsWith('@')) {
    const expanded = DESCRIPTORS[s];
    if (!expanded) throw new ScheduleError(`unrecognized descriptor: ${s}`);
    s = expanded;
  }
  const fields = s.split(/\s+/).filter(Boolean);
  if (fields.length !== 5) throw new ScheduleError(`expected exactly 5 fields, found ${fields.length}: [${fields.join(' ')}]`);
  const source = `0 ${fields.join(' ')}`;
  try {
    CronExpressionParser.parse(source, { tz, currentDate: new Date(0) });
  } catch (err) {
    throw new ScheduleError(err instanceof Error ? err.message : String(err));
  }
  return {
    next(after) {
      const it = CronExpressionParser.parse(source, { tz, currentDate: new Date(after) });
      return it.next().toDate().getTime();
    },
  };
}

/** The offset of `tz` from UTC at instant `ms`, in minutes. */
function offsetMinutes(ms: number, tz: string): number {
  const parts = new Intl.DateTimeFormat('en-US', { timeZone: tz, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' }).formatToParts(new Date(ms));
  const get = (t: string) => Number(parts.find((p) => p.type === t)!.value);
  const asUtc = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  return Math.round((asUtc - Math.floor(ms / 1000) * 1000) / 60_000);
}

/** Go's t.In(location).Format(time.RFC3339): `Z` in UTC, else the local time with its offset. */
export function formatRFC3339In(ms: number, timeZone?: string): string {
  const tz = !timeZone || timeZone === 'Local' ? 'UTC' : timeZone;
  const offset = tz === 'UTC' ? 0 : offsetMinutes(ms, tz);
  const local = new Date(Math.floor(ms / 1000) * 1000 + offset * 60_000).toISOString().replace(/\.\d{3}Z$/, '');
  if (offset === 0 && tz === 'UTC') return `${local}Z`;
  const sign = offset < 0 ? '-' : '+';
  const abs = Math.abs(offset);
  return `${local}${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

/** Go's time.RFC1123Z in UTC: `Mon, 02 Jan 2006 15:04:05 +0000`. */
export function formatRFC1123Z(ms: number): string {
  return new Date(ms).toUTCString().replace('GMT', '+0000');
}
