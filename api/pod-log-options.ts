// PodLogOptions (core/v1) read from a query string and validated as upstream's
// ValidatePodLogOptions does; shared by the apiserver's pods/log and the kubelet's /containerLogs.
// Pure: no I/O; the caller decides how an error is answered.
import { BadRequestError, field, type FieldError } from './errors.js';

export interface PodLogOptions {
  container?: string;
  follow: boolean;
  previous: boolean;
  timestamps: boolean;
  sinceSeconds?: number;
  /** RFC 3339 time, kept as given after checking it parses. */
  sinceTime?: string;
  tailLines?: number;
  limitBytes?: number;
}

function boolean(query: URLSearchParams, name: string): boolean {
  const v = query.get(name);
  if (v === null || v === '') return false;
  if (['true', '1', 't', 'T', 'TRUE', 'True'].includes(v)) return true;
  if (['false', '0', 'f', 'F', 'FALSE', 'False'].includes(v)) return false;
  throw new BadRequestError(`strconv.ParseBool: parsing ${JSON.stringify(v)}: invalid syntax`);
}

function integer(query: URLSearchParams, name: string): number | undefined {
  const v = query.get(name);
  if (v === null || v === '') return undefined;
  if (!/^[+-]?\d+$/.test(v)) throw new BadRequestError(`strconv.ParseInt: parsing ${JSON.stringify(v)}: invalid syntax`);
  return Number(v);
}

/** Decodes the query; throws BadRequestError on unparsable values. Validation is separate. */
export function parsePodLogOptions(query: URLSearchParams): PodLogOptions {
  const options: PodLogOptions = {
    follow: boolean(query, 'follow'),
    previous: boolean(query, 'previous'),
    timestamps: boolean(query, 'timestamps'),
  };
  const container = query.get('container');
  if (container) options.container = container;
  // The kubelet's backwards-compatible `tail` ("all" = no limit), as upstream.
  const tail = query.get('tail');
  if (tail !== null && tail !== '' && tail !== 'all' && query.get('tailLines') === null) query.set('tailLines', tail);
  const sinceSeconds = integer(query, 'sinceSeconds');
  if (sinceSeconds !== undefined) options.sinceSeconds = sinceSeconds;
  const tailLines = integer(query, 'tailLines');
  if (tailLines !== undefined) options.tailLines = tailLines;
  const limitBytes = integer(query, 'limitBytes');
  if (limitBytes !== undefined) options.limitBytes = limitBytes;
  const sinceTime = query.get('sinceTime');
  if (sinceTime) {
    if (Number.isNaN(Date.parse(sinceTime)) || !/^\d{4}-\d{2}-\d{2}T/.test(sinceTime)) {
      throw new BadRequestError(`parsing time ${JSON.stringify(sinceTime)} as "2006-01-02T15:04:05Z07:00": cannot parse ${JSON.stringify(sinceTime)} as "2006"`);
    }
    options.sinceTime = sinceTime;
  }
  return options;
}

/** Upstream's ValidatePodLogOptions. */
export function validatePodLogOptions(options: PodLogOptions): FieldError[] {
  const errors: FieldError[] = [];
  if (options.tailLines !== undefined && options.tailLines < 0) errors.push(field.invalid('tailLines', options.tailLines, 'must be greater than or equal to 0'));
  if (options.limitBytes !== undefined && options.limitBytes < 1) errors.push(field.invalid('limitBytes', options.limitBytes, 'must be greater than 0'));
  if (options.sinceSeconds !== undefined && options.sinceTime !== undefined) {
    errors.push(field.forbidden('', 'at most one of `sinceTime` or `sinceSeconds` may be specified'));
  } else if (options.sinceSeconds !== undefined && options.sinceSeconds < 1) {
    errors.push(field.invalid('sinceSeconds', options.sinceSeconds, 'must be greater than 0'));
  }
  return errors;
}

/** The kubelet's /containerLogs query for these options, in upstream's LogLocation order. */
export function containerLogsQuery(options: PodLogOptions): URLSearchParams {
  const params = new URLSearchParams();
  if (options.follow) params.set('follow', 'true');
  if (options.previous) params.set('previous', 'true');
  if (options.timestamps) params.set('timestamps', 'true');
  if (options.sinceSeconds !== undefined) params.set('sinceSeconds', String(options.sinceSeconds));
  if (options.sinceTime !== undefined) params.set('sinceTime', new Date(options.sinceTime).toISOString().replace(/\.\d{3}Z$/, 'Z'));
  if (options.tailLines !== undefined) params.set('tailLines', String(options.tailLines));
  if (options.limitBytes !== undefined) params.set('limitBytes', String(options.limitBytes));
  return params;
}
