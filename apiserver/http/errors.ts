// Fastify's error and not-found handlers: the single place that turns any failure into a
// metav1.Status body. Unknown errors become a 500 InternalError without leaking a stack trace.
import type { FastifyError, FastifyInstance } from 'fastify';
import { BadRequestError, InternalError, RequestEntityTooLargeError, StatusError, UnsupportedMediaTypeError } from '../../api/errors.js';

export function toStatusError(err: unknown): StatusError {
  if (err instanceof StatusError) return err;
  const fe = err as FastifyError;
  switch (fe?.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new RequestEntityTooLargeError('Request entity too large: limit is 3145728');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new UnsupportedMediaTypeError(String((fe as any).contentType ?? ''));
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
    case 'FST_ERR_BAD_URL':
    case 'FST_ERR_ASYNC_CONSTRAINT':
      return new BadRequestError(fe.message);
  }
  if (typeof fe?.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500) return new BadRequestError(fe.message);
  return new InternalError(fe?.message ?? String(err));
}

export function installErrorHandlers(app: FastifyInstance): void {
  app.setErrorHandler((err, request, reply) => {
    const status = toStatusError(err);
    if (status.code >= 500) request.log.error({ err }, 'request failed');
    reply.code(status.code).type('application/json').send(status.toStatus());
  });
  app.setNotFoundHandler((_request, reply) => {
    reply.code(404).type('application/json').send(new StatusError(404, 'NotFound', 'the server could not find the requested resource', {}).toStatus());
  });
}
