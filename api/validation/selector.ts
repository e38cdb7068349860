// LabelSelector validation (upstream metav1validation.ValidateLabelSelector) and the matching of a
// template's labels against a workload's selector. Never throws: bad selectors become FieldErrors.

import { field } from '../errors.js';
import { selectorFromLabelSelector, type LabelSelector } from '../labels.js';
import { isQualifiedName, isValidLabelValue, validateLabels } from './names.js';
import { arr, items, obj, str, typeErr, type Errs } from './util.js';


/** Validates a metav1.LabelSelector at `path`; returns true when it is well-formed. */
export function validateLabelSelector(v: unknown, path: string, errs: Errs): boolean {
  const before = errs.length;
  const sel = obj(v, path, errs);
  if (!sel) return errs.length === before;
  errs.push(...validateLabels(sel.matchLabels, `${path}.matchLabels`));
  for (const [expr, p] of items(sel.matchExpressions, `${path}.matchExpressions`, errs)) {
    const op = str(expr.operator, `${p}.operator`, errs);
    const values = arr(expr.values, `${p}.values`, errs);
    if (op === 'In' || op === 'NotIn') {
      if (values.length === 0) errs.push(field.required(`${p}.values`, "must be specified when `operator` is 'In' or 'NotIn'"));
    } else if (op === 'Exists' || op === 'DoesNotExist') {
      if (values.length > 0) errs.push(field.forbidden(`${p}.values`, "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"));
    } else if (op !== undefined || expr.operator === undefined) {
      errs.push(field.invalid(`${p}.operator`, expr.operator ?? '', 'not a valid selector operator'));
    }
    const key = str(expr.key, `${p}.key`, errs) ?? '';
    for (const msg of isQualifiedName(key)) errs.push(field.invalid(`${p}.key`, key, msg));
    values.forEach((val, j) => {
      if (typeof val !== 'string') errs.push(typeErr(`${p}.values[${j}]`, val, 'string'));
      else for (const msg of isValidLabelValue(val)) errs.push(field.invalid(`${p}.values[${j}]`, val, msg));
    });
  }
  return errs.length === before;
}

/** True when the selector has no requirements at all (selects everything). */
export function selectorIsEmpty(v: unknown): boolean {
  if (typeof v !== 'object' || v === null) return true;
  const s = v as { matchLabels?: unknown; matchExpressions?: unknown };
  const ml = typeof s.matchLabels === 'object' && s.matchLabels !== null ? Object.keys(s.matchLabels).length : 0;
  const me = Array.isArray(s.matchExpressions) ? s.matchExpressions.length : 0;
  return ml === 0 && me === 0;
}

/** Matches labels against a selector already validated; undefined when it cannot be converted. */
export function selectorMatches(selector: unknown, labels: Record<string, string>): boolean | undefined {
  try {
    return selectorFromLabelSelector(selector as LabelSelector).matches(labels);
  } catch {
    return undefined;
  }
}
