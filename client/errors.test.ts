import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
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
  NotFoundError,
  RequestEntityTooLargeError,
  ServiceUnavailableError,
  StatusError,
  TimeoutError,
  TooManyRequestsError,
  UnauthorizedError,
  UnsupportedMediaTypeError,
  type Status,
} from '../api/errors.js';
import { ConnectionError, statusErrorFrom, statusFromBody } from './errors.js';

const status = (reason: string | undefined, code: number, message = `server says ${reason}`, details?: Status['details']): Status => ({
  kind: 'Status',
  apiVersion: 'v1',
  metadata: {},
  status: 'Failure',
  message,
  ...(reason === undefined ? {} : { reason }),
  ...(details ? { details } : {}),
  code,
});

describe('statusErrorFrom', () => {
  const cases: [string, number, abstract new (...args: never[]) => StatusError][] = [
    ['NotFound', 404, NotFoundError],
    ['AlreadyExists', 409, AlreadyExistsError],
    ['Conflict', 409, ConflictError],
    ['Invalid', 422, InvalidError],
    ['BadRequest', 400, BadRequestError],
    ['Unauthorized', 401, UnauthorizedError],
    ['Forbidden', 403, ForbiddenError],
    ['Expired', 410, GoneError],
    ['Gone', 410, GoneError],
    ['ServiceUnavailable', 503, ServiceUnavailableError],
    ['TooManyRequests', 429, TooManyRequestsError],
    ['Timeout', 504, TimeoutError],
    ['InternalError', 500, InternalError],
    ['MethodNotAllowed', 405, MethodNotAllowedError],
    ['RequestEntityTooLarge', 413, RequestEntityTooLargeError],
    ['UnsupportedMediaType', 415, UnsupportedMediaTypeError],
  ];
  for (const [reason, code, Class] of cases) {
    it(`${reason} -> ${Class.name}, keeping the server's message, code and details`, () => {
      const details = { name: 'x', kind: 'pods', retryAfterSeconds: 3 };
      const err = statusErrorFrom(status(reason, code, `the words of the server about ${reason}`, details), code);
      assert.ok(err instanceof Class);
      assert.ok(err instanceof StatusError);
      assert.ok(err instanceof Error);
      assert.equal(err.name, Class.name);
      assert.equal(err.message, `the words of the server about ${reason}`);
      assert.equal(err.reason, reason);
      assert.equal(err.code, code);
      assert.deepEqual(err.details, details);
      assert.deepEqual(err.toStatus(), status(reason, code, `the words of the server about ${reason}`, details));
    });
  }

  it('keeps an InvalidError\'s causes as field errors with the server\'s messages', () => {
    const causes = [
      { type: 'FieldValueRequired', message: 'Required value', field: 'spec.containers' },
      { type: 'FieldValueInvalid', message: 'Invalid value: "Bad": a lowercase RFC 1123 subdomain must consist of...', field: 'metadata.name' },
    ];
    const err = statusErrorFrom(status('Invalid', 422, 'Pod "Bad" is invalid: [...]', { name: 'Bad', kind: 'Pod', causes }), 422);
    assert.ok(err instanceof InvalidError);
    assert.equal(err.fieldErrors.length, 2);
    assert.ok(err.fieldErrors[0] instanceof FieldError);
    assert.deepEqual(err.fieldErrors.map((f) => [f.type, f.field, f.message]), causes.map((c) => [c.type, c.field, c.message]));
    assert.equal(err.fieldErrors[1].toString(), `metadata.name: ${causes[1].message}`);
  });

  it('gives a plain StatusError for an unknown reason, and falls back to the HTTP code without one', () => {
    const unknown = statusErrorFrom(status('SomethingNew', 418), 418);
    assert.equal(Object.getPrototypeOf(unknown), StatusError.prototype);
    assert.equal(unknown.reason, 'SomethingNew');
    const noReason = statusErrorFrom({ ...status(undefined, 0, 'gone away'), code: 0 }, 404);
    assert.ok(noReason instanceof NotFoundError);
    assert.equal(noReason.code, 404);
    assert.equal(noReason.message, 'gone away');
  });

  it('describes an answer without a Status body by its code, as client-go does', () => {
    const s = statusFromBody(503, '', 2);
    assert.equal(s.reason, 'ServiceUnavailable');
    assert.equal(s.message, 'the server is currently unable to handle the request');
    assert.deepEqual(s.details, { retryAfterSeconds: 2 });
    const withText = statusFromBody(404, '404 page not found\n');
    assert.equal(withText.message, 'the server could not find the requested resource (404: 404 page not found)');
    assert.ok(statusErrorFrom(withText, 404) instanceof NotFoundError);
  });
});

describe('ConnectionError', () => {
  it('is named, carries its cause and the cause\'s code', () => {
    const cause = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' });
    const err = new ConnectionError('GET https://127.0.0.1:1/version: connect ECONNREFUSED', { cause });
    assert.equal(err.name, 'ConnectionError');
    assert.equal(err.code, 'ECONNREFUSED');
    assert.equal(err.cause, cause);
  });
});
