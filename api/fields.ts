// Field selectors as upstream's k8s.io/apimachinery/pkg/fields: `a=b`, `a==b`, `a!=b`, comma-joined,
// values escaped with `\` (for `\`, `,` and `=`, exactly upstream's set). Pure: no I/O; which fields a
// resource supports and how to read them from an object belong to the caller.

import { BadRequestError } from './errors.js';
import { SelectorParseError } from './labels.js';

export interface FieldRequirement {
  readonly field: string;
  readonly operator: '=' | '!=';
  /** Unescaped value. */
  readonly value: string;
}

export interface FieldSelector {
  readonly requirements: readonly FieldRequirement[];
  /** `get` returns a field's value; undefined is treated as '' (upstream's fields.Set.Get). */
  matches(get: (field: string) => string | undefined): boolean;
  /** The fields named, in selector order (may repeat). */
  fields(): string[];
  /** True when the selector has no requirements and so matches everything. */
  empty(): boolean;
  /** The value an `=` requirement on `field` demands, if any (upstream RequiresExactMatch). */
  requiresExactMatch(field: string): string | undefined;
  /** Canonical form: terms sorted as upstream parses them, values re-escaped. */
  toString(): string;
}

/** upstream fields.EscapeValue. */
export function escapeValue(s: string): string {
  return s.replace(/[\\,=]/g, (c) => `\\${c}`);
}

/** upstream fields.UnescapeValue, with its error texts (the rune is printed as its code, as Go's %v does). */
export function unescapeValue(s: string): string {
  if (!/[\\,=]/.test(s)) return s;
  let out = '';
  let inSlash = false;
  for (const c of s) {
    if (inSlash) {
      if (c === '\\' || c === ',' || c === '=') out += c;
      else throw new SelectorParseError(`invalid field selector: invalid escape sequence: \\${c}`);
      inSlash = false;
      continue;
    }
    if (c === '\\') inSlash = true;
    else if (c === ',' || c === '=') throw new SelectorParseError(`invalid field selector: unescaped character in value: ${c.codePointAt(0)}`);
    else out += c;
  }
  if (inSlash) throw new SelectorParseError('invalid field selector: invalid escape sequence: \\');
  return out;
}

/** Splits on commas that are not escaped. */
function splitTerms(s: string): string[] {
  if (s.length === 0) return [];
  const terms: string[] = [];
  let start = 0;
  let inSlash = false;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (inSlash) inSlash = false;
    else if (c === '\\') inSlash = true;
    else if (c === ',') {
      terms.push(s.slice(start, i));
      start = i + 1;
    }
  }
  terms.push(s.slice(start));
  return terms;
}

// '==' before '=' so a leading '=' is not left on the value.
const TERM_OPERATORS = ['!=', '==', '='] as const;

function splitTerm(term: string): { lhs: string; op: (typeof TERM_OPERATORS)[number]; rhs: string } | undefined {
  for (let i = 0; i < term.length; i++) {
    for (const op of TERM_OPERATORS) {
      if (term.startsWith(op, i)) return { lhs: term.slice(0, i), op, rhs: term.slice(i + op.length) };
    }
  }
  return undefined;
}

function termString(r: FieldRequirement): string {
  return `${r.field}${r.operator}${escapeValue(r.value)}`;
}

class AndSelector implements FieldSelector {
  readonly requirements: readonly FieldRequirement[];
  constructor(reqs: readonly FieldRequirement[]) {
    this.requirements = Object.freeze([...reqs]);
  }
  matches(get: (field: string) => string | undefined): boolean {
    return this.requirements.every((r) => {
      const v = get(r.field) ?? '';
      return r.operator === '=' ? v === r.value : v !== r.value;
    });
  }
  fields(): string[] {
    return this.requirements.map((r) => r.field);
  }
  empty(): boolean {
    return this.requirements.length === 0;
  }
  requiresExactMatch(field: string): string | undefined {
    // Upstream answers only for a single-term selector or an and of terms; same here.
    return this.requirements.find((r) => r.field === field && r.operator === '=')?.value;
  }
  toString(): string {
    return this.requirements.map(termString).join(',');
  }
}

/** fields.ParseSelector: '' selects everything; throws SelectorParseError with upstream's messages. */
export function parseFieldSelector(s: string): FieldSelector {
  // Upstream sorts the raw terms (Go's byte order) before parsing them.
  const parts = splitTerms(s).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const reqs: FieldRequirement[] = [];
  for (const part of parts) {
    if (part === '') continue;
    const t = splitTerm(part);
    if (!t) throw new SelectorParseError(`invalid selector: '${s}'; can't understand '${part}'`);
    const value = unescapeValue(t.rhs);
    reqs.push({ field: t.lhs, operator: t.op === '!=' ? '!=' : '=', value });
  }
  return new AndSelector(reqs);
}

/** fields.SelectorFromSet: `=` for each entry, sorted by field. */
export function fieldSelectorFromSet(set: Record<string, string> | undefined | null): FieldSelector {
  const entries = Object.entries(set ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return new AndSelector(entries.map(([field, value]) => ({ field, operator: '=' as const, value })));
}

/** A selector that matches everything (fields.Everything()). */
export function everythingFields(): FieldSelector {
  return new AndSelector([]);
}

/**
 * Rejects a selector naming a field the resource cannot be selected by, with upstream's
 * ConvertFieldLabel message. `resourceDesc` (e.g. 'pods') is not part of the message, as upstream; it
 * is kept so the caller can say what it checked against.
 */
export function requireFieldsSupported(sel: FieldSelector, supported: readonly string[], resourceDesc: string): void {
  void resourceDesc;
  for (const f of sel.fields()) {
    if (!supported.includes(f)) throw new BadRequestError(`field label not supported: ${f}`);
  }
}
