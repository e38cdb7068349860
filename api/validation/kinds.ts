// The shape every per-kind validator has; index.ts runs ObjectMeta checks and then these.
// Validators only push FieldErrors; they never throw and never mutate the objects they read.

import type { NameCheck } from './meta.js';
import type { Errs, Obj } from './util.js';

export interface KindValidator {
  /** How metadata.name is checked (upstream's ValidateNameFunc of the kind). */
  name: NameCheck;
  /** Checks of a new object beyond ObjectMeta (also run on the new object of an update). */
  validate?(obj: Obj, errs: Errs): void;
  /** Checks only a create makes (e.g. CronJob name length). */
  createOnly?(obj: Obj, errs: Errs): void;
  /** Transition checks of an update (immutable fields). */
  update?(newObj: Obj, oldObj: Obj, errs: Errs): void;
}
