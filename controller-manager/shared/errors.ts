// Error predicates for controller code (apierrors.IsNotFound, HasStatusCause). Pure.
import { AlreadyExistsError, NotFoundError, StatusError } from '../../client/index.js';

export function isNotFound(err: unknown): boolean {
  return err instanceof NotFoundError || (err instanceof StatusError && err.code === 404);
}

export function isAlreadyExists(err: unknown): boolean {
  return err instanceof AlreadyExistsError || (err instanceof StatusError && err.reason === 'AlreadyExists');
}

/** apierrors.HasStatusCause: the Status carries a cause of this type (e.g. NamespaceTerminating). */
export function hasStatusCause(err: unknown, causeType: string): boolean {
  return err instanceof StatusError && (err.details?.causes ?? []).some((c) => c.type === causeType);
}

/** v1.NamespaceTerminatingCause. */
export const NAMESPACE_TERMINATING_CAUSE = 'NamespaceTerminating';

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
