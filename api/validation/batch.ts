// Validation of batch/v1 Job and CronJob as upstream's pkg/apis/batch/validation.
// Never throws. A Job's selector may be absent here: the registry generates it as upstream's strategy does.

import { field } from '../errors.js';
import type { KindValidator } from './kinds.js';
import { validateSelectorAndTemplate } from './workload.js';
import { bool, immutable, isObj, nonNegative, obj, oneOf, positive, str, type Errs, type Obj } from './util.js';

const JOB_RESTART = ['OnFailure', 'Never'];

/** ValidateJobSpec at `path` (`spec` or `spec.jobTemplate.spec`). */
function validateJobSpec(spec: Obj, path: string, errs: Errs): void {
  nonNegative(spec.parallelism, `${path}.parallelism`, errs);
  nonNegative(spec.completions, `${path}.completions`, errs);
  positive(spec.activeDeadlineSeconds, `${path}.activeDeadlineSeconds`, errs);
  nonNegative(spec.backoffLimit, `${path}.backoffLimit`, errs);
  nonNegative(spec.ttlSecondsAfterFinished, `${path}.ttlSecondsAfterFinished`, errs);
  const mode = oneOf(spec.completionMode, `${path}.completionMode`, ['NonIndexed', 'Indexed'], errs);
  if (mode === 'Indexed' && (spec.completions === undefined || spec.completions === null)) {
    errs.push(field.required(`${path}.completions`, 'when completion mode is Indexed'));
  }
  if (spec.backoffLimitPerIndex !== undefined && spec.backoffLimitPerIndex !== null) {
    nonNegative(spec.backoffLimitPerIndex, `${path}.backoffLimitPerIndex`, errs);
    if (mode !== 'Indexed') errs.push(field.forbidden(`${path}.backoffLimitPerIndex`, 'requires indexed completion mode'));
  }
  oneOf(spec.podReplacementPolicy, `${path}.podReplacementPolicy`, ['TerminatingOrFailed', 'Failed'], errs);
  bool(spec.suspend, `${path}.suspend`, errs);
  bool(spec.manualSelector, `${path}.manualSelector`, errs);
  validateSelectorAndTemplate(spec, path, { kind: 'job', restartPolicies: JOB_RESTART, selectorOptional: true }, errs);
  const tspec = isObj(spec.template) && isObj(spec.template.spec) ? spec.template.spec : undefined;
  if (tspec && (tspec.restartPolicy === undefined || tspec.restartPolicy === null)) {
    // The pod defaults would make it Always, which a Job rejects; say so as upstream does after defaulting.
    errs.push(field.notSupported(`${path}.template.spec.restartPolicy`, 'Always', JOB_RESTART));
  }
}

const job: KindValidator = {
  name: 'subdomain',
  validate(o, errs) {
    validateJobSpec(obj(o.spec, 'spec', errs) ?? {}, 'spec', errs);
  },
  update(n, o, errs) {
    const ns = isObj(n.spec) ? n.spec : {};
    const os = isObj(o.spec) ? o.spec : {};
    immutable(ns.selector, os.selector, 'spec.selector', errs);
    immutable(ns.completionMode, os.completionMode, 'spec.completionMode', errs);
    if (!(ns.completionMode === 'Indexed' && os.completionMode === 'Indexed')) immutable(ns.completions, os.completions, 'spec.completions', errs);
    // A suspended Job's template may still change (upstream allows scheduling directives then).
    if (os.suspend !== true) immutable(ns.template, os.template, 'spec.template', errs);
  },
};

const CRON_MACROS = ['@yearly', '@annually', '@monthly', '@weekly', '@daily', '@midnight', '@hourly'];

/** robfig/cron ParseStandard's error for a schedule, or undefined when it parses. */
export function cronScheduleError(schedule: string): string | undefined {
  const s = schedule.trim();
  if (s.startsWith('@')) {
    if (CRON_MACROS.includes(s)) return undefined;
    if (s.startsWith('@every ')) return /^@every (\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$/.test(s) ? undefined : `failed to parse duration ${s}`;
    return `unrecognized descriptor: ${s}`;
  }
  const fields = s.split(/\s+/).filter((f) => f !== '');
  if (fields.length !== 5) return `expected exactly 5 fields, found ${fields.length}: [${fields.join(' ')}]`;
  const ranges: [number, number][] = [[0, 59], [0, 23], [1, 31], [1, 12], [0, 7]];
  const names = [[], [], [], ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'], ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat']] as string[][];
  for (let i = 0; i < 5; i++) {
    const [lo, hi] = ranges[i]!;
    for (const part of fields[i]!.split(',')) {
      const [rangePart, step] = part.split('/');
      if (step !== undefined && !/^\d+$/.test(step)) return `failed to parse int from ${step}: strconv.Atoi: parsing "${step}": invalid syntax`;
      if (rangePart === '*' || rangePart === '?') continue;
      for (const bound of rangePart!.split('-')) {
        const lower = bound.toLowerCase();
        const named = names[i]!.indexOf(lower);
        const n = named >= 0 ? named + (i === 3 ? 1 : 0) : /^\d+$/.test(bound) ? Number(bound) : Number.NaN;
        if (Number.isNaN(n)) return `failed to parse int from ${bound}: strconv.Atoi: parsing "${bound}": invalid syntax`;
        if (n < lo) return `beginning of range (${n}) below minimum (${lo}): ${part}`;
        if (n > hi) return `end of range (${n}) above maximum (${hi}): ${part}`;
      }
    }
  }
  return undefined;
}

const cronJob: KindValidator = {
  name: 'subdomain',
  createOnly(o, errs) {
    const name = isObj(o.metadata) ? o.metadata.name : undefined;
    if (typeof name === 'string' && name.length > 52) errs.push(field.invalid('metadata.name', name, 'must be no more than 52 characters'));
  },
  validate(o, errs) {
    const spec = obj(o.spec, 'spec', errs) ?? {};
    const schedule = str(spec.schedule, 'spec.schedule', errs) ?? '';
    if (schedule === '') {
      if (typeof (spec.schedule ?? '') === 'string') errs.push(field.required('spec.schedule', ''));
    } else if (/TZ=/.test(schedule)) {
      errs.push(field.invalid('spec.schedule', schedule, 'cannot use TZ or CRON_TZ in schedule, use timeZone field instead'));
    } else {
      const err = cronScheduleError(schedule);
      if (err) errs.push(field.invalid('spec.schedule', schedule, err));
    }
    str(spec.timeZone, 'spec.timeZone', errs);
    oneOf(spec.concurrencyPolicy, 'spec.concurrencyPolicy', ['Allow', 'Forbid', 'Replace'], errs);
    nonNegative(spec.startingDeadlineSeconds, 'spec.startingDeadlineSeconds', errs);
    nonNegative(spec.successfulJobsHistoryLimit, 'spec.successfulJobsHistoryLimit', errs);
    nonNegative(spec.failedJobsHistoryLimit, 'spec.failedJobsHistoryLimit', errs);
    bool(spec.suspend, 'spec.suspend', errs);
    const jt = obj(spec.jobTemplate, 'spec.jobTemplate', errs);
    if (!jt) {
      if (spec.jobTemplate === undefined || spec.jobTemplate === null) errs.push(field.required('spec.jobTemplate', ''));
      return;
    }
    validateJobSpec(obj(jt.spec, 'spec.jobTemplate.spec', errs) ?? {}, 'spec.jobTemplate.spec', errs);
  },
};

export const BATCH_VALIDATORS: Record<string, KindValidator> = {
  Job: job,
  CronJob: cronJob,
};
