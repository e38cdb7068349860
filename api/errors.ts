// The one error catalogue of k8ts: every failure a client can see is a metav1.Status built here.
// Programs throw these named errors; only the apiserver's error handler turns them into bodies.
// Nothing else may format an error body.

export interface StatusCause {
  type?: string;
  message?: string;
  field?: string;
}

export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
  uid?: string;
  causes?: StatusCause[];
  retryAfterSeconds?: number;
}

export interface Status {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: Record<string, unknown>;
  status: 'Success' | 'Failure';
  message?: string;
  reason?: string;
  details?: StatusDetails;
  code: number;
}

/** The base of every error that reaches a client as a Status. */
export class StatusError extends Error {
  constructor(
    readonly code: number,
    readonly reason: string,
    message: string,
    readonly details?: StatusDetails,
  ) {
    super(message);
    this.name = new.target.name;
  }

  toStatus(): Status {
    const status: Status = {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: this.message,
      reason: this.reason,
      code: this.code,
    };
    if (this.details) status.details = this.details;
    return status;
  }
}

/** Identifies a resource in messages: `pods`, `deployments.apps` (a ResourceInfo is one). */
export interface ResourceRef {
  group: string;
  plural: string;
}

export function qualifiedResource(ref: ResourceRef): string {
  return ref.group ? `${ref.plural}.${ref.group}` : ref.plural;
}

/** Identifies a kind in messages: `Pod`, `Deployment.apps`. */
export function qualifiedKind(group: string, kind: string): string {
  return group ? `${kind}.${group}` : kind;
}

export class NotFoundError extends StatusError {
  constructor(ref: ResourceRef, name: string) {
    super(404, 'NotFound', `${qualifiedResource(ref)} "${name}" not found`, {
      name,
      group: ref.group || undefined,
      kind: ref.plural,
    });
  }
}

export class AlreadyExistsError extends StatusError {
  constructor(ref: ResourceRef, name: string) {
    super(409, 'AlreadyExists', `${qualifiedResource(ref)} "${name}" already exists`, {
      name,
      group: ref.group || undefined,
      kind: ref.plural,
    });
  }
}

export class ConflictError extends StatusError {
  constructor(ref: ResourceRef, name: string, why = 'the object has been modified; please apply your changes to the latest version and try again') {
    super(409, 'Conflict', `Operation cannot be fulfilled on ${qualifiedResource(ref)} "${name}": ${why}`, {
      name,
      group: ref.group || undefined,
      kind: ref.plural,
    });
  }
}

/** One problem with one field, as upstream's field.Error. */
export class FieldError {
  constructor(
    readonly type: FieldErrorType,
    readonly field: string,
    readonly badValue: unknown,
    readonly detail = '',
  ) {}

  /** The text after the field path, e.g. `Invalid value: -1: must be greater than or equal to 0`. */
  get message(): string {
    const label = FIELD_ERROR_LABELS[this.type];
    switch (this.type) {
      case 'FieldValueRequired':
      case 'FieldValueForbidden':
      case 'FieldValueTooLong':
      case 'FieldValueTooMany':
      case 'FieldValueNotFound':
      case 'InternalError':
        return this.detail ? `${label}: ${this.detail}` : label;
      default: {
        const shown = `${label}: ${formatBadValue(this.badValue)}`;
        return this.detail ? `${shown}: ${this.detail}` : shown;
      }
    }
  }

  toString(): string {
    return `${this.field}: ${this.message}`;
  }
}

export type FieldErrorType =
  | 'FieldValueRequired'
  | 'FieldValueInvalid'
  | 'FieldValueNotSupported'
  | 'FieldValueForbidden'
  | 'FieldValueDuplicate'
  | 'FieldValueTooLong'
  | 'FieldValueTooMany'
  | 'FieldValueNotFound'
  | 'FieldValueTypeInvalid'
  | 'InternalError';

const FIELD_ERROR_LABELS: Record<FieldErrorType, string> = {
  FieldValueRequired: 'Required value',
  FieldValueInvalid: 'Invalid value',
  FieldValueNotSupported: 'Unsupported value',
  FieldValueForbidden: 'Forbidden',
  FieldValueDuplicate: 'Duplicate value',
  FieldValueTooLong: 'Too long',
  FieldValueTooMany: 'Too many',
  FieldValueNotFound: 'Not found',
  FieldValueTypeInvalid: 'Invalid value',
  InternalError: 'Internal error',
};

function formatBadValue(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v);
  if (v === undefined || v === null) return 'null';
  // Go prints a []string with %#v.
  if (Array.isArray(v) && v.every((x) => typeof x === 'string')) return `[]string{${v.map((x) => JSON.stringify(x)).join(', ')}}`;
  if (typeof v === 'object') {
    try {
      return JSON.stringify(v);
    } catch {
      return String(v);
    }
  }
  return String(v);
}

/** Constructors in upstream's vocabulary (field.Required, field.Invalid, ...). */
export const field = {
  required: (path: string, detail = '') => new FieldError('FieldValueRequired', path, undefined, detail),
  invalid: (path: string, value: unknown, detail = '') => new FieldError('FieldValueInvalid', path, value, detail),
  notSupported: (path: string, value: unknown, supported: readonly string[]) =>
    new FieldError('FieldValueNotSupported', path, value, `supported values: ${supported.map((s) => JSON.stringify(s)).join(', ')}`),
  forbidden: (path: string, detail: string) => new FieldError('FieldValueForbidden', path, undefined, detail),
  duplicate: (path: string, value: unknown) => new FieldError('FieldValueDuplicate', path, value),
  tooLong: (path: string, max: number) => new FieldError('FieldValueTooLong', path, undefined, `may not be more than ${max} bytes`),
  typeInvalid: (path: string, value: unknown, detail: string) => new FieldError('FieldValueTypeInvalid', path, value, detail),
  notFound: (path: string, value: unknown) => new FieldError('FieldValueNotFound', path, value),
};

export class InvalidError extends StatusError {
  readonly fieldErrors: readonly FieldError[];
  constructor(group: string, kind: string, name: string, errors: readonly FieldError[]) {
    const list = errors.map((e) => e.toString());
    const joined = list.length === 1 ? list[0] : `[${list.join(', ')}]`;
    super(422, 'Invalid', `${qualifiedKind(group, kind)} "${name}" is invalid: ${joined}`, {
      name,
      group: group || undefined,
      kind,
      causes: errors.map((e) => ({ type: e.type, message: e.message, field: e.field })),
    });
    this.fieldErrors = errors;
  }
}

export class BadRequestError extends StatusError {
  constructor(message: string, causes?: StatusCause[]) {
    super(400, 'BadRequest', message, causes ? { causes } : undefined);
  }
}

export class UnauthorizedError extends StatusError {
  constructor(message = 'Unauthorized') {
    super(401, 'Unauthorized', message);
  }
}

export class ForbiddenError extends StatusError {
  constructor(message: string, details?: StatusDetails) {
    super(403, 'Forbidden', message, details);
  }
}

export class MethodNotAllowedError extends StatusError {
  constructor(message = 'the server does not allow this method on the requested resource') {
    super(405, 'MethodNotAllowed', message);
  }
}

export class NotAcceptableError extends StatusError {
  constructor(message: string) {
    super(406, 'NotAcceptable', message);
  }
}

/** Watch from a revision that etcd has compacted away. */
export class GoneError extends StatusError {
  constructor(message: string) {
    super(410, 'Expired', message);
  }
}

export class RequestEntityTooLargeError extends StatusError {
  constructor(message = 'Request entity too large') {
    super(413, 'RequestEntityTooLarge', message);
  }
}

export class UnsupportedMediaTypeError extends StatusError {
  constructor(contentType: string) {
    super(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: application/json, application/yaml, application/vnd.kubernetes.protobuf; got ${JSON.stringify(contentType)}`);
  }
}

export class TooManyRequestsError extends StatusError {
  constructor(message: string, retryAfterSeconds = 1) {
    super(429, 'TooManyRequests', message, { retryAfterSeconds });
  }
}

export class InternalError extends StatusError {
  constructor(message: string) {
    super(500, 'InternalError', `Internal error occurred: ${message}`);
  }
}

export class ServiceUnavailableError extends StatusError {
  constructor(message: string) {
    super(503, 'ServiceUnavailable', message, { retryAfterSeconds: 1 });
  }
}

export class TimeoutError extends StatusError {
  constructor(message: string) {
    super(504, 'Timeout', message, { retryAfterSeconds: 1 });
  }
}
