// Name, label and annotation syntax checks with upstream's exact messages
// (k8s.io/apimachinery/pkg/util/validation and .../apis/meta/v1/validation).
// Pure functions only: no I/O, no knowledge of any resource beyond the strings given.

import { randomInt } from 'node:crypto';
import { field, type FieldError } from '../errors.js';

const qnameCharFmt = '[A-Za-z0-9]';
const qnameExtCharFmt = '[-A-Za-z0-9_.]';
const qualifiedNameFmt = `(${qnameCharFmt}${qnameExtCharFmt}*)?${qnameCharFmt}`;
const qualifiedNameErrMsg =
  "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
const qualifiedNameMaxLength = 63;
const qualifiedNameRegexp = new RegExp(`^${qualifiedNameFmt}$`);

const labelValueFmt = `(${qualifiedNameFmt})?`;
const labelValueErrMsg =
  "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
export const LabelValueMaxLength = 63;
const labelValueRegexp = new RegExp(`^${labelValueFmt}$`);

const dns1123LabelFmt = '[a-z0-9]([-a-z0-9]*[a-z0-9])?';
const dns1123LabelErrMsg =
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character";
export const DNS1123LabelMaxLength = 63;
const dns1123LabelRegexp = new RegExp(`^${dns1123LabelFmt}$`);

const dns1123SubdomainFmt = `${dns1123LabelFmt}(\\.${dns1123LabelFmt})*`;
const dns1123SubdomainErrorMsg =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character";
export const DNS1123SubdomainMaxLength = 253;
const dns1123SubdomainRegexp = new RegExp(`^${dns1123SubdomainFmt}$`);

const dns1035LabelFmt = '[a-z]([-a-z0-9]*[a-z0-9])?';
const dns1035LabelErrMsg =
  "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character";
export const DNS1035LabelMaxLength = 63;
const dns1035LabelRegexp = new RegExp(`^${dns1035LabelFmt}$`);

/** Upstream's TotalAnnotationSizeLimitB: keys plus values, in bytes. */
export const TotalAnnotationSizeLimitB = 256 * 1024;

/** Go's len(): bytes of the UTF-8 encoding. */
function byteLen(s: string): number {
  return Buffer.byteLength(s, 'utf8');
}

export function maxLenError(length: number): string {
  return `must be no more than ${length} characters`;
}

export function emptyError(): string {
  return 'must be non-empty';
}

export function regexError(msg: string, fmt: string, ...examples: string[]): string {
  if (examples.length === 0) return `${msg} (regex used for validation is '${fmt}')`;
  // Upstream's examples read `'a',  or 'b', ` (two spaces): clients match these strings, so keep them.
  const shown = examples.map((e) => `'${e}', `).join(' or ');
  return `${msg} (e.g. ${shown}regex used for validation is '${fmt}')`;
}

export function isDNS1123Subdomain(v: string): string[] {
  const errs: string[] = [];
  if (byteLen(v) > DNS1123SubdomainMaxLength) errs.push(maxLenError(DNS1123SubdomainMaxLength));
  if (!dns1123SubdomainRegexp.test(v)) errs.push(regexError(dns1123SubdomainErrorMsg, dns1123SubdomainFmt, 'example.com'));
  return errs;
}

export function isDNS1123Label(v: string): string[] {
  const errs: string[] = [];
  if (byteLen(v) > DNS1123LabelMaxLength) errs.push(maxLenError(DNS1123LabelMaxLength));
  if (!dns1123LabelRegexp.test(v)) {
    // Dots are the only difference from a subdomain, so say so plainly, as upstream does.
    if (dns1123SubdomainRegexp.test(v)) errs.push('must not contain dots');
    else errs.push(regexError(dns1123LabelErrMsg, dns1123LabelFmt, 'my-name', '123-abc'));
  }
  return errs;
}

export function isDNS1035Label(v: string): string[] {
  const errs: string[] = [];
  if (byteLen(v) > DNS1035LabelMaxLength) errs.push(maxLenError(DNS1035LabelMaxLength));
  if (!dns1035LabelRegexp.test(v)) errs.push(regexError(dns1035LabelErrMsg, dns1035LabelFmt, 'my-name', 'abc-123'));
  return errs;
}

/** Label and annotation keys: `[prefix/]name`, prefix a DNS-1123 subdomain. */
export function isQualifiedName(v: string): string[] {
  const errs: string[] = [];
  const parts = v.split('/');
  let name: string;
  if (parts.length === 1) {
    name = parts[0]!;
  } else if (parts.length === 2) {
    const prefix = parts[0]!;
    name = parts[1]!;
    if (prefix.length === 0) errs.push(`prefix part ${emptyError()}`);
    else errs.push(...isDNS1123Subdomain(prefix).map((m) => `prefix part ${m}`));
  } else {
    return [
      `a qualified name ${regexError(qualifiedNameErrMsg, qualifiedNameFmt, 'MyName', 'my.name', '123-abc')}` +
        " with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')",
    ];
  }
  if (name.length === 0) errs.push(`name part ${emptyError()}`);
  else if (byteLen(name) > qualifiedNameMaxLength) errs.push(`name part ${maxLenError(qualifiedNameMaxLength)}`);
  if (!qualifiedNameRegexp.test(name)) {
    errs.push(`name part ${regexError(qualifiedNameErrMsg, qualifiedNameFmt, 'MyName', 'my.name', '123-abc')}`);
  }
  return errs;
}

export function isValidLabelValue(v: string): string[] {
  const errs: string[] = [];
  if (byteLen(v) > LabelValueMaxLength) errs.push(maxLenError(LabelValueMaxLength));
  if (!labelValueRegexp.test(v)) errs.push(regexError(labelValueErrMsg, labelValueFmt, 'MyValue', 'my_value', '12345'));
  return errs;
}

function stringMap(m: unknown, path: string): { entries: [string, string][]; errs: FieldError[] } {
  if (m === undefined || m === null) return { entries: [], errs: [] };
  if (typeof m !== 'object' || Array.isArray(m)) {
    return { entries: [], errs: [field.typeInvalid(path, m, 'must be of type object')] };
  }
  const entries: [string, string][] = [];
  const errs: FieldError[] = [];
  for (const [k, v] of Object.entries(m as Record<string, unknown>)) {
    if (typeof v !== 'string') errs.push(field.typeInvalid(`${path}.${k}`, v, 'must be of type string'));
    else entries.push([k, v]);
  }
  return { entries, errs };
}

/** metav1validation.ValidateLabels: every error is reported against `path` itself, as upstream. */
export function validateLabels(labels: unknown, path: string): FieldError[] {
  const { entries, errs } = stringMap(labels, path);
  for (const [k, v] of entries) {
    for (const msg of isQualifiedName(k)) errs.push(field.invalid(path, k, msg));
    for (const msg of isValidLabelValue(v)) errs.push(field.invalid(path, v, msg));
  }
  return errs;
}

/** apimachinery ValidateAnnotations: keys are qualified names compared case-insensitively; total size capped. */
export function validateAnnotations(annotations: unknown, path: string): FieldError[] {
  const { entries, errs } = stringMap(annotations, path);
  let total = 0;
  for (const [k, v] of entries) {
    for (const msg of isQualifiedName(k.toLowerCase())) errs.push(field.invalid(path, k, msg));
    total += byteLen(k) + byteLen(v);
  }
  if (total > TotalAnnotationSizeLimitB) errs.push(field.tooLong(path, TotalAnnotationSizeLimitB));
  return errs;
}

export type ObjectNameKind = 'subdomain' | 'label' | '1035';

/**
 * Validates metadata.name the way a resource's ValidateNameFunc does. An empty name gives
 * upstream's `name or generateName is required`; a caller that allows generateName checks first.
 */
export function validateObjectName(name: string, kind: ObjectNameKind, path = 'metadata.name'): FieldError[] {
  if (name === '') return [field.required(path, 'name or generateName is required')];
  const check = kind === 'subdomain' ? isDNS1123Subdomain : kind === 'label' ? isDNS1123Label : isDNS1035Label;
  return check(name).map((msg) => field.invalid(path, name, msg));
}

/** upstream utilrand's alphabet: no vowels (no words) and no easily confused characters. */
const SUFFIX_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

/** The 5 random characters appended to generateName (names.SimpleNameGenerator). */
export function generateNameSuffix(): string {
  let s = '';
  for (let i = 0; i < 5; i++) s += SUFFIX_ALPHABET[randomInt(SUFFIX_ALPHABET.length)];
  return s;
}
