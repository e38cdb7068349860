// How the k8ts CLI reports failures: one line, as kubectl prints it (`Error from server (NotFound):
// pods "x" not found`, `error: ...`), exit code 1. Never a stack trace.
import { StatusError } from '../api/errors.js';
import { ConnectionError } from '../client/index.js';

/** A failure the CLI itself detects (bad flags, unreadable manifest): printed as `error: MESSAGE`. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

/** The line kubectl prints for an error, with an optional context such as `error when creating "f.yaml"`. */
export function formatError(err: unknown, context?: string): string {
  if (err instanceof StatusError) {
    const where = context ? `${context}: ` : '';
    if (err.reason === 'Invalid' && !context) return `The ${err.message.replace(/^([A-Za-z]+)(\.[a-z0-9.-]+)? /, '$1 ')}`;
    return `Error from server${err.reason ? ` (${err.reason})` : ''}: ${where}${err.message}`;
  }
  if (err instanceof ConnectionError) {
    return `error: ${context ? `${context}: ` : ''}${err.message}`;
  }
  const message = err instanceof Error ? err.message : String(err);
  return `error: ${context ? `${context}: ` : ''}${message}`;
}
