// Turns what the apiserver (or the network) answers into named errors: a metav1.Status becomes the
// api/errors.ts class its reason names, keeping the server's message, code and details untouched.
// Must never invent a message for a Status that carries one, nor format error bodies (api/ does).
import {
  AlreadyExistsError,
  BadRequestError,
  ConflictError,
  FieldError,
  ForbiddenError,
  GoneError,
  InternalError,
  InvalidError,
  MethodNotAllowedError,
  NotAcceptableError,
  NotFoundError,
  RequestEntityTooLargeError,
  ServiceUnavailableError,
  StatusError,
  TimeoutError,
  TooManyRequestsError,
  UnauthorizedError,
  UnsupportedMediaTypeError,
  type FieldErrorType,
  type Status,
} from '../api/errors.js';

type StatusErrorClass = abstract new (...args: never[]) => StatusError;

/** metav1.StatusReason -> the class a client can `instanceof`. */
const BY_REASON: Record<string, StatusErrorClass> = {
  NotFound: NotFoundError,
  AlreadyExists: AlreadyExistsError,
  Conflict: ConflictError,
  Invalid: InvalidError,
  BadRequest: BadRequestError,
  Unauthorized: UnauthorizedError,
  Forbidden: ForbiddenError,
  Gone: GoneError,
  Expired: GoneError,
  ServiceUnavailable: ServiceUnavailableError,
  TooManyRequests: TooManyRequestsError,
  Timeout: TimeoutError,
  ServerTimeout: TimeoutError,
  InternalError: InternalError,
  MethodNotAllowed: MethodNotAllowedError,
  NotAcceptable: NotAcceptableError,
  RequestEntityTooLarge: RequestEntityTooLargeError,
  UnsupportedMediaType: UnsupportedMediaTypeError,
};

/** Used only when a Status has no reason (client-go's reasonForError falls back to the code too). */
const BY_CODE: Record<number, StatusErrorClass> = {
  400: BadRequestError,
  401: UnauthorizedError,
  403: ForbiddenError,
  404: NotFoundError,
  405: MethodNotAllowedError,
  406: NotAcceptableError,
  409: ConflictError,
  410: GoneError,
  413: RequestEntityTooLargeError,
  415: UnsupportedMediaTypeError,
  422: InvalidError,
  429: TooManyRequestsError,
  500: InternalError,
  503: ServiceUnavailableError,
  504: TimeoutError,
};

/**
 * The error a Status stands for: an instance of the class its reason names (so `instanceof
 * NotFoundError` works), with exactly the server's message, reason, code and details.
 */
export function statusErrorFrom(status: Status, httpCode: number): StatusError {
  const code = typeof status.code === 'number' && status.code > 0 ? status.code : httpCode;
  const reason = typeof status.reason === 'string' ? status.reason : '';
  const message = typeof status.message === 'string' ? status.message : '';
  const Class = (reason ? BY_REASON[reason] : BY_CODE[code]) ?? StatusError;
  // The classes' constructors build their own messages; bypass them to keep the server's words.
  const error = Object.create(Class.prototype) as StatusError;
  const template = new Error(message);
  Object.defineProperties(error, {
    name: { value: Class.name, writable: true, configurable: true },
    message: { value: message, writable: true, configurable: true },
    stack: { value: template.stack?.replace(/^Error/, Class.name), writable: true, configurable: true },
    code: { value: code, enumerable: true },
    reason: { value: reason, enumerable: true },
    details: { value: status.details, enumerable: true },
  });
  if (Class === InvalidError) {
    const fieldErrors = (status.details?.causes ?? []).map((cause) =>
      // Keep the server's message per cause; FieldError would recompute it from parts we do not have.
      Object.defineProperty(new FieldError((cause.type ?? 'FieldValueInvalid') as FieldErrorType, cause.field ?? '', undefined), 'message', {
        value: cause.message ?? '',
      }),
    );
    Object.defineProperty(error, 'fieldErrors', { value: fieldErrors, enumerable: true });
  }
  return error;
}

/** True when body is a metav1.Status (what every apiserver failure carries). */
export function isStatus(body: unknown): body is Status {
  return typeof body === 'object' && body !== null && (body as { kind?: unknown }).kind === 'Status';
}

/** client-go's messages for an error answer that carries no Status (a proxy, a non-k8s server). */
const GENERIC_MESSAGES: Record<number, string> = {
  400: 'the server rejected our request for an unknown reason',
  401: 'the server has asked for the client to provide credentials',
  403: 'the server does not allow access to the requested resource',
  404: 'the server could not find the requested resource',
  405: 'the server does not allow this method on the requested resource',
  409: 'the server reported a conflict',
  413: 'the server has rejected the request because the request entity is too large',
  415: 'the server responded with the status code 415 but did not return more information',
  422: 'the server rejected our request due to an error in our request',
  429: 'the server has received too many requests and has asked us to try again later',
  500: 'an error on the server has prevented the request from succeeding',
  503: 'the server is currently unable to handle the request',
  504: 'the server was unable to return a response in the time allotted, but may still be processing the request',
};

const REASON_BY_CODE: Record<number, string> = {
  400: 'BadRequest', 401: 'Unauthorized', 403: 'Forbidden', 404: 'NotFound', 405: 'MethodNotAllowed',
  406: 'NotAcceptable', 409: 'Conflict', 410: 'Gone', 413: 'RequestEntityTooLarge', 415: 'UnsupportedMediaType',
  422: 'Invalid', 429: 'TooManyRequests', 500: 'InternalError', 503: 'ServiceUnavailable', 504: 'Timeout',
};

/** A Status for a non-2xx answer whose body is not a Status, as client-go's newUnstructuredResponseError. */
export function statusFromBody(httpCode: number, body: string, retryAfterSeconds?: number): Status {
  const trimmed = body.trim();
  const generic = GENERIC_MESSAGES[httpCode] ?? `the server responded with the status code ${httpCode} but did not return more information`;
  const status: Status = {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message: trimmed ? `${generic} (${httpCode}: ${trimmed.slice(0, 500)})` : generic,
    reason: REASON_BY_CODE[httpCode] ?? (httpCode >= 500 ? 'InternalError' : 'BadRequest'),
    code: httpCode,
  };
  if (retryAfterSeconds !== undefined) status.details = { retryAfterSeconds };
  return status;
}

/** The request never got an HTTP answer: refused, reset, TLS failure, DNS, client-side timeout. */
export class ConnectionError extends Error {
  /** The Node error code of the cause when there is one (`ECONNREFUSED`, `ECONNRESET`, `ETIMEDOUT`). */
  readonly code?: string;
  constructor(message: string, options: { cause?: unknown; code?: string } = {}) {
    super(message, { cause: options.cause });
    this.name = 'ConnectionError';
    this.code = options.code ?? (options.cause as { code?: string } | undefined)?.code;
  }
}
