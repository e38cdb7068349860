// Label selectors as upstream's k8s.io/apimachinery/pkg/labels: the string grammar, metav1.LabelSelector
// conversion, matching and the canonical string form. Pure: no I/O, and a Selector is never mutated
// after it is built (add() returns a new one).

import { isQualifiedName, isValidLabelValue } from './validation/names.js';

/** A selector string or LabelSelector that upstream would reject. The message is upstream's. */
export class SelectorParseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SelectorParseError';
  }
}

/** upstream selection.Operator values. */
export type Operator = 'in' | 'notin' | '=' | '==' | '!=' | 'exists' | '!' | 'gt' | 'lt';

export interface Requirement {
  readonly key: string;
  readonly operator: Operator;
  /** Sorted and de-duplicated when parsed from a string, as upstream's sets.String.List(). */
  readonly values: readonly string[];
}

export interface Selector {
  matches(labels: Record<string, string> | undefined): boolean;
  /** True only for the select-everything selector (no requirements). */
  empty(): boolean;
  /** Canonical form: requirements sorted by key, values of each sorted. '' for everything and nothing. */
  toString(): string;
  readonly requirements: readonly Requirement[];
  /** A new selector with extra requirements (upstream's Selector.Add). */
  add(...reqs: Requirement[]): Selector;
}

/** The metav1.LabelSelector shape (kubernetes-types' LabelSelector is assignable to it). */
export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: { key: string; operator: string; values?: string[] }[];
}

// ---- requirement construction and validation (labels.NewRequirement) ----

/** Go's %#v for the values upstream puts in field errors. */
function goValue(v: string | readonly string[]): string {
  if (typeof v === 'string') return JSON.stringify(v);
  return `[]string{${v.map((s) => JSON.stringify(s)).join(', ')}}`;
}

function invalid(path: string, value: string | readonly string[], detail: string): string {
  return `${path}: Invalid value: ${goValue(value)}: ${detail}`;
}

function aggregate(errs: string[]): string {
  return errs.length === 1 ? errs[0]! : `[${errs.join(', ')}]`;
}

function keyError(key: string, path: string): string | undefined {
  const errs = isQualifiedName(key);
  return errs.length ? invalid(path, key, errs.join('; ')) : undefined;
}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** strconv.ParseInt(s, 10, 64); undefined when Go would return an error. */
function parseInt64(s: string): bigint | undefined {
  if (!/^[+-]?[0-9]+$/.test(s)) return undefined;
  const n = BigInt(s);
  return n < INT64_MIN || n > INT64_MAX ? undefined : n;
}

const VALID_OPERATORS: readonly Operator[] = ['!', '=', '==', 'in', '!=', 'notin', 'exists', 'gt', 'lt'];

/**
 * Builds a validated requirement as upstream's labels.NewRequirement, throwing SelectorParseError with
 * upstream's aggregated field errors. `path` is the field path prefix ('' renders as upstream's nil path).
 */
export function newRequirement(key: string, operator: Operator, values: readonly string[], path = ''): Requirement {
  const errs: string[] = [];
  const child = (name: string) => (path ? `${path}.${name}` : name);
  const ke = keyError(key, child('key'));
  if (ke) errs.push(ke);
  const valuePath = child('values');
  switch (operator) {
    case 'in':
    case 'notin':
      if (values.length === 0) errs.push(invalid(valuePath, values, "for 'in', 'notin' operators, values set can't be empty"));
      break;
    case '=':
    case '==':
    case '!=':
      if (values.length !== 1) errs.push(invalid(valuePath, values, 'exact-match compatibility requires one single value'));
      break;
    case 'exists':
    case '!':
      if (values.length !== 0) errs.push(invalid(valuePath, values, 'values set must be empty for exists and does not exist'));
      break;
    case 'gt':
    case 'lt':
      if (values.length !== 1) errs.push(invalid(valuePath, values, "for 'Gt', 'Lt' operators, exactly one value is required"));
      values.forEach((v, i) => {
        if (parseInt64(v) === undefined) errs.push(invalid(`${valuePath}[${i}]`, v, "for 'Gt', 'Lt' operators, the value must be an integer"));
      });
      break;
    default:
      errs.push(
        `${child('operator')}: Unsupported value: ${JSON.stringify(operator)}: supported values: ${VALID_OPERATORS.map((o) => JSON.stringify(o)).join(', ')}`,
      );
  }
  values.forEach((v, i) => {
    const ve = isValidLabelValue(v);
    if (ve.length) errs.push(invalid(`${valuePath}[${i}][${key}]`, v, ve.join('; ')));
  });
  if (errs.length) throw new SelectorParseError(aggregate(errs));
  return { key, operator, values: [...values] };
}

function requirementMatches(r: Requirement, labels: Record<string, string>): boolean {
  const has = Object.prototype.hasOwnProperty.call(labels, r.key);
  const value = has ? labels[r.key]! : '';
  switch (r.operator) {
    case 'in':
    case '=':
    case '==':
      return has && r.values.includes(value);
    case 'notin':
    case '!=':
      return !has || !r.values.includes(value);
    case 'exists':
      return has;
    case '!':
      return !has;
    case 'gt':
    case 'lt': {
      if (!has || r.values.length !== 1) return false;
      const lv = parseInt64(value);
      const rv = parseInt64(r.values[0]!);
      if (lv === undefined || rv === undefined) return false;
      return r.operator === 'gt' ? lv > rv : lv < rv;
    }
    default:
      return false;
  }
}

/** Requirement.String() of upstream. */
export function requirementToString(r: Requirement): string {
  let s = r.operator === '!' ? `!${r.key}` : r.key;
  switch (r.operator) {
    case 'exists':
    case '!':
      return s;
    case '=':
    case '==':
    case '!=':
      s += r.operator;
      break;
    case 'in':
    case 'notin':
      s += ` ${r.operator} `;
      break;
    case 'gt':
      s += '>';
      break;
    case 'lt':
      s += '<';
      break;
  }
  const vals = r.values.length === 1 ? r.values[0]! : [...r.values].sort().join(',');
  return r.operator === 'in' || r.operator === 'notin' ? `${s}(${vals})` : s + vals;
}

function byKey(a: Requirement, b: Requirement): number {
  return a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
}

class InternalSelector implements Selector {
  readonly requirements: readonly Requirement[];
  constructor(reqs: readonly Requirement[]) {
    this.requirements = Object.freeze([...reqs].sort(byKey));
  }
  matches(labels: Record<string, string> | undefined): boolean {
    const ls = labels ?? {};
    return this.requirements.every((r) => requirementMatches(r, ls));
  }
  empty(): boolean {
    return this.requirements.length === 0;
  }
  toString(): string {
    return this.requirements.map(requirementToString).join(',');
  }
  add(...reqs: Requirement[]): Selector {
    return new InternalSelector([...this.requirements, ...reqs]);
  }
}

const NOTHING: Selector = Object.freeze({
  requirements: Object.freeze([]) as readonly Requirement[],
  matches: () => false,
  empty: () => false,
  toString: () => '',
  add(): Selector {
    return NOTHING;
  },
});

/** Selects every object (upstream labels.Everything()). */
export function everything(): Selector {
  return new InternalSelector([]);
}

/** Selects no object (upstream labels.Nothing()). */
export function nothing(): Selector {
  return NOTHING;
}

/** Equality requirements for each entry, without validation (upstream SelectorFromSet). */
export function selectorFromSet(set: Record<string, string> | undefined | null): Selector {
  if (!set) return everything();
  return new InternalSelector(Object.entries(set).map(([key, v]) => ({ key, operator: '=' as const, values: [v] })));
}

/** Like selectorFromSet but validates keys and values (upstream ValidatedSelectorFromSet). */
export function validatedSelectorFromSet(set: Record<string, string> | undefined | null): Selector {
  if (!set) return everything();
  return new InternalSelector(Object.entries(set).map(([k, v]) => newRequirement(k, '=', [v])));
}

/**
 * metav1.LabelSelectorAsSelector: a null/undefined selector matches NOTHING, an empty one `{}` matches
 * EVERYTHING. Throws SelectorParseError for an unknown operator or values that break the operator's rules.
 */
export function selectorFromLabelSelector(ls: LabelSelector | null | undefined): Selector {
  if (ls === null || ls === undefined) return nothing();
  const matchLabels = ls.matchLabels ?? {};
  const exprs = ls.matchExpressions ?? [];
  if (Object.keys(matchLabels).length + exprs.length === 0) return everything();
  const reqs: Requirement[] = [];
  for (const [k, v] of Object.entries(matchLabels)) reqs.push(newRequirement(k, '=', [v]));
  for (const e of exprs) {
    const op = LABEL_SELECTOR_OPS[e.operator];
    if (!op) throw new SelectorParseError(`${JSON.stringify(e.operator)} is not a valid label selector operator`);
    reqs.push(newRequirement(e.key, op, [...(e.values ?? [])]));
  }
  return new InternalSelector(reqs);
}

/** Upstream's name for selectorFromLabelSelector. */
export const labelSelectorAsSelector = selectorFromLabelSelector;

const LABEL_SELECTOR_OPS: Record<string, Operator | undefined> = Object.assign(Object.create(null) as Record<string, Operator>, {
  In: 'in',
  NotIn: 'notin',
  Exists: 'exists',
  DoesNotExist: '!',
});

/** metav1.FormatLabelSelector: what kubectl prints in SELECTOR columns; `<none>` when empty, `<error>` when invalid. */
export function formatLabelSelector(ls: LabelSelector | null | undefined): string {
  let s: string;
  try {
    s = selectorFromLabelSelector(ls).toString();
  } catch {
    return '<error>';
  }
  return s.length === 0 ? '<none>' : s;
}

// ---- the string grammar (labels.Lexer and labels.Parser) ----

type Tok =
  | 'error'
  | 'eos'
  | 'closedPar'
  | 'comma'
  | 'doesNotExist'
  | 'doubleEquals'
  | 'equals'
  | 'greaterThan'
  | 'identifier'
  | 'in'
  | 'lessThan'
  | 'notEquals'
  | 'notIn'
  | 'openPar';

const STRING_TO_TOKEN: Record<string, Tok | undefined> = Object.assign(Object.create(null) as Record<string, Tok>, {
  ')': 'closedPar',
  ',': 'comma',
  '!': 'doesNotExist',
  '==': 'doubleEquals',
  '=': 'equals',
  '>': 'greaterThan',
  in: 'in',
  '<': 'lessThan',
  '!=': 'notEquals',
  notin: 'notIn',
  '(': 'openPar',
});

const isWhitespace = (ch: string) => ch === ' ' || ch === '\t' || ch === '\r' || ch === '\n';
const isSpecial = (ch: string) => '=!(),><'.includes(ch) && ch !== '';

interface Item {
  tok: Tok;
  lit: string;
}

function lex(input: string): Item[] {
  let pos = 0;
  // Go's lexer reads a zero byte at the end of input (and stops at an embedded NUL the same way).
  const read = () => {
    const ch = pos < input.length ? input[pos]! : '\0';
    pos++;
    return ch;
  };
  const unread = () => {
    pos--;
  };
  const items: Item[] = [];
  for (;;) {
    let ch = read();
    while (isWhitespace(ch)) ch = read();
    if (ch === '\0') {
      items.push({ tok: 'eos', lit: '' });
      return items;
    }
    unread();
    if (isSpecial(ch)) {
      let buf = '';
      let last: Item | undefined;
      for (;;) {
        const c = read();
        if (c === '\0') break;
        if (!isSpecial(c)) {
          unread();
          break;
        }
        buf += c;
        const t = STRING_TO_TOKEN[buf];
        if (t) last = { tok: t, lit: buf };
        else if (last) {
          unread();
          break;
        }
      }
      items.push(last ?? { tok: 'error', lit: `error expected: keyword found '${buf}'` });
    } else {
      let buf = '';
      for (;;) {
        const c = read();
        if (c === '\0') break;
        if (isSpecial(c) || isWhitespace(c)) {
          unread();
          break;
        }
        buf += c;
      }
      items.push({ tok: STRING_TO_TOKEN[buf] ?? 'identifier', lit: buf });
    }
  }
}

const BINARY_OPERATORS = ['in', 'notin', '=', '==', '!=', 'gt', 'lt'].join(', ');

class Parser {
  private pos = 0;
  constructor(private readonly items: Item[]) {}

  /** In the Values context the keywords `in`/`notin` are plain identifiers. */
  private lookahead(values: boolean): Item {
    return this.asContext(this.items[this.pos]!, values);
  }
  private consume(values: boolean): Item {
    return this.asContext(this.items[this.pos++]!, values);
  }
  private asContext(it: Item, values: boolean): Item {
    return values && (it.tok === 'in' || it.tok === 'notIn') ? { tok: 'identifier', lit: it.lit } : it;
  }

  parse(): Requirement[] {
    const reqs: Requirement[] = [];
    for (;;) {
      const { tok, lit } = this.lookahead(true);
      if (tok === 'identifier' || tok === 'doesNotExist') {
        let r: Requirement;
        try {
          r = this.parseRequirement();
        } catch (err) {
          if (err instanceof SelectorParseError) throw new SelectorParseError(`unable to parse requirement: ${err.message}`);
          throw err;
        }
        reqs.push(r);
        const t = this.consume(true);
        if (t.tok === 'eos') return reqs;
        if (t.tok === 'comma') {
          const t2 = this.lookahead(true);
          if (t2.tok !== 'identifier' && t2.tok !== 'doesNotExist') {
            throw new SelectorParseError(`found '${t2.lit}', expected: identifier after ','`);
          }
        } else {
          throw new SelectorParseError(`found '${t.lit}', expected: ',' or 'end of string'`);
        }
      } else if (tok === 'eos') {
        return reqs;
      } else {
        throw new SelectorParseError(`found '${lit}', expected: !, identifier, or 'end of string'`);
      }
    }
  }

  private parseRequirement(): Requirement {
    let op: Operator | undefined;
    let t = this.consume(true);
    if (t.tok === 'doesNotExist') {
      op = '!';
      t = this.consume(true);
    }
    if (t.tok !== 'identifier') throw new SelectorParseError(`found '${t.lit}', expected: identifier`);
    const key = t.lit;
    const ke = keyError(key, '<nil>');
    if (ke) throw new SelectorParseError(ke);
    const next = this.lookahead(true).tok;
    if ((next === 'eos' || next === 'comma') && op === undefined) op = 'exists';
    if (op === 'exists' || op === '!') return newRequirement(key, op, []);

    op = this.parseOperator();
    const values = op === 'in' || op === 'notin' ? this.parseValues() : this.parseExactValue();
    return newRequirement(key, op, [...values].sort());
  }

  private parseOperator(): Operator {
    const { tok, lit } = this.consume(false);
    switch (tok) {
      case 'in':
        return 'in';
      case 'equals':
        return '=';
      case 'doubleEquals':
        return '==';
      case 'greaterThan':
        return 'gt';
      case 'lessThan':
        return 'lt';
      case 'notIn':
        return 'notin';
      case 'notEquals':
        return '!=';
      default:
        throw new SelectorParseError(`found '${lit}', expected: ${BINARY_OPERATORS}`);
    }
  }

  private parseValues(): Set<string> {
    let t = this.consume(true);
    if (t.tok !== 'openPar') throw new SelectorParseError(`found '${t.lit}' expected: '('`);
    t = this.lookahead(true);
    switch (t.tok) {
      case 'identifier':
      case 'comma': {
        const s = this.parseIdentifiersList();
        if (this.consume(true).tok !== 'closedPar') throw new SelectorParseError(`found '${t.lit}', expected: ')'`);
        return s;
      }
      case 'closedPar':
        this.consume(true);
        return new Set(['']);
      default:
        throw new SelectorParseError(`found '${t.lit}', expected: ',', ')' or identifier`);
    }
  }

  private parseIdentifiersList(): Set<string> {
    const s = new Set<string>();
    for (;;) {
      const t = this.consume(true);
      if (t.tok === 'identifier') {
        s.add(t.lit);
        const t2 = this.lookahead(true);
        if (t2.tok === 'comma') continue;
        if (t2.tok === 'closedPar') return s;
        throw new SelectorParseError(`found '${t2.lit}', expected: ',' or ')'`);
      } else if (t.tok === 'comma') {
        // "(,", ",)" and ",," each stand for an empty value.
        if (s.size === 0) s.add('');
        const t2 = this.lookahead(true);
        if (t2.tok === 'closedPar') {
          s.add('');
          return s;
        }
        if (t2.tok === 'comma') {
          this.consume(true);
          s.add('');
        }
      } else {
        throw new SelectorParseError(`found '${t.lit}', expected: ',', or identifier`);
      }
    }
  }

  private parseExactValue(): Set<string> {
    const la = this.lookahead(true);
    if (la.tok === 'eos' || la.tok === 'comma') return new Set(['']);
    const t = this.consume(true);
    if (t.tok === 'identifier') return new Set([t.lit]);
    throw new SelectorParseError(`found '${t.lit}', expected: identifier`);
  }
}

/** labels.Parse: the `?labelSelector=` grammar. '' selects everything. Throws SelectorParseError. */
export function parseSelector(s: string): Selector {
  return new InternalSelector(new Parser(lex(s)).parse());
}
