// kubectl's JSONPath template language (client-go util/jsonpath): `{.a.b}`, `[*]`, `[i]`, `[a:b]`,
// `[?(@.x=="y")]`, `..`, `range`/`end`, quoted literals. Parses and evaluates on plain JSON values;
// never touches the network or the objects it is given.
import { goJson } from './go-json.js';

export class JsonPathError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'JsonPathError';
  }
}

type Segment =
  | { t: 'field'; name: string }
  | { t: 'wild' }
  | { t: 'recursive' }
  | { t: 'slice'; start?: number; end?: number; step?: number; single: boolean }
  | { t: 'union'; indices: number[] }
  | { t: 'filter'; left: Operand; op?: string; right?: Operand };

type Operand = { t: 'path'; root: boolean; segments: Segment[] } | { t: 'lit'; value: unknown };

type Node =
  | { t: 'text'; text: string }
  | { t: 'path'; root: boolean; segments: Segment[] }
  | { t: 'lit'; value: string }
  | { t: 'range'; path: { root: boolean; segments: Segment[] }; body: Node[] };

/** Parses a template into nodes; throws JsonPathError with kubectl's wording on bad syntax. */
export function parseTemplate(template: string): Node[] {
  const root: Node[] = [];
  const stack: { body: Node[] }[] = [{ body: root }];
  let i = 0;
  while (i < template.length) {
    const open = template.indexOf('{', i);
    if (open < 0) {
      stack[stack.length - 1].body.push({ t: 'text', text: template.slice(i) });
      break;
    }
    if (open > i) stack[stack.length - 1].body.push({ t: 'text', text: template.slice(i, open) });
    const close = findClose(template, open + 1);
    if (close < 0) {
      // client-go reports what is wrong inside the action before the missing brace
      splitActions(template.slice(open + 1).trim());
      throw new JsonPathError(`unclosed action`);
    }
    const inner = template.slice(open + 1, close).trim();
    i = close + 1;
    if (inner === 'end') {
      if (stack.length === 1) throw new JsonPathError('not in range, nothing to end');
      stack.pop();
      continue;
    }
    if (inner.startsWith('range ') || inner.startsWith('range\t')) {
      const node: Node = { t: 'range', path: parsePath(inner.slice(6).trim()), body: [] };
      stack[stack.length - 1].body.push(node);
      stack.push(node);
      continue;
    }
    for (const part of splitActions(inner)) stack[stack.length - 1].body.push(part);
  }
  if (stack.length > 1) throw new JsonPathError('unclosed range');
  return root;
}

/** The index of the `}` closing an action, skipping quoted strings. */
function findClose(s: string, from: number): number {
  let quote = '';
  for (let i = from; i < s.length; i++) {
    const c = s[i];
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = '';
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '}') return i;
  }
  return -1;
}

/** One action may hold a quoted literal or a path (several separated by spaces are not supported by kubectl either). */
function splitActions(inner: string): Node[] {
  if (inner.startsWith('"')) return [{ t: 'lit', value: unquote(inner) }];
  if (inner === '') return [];
  const p = parsePath(inner);
  return [{ t: 'path', ...p }];
}

function unquote(s: string): string {
  if (!s.endsWith('"') || s.length < 2) throw new JsonPathError(`unquoted string ${s}`);
  try {
    return JSON.parse(s.replace(/\\'/g, "'")) as string;
  } catch {
    throw new JsonPathError(`invalid string literal ${s}`);
  }
}

function parsePath(src: string): { root: boolean; segments: Segment[] } {
  let i = 0;
  let root = false;
  if (src[0] === '$') {
    root = true;
    i = 1;
  } else if (src[0] === '@') i = 1;
  const segments: Segment[] = [];
  while (i < src.length) {
    const c = src[i];
    if (c === '.') {
      if (src[i + 1] === '.') {
        segments.push({ t: 'recursive' });
        i += 2;
        continue;
      }
      i++;
      let name = '';
      while (i < src.length && src[i] !== '.' && src[i] !== '[') {
        if (src[i] === '\\' && i + 1 < src.length) {
          name += src[i + 1];
          i += 2;
        } else name += src[i++];
      }
      if (name === '*') segments.push({ t: 'wild' });
      else if (name !== '') segments.push({ t: 'field', name });
      continue;
    }
    if (c === '[') {
      const end = findBracketEnd(src, i);
      if (end < 0) throw new JsonPathError(`unterminated array`);
      segments.push(parseBracket(src.slice(i + 1, end).trim()));
      i = end + 1;
      continue;
    }
    if (c === ' ' || c === '\t') {
      i++;
      continue;
    }
    // a bare name at the start (`{metadata.name}` is read as `.metadata.name` by kubectl's relaxed form)
    let name = '';
    while (i < src.length && src[i] !== '.' && src[i] !== '[') name += src[i++];
    segments.push({ t: 'field', name });
  }
  return { root, segments };
}

function findBracketEnd(s: string, from: number): number {
  let depth = 0;
  let quote = '';
  for (let i = from; i < s.length; i++) {
    const c = s[i];
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = '';
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '[' || c === '(') depth++;
    else if (c === ']' || c === ')') {
      depth--;
      if (depth === 0 && c === ']') return i;
    }
  }
  return -1;
}

function parseBracket(body: string): Segment {
  if (body === '*') return { t: 'wild' };
  if (body.startsWith('?')) {
    const m = /^\?\s*\((.*)\)$/s.exec(body);
    if (!m) throw new JsonPathError(`invalid filter ${body}`);
    return parseFilter(m[1].trim());
  }
  if (/^'.*'$/s.test(body)) return { t: 'field', name: body.slice(1, -1) };
  if (body.includes(',')) {
    const indices = body.split(',').map((p) => parseIndex(p.trim(), body));
    return { t: 'union', indices };
  }
  if (body.includes(':')) {
    const parts = body.split(':').map((p) => p.trim());
    if (parts.length > 3) throw new JsonPathError(`invalid array index ${body}`);
    const num = (p: string | undefined) => (p === undefined || p === '' ? undefined : parseIndex(p, body));
    return { t: 'slice', start: num(parts[0]), end: num(parts[1]), step: num(parts[2]), single: false };
  }
  const n = parseIndex(body, body);
  return { t: 'slice', start: n, end: n + 1, single: true };
}

function parseIndex(p: string, body: string): number {
  if (!/^-?\d+$/.test(p)) throw new JsonPathError(`invalid array index ${body}`);
  return Number(p);
}

function parseFilter(expr: string): Segment {
  const m = /^(.*?)\s*(==|!=|<=|>=|<|>)\s*(.*)$/s.exec(expr);
  if (!m) return { t: 'filter', left: operand(expr) };
  return { t: 'filter', left: operand(m[1].trim()), op: m[2], right: operand(m[3].trim()) };
}

function operand(s: string): Operand {
  if (s.startsWith('@') || s.startsWith('$')) return { t: 'path', ...parsePath(s) };
  if (/^".*"$|^'.*'$/s.test(s)) return { t: 'lit', value: s.slice(1, -1) };
  if (/^-?\d+(\.\d+)?$/.test(s)) return { t: 'lit', value: Number(s) };
  if (s === 'true' || s === 'false') return { t: 'lit', value: s === 'true' };
  throw new JsonPathError(`unrecognized filter operand ${s}`);
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function evalPath(path: { root: boolean; segments: Segment[] }, current: unknown, rootValue: unknown): unknown[] {
  let values: unknown[] = [path.root ? rootValue : current];
  for (const seg of path.segments) values = step(values, seg, rootValue);
  return values;
}

function step(values: unknown[], seg: Segment, rootValue: unknown): unknown[] {
  const out: unknown[] = [];
  for (const v of values) {
    switch (seg.t) {
      case 'field':
        if (isObject(v) && seg.name in v) out.push(v[seg.name]);
        break;
      case 'wild':
        if (Array.isArray(v)) out.push(...v);
        else if (isObject(v)) for (const k of Object.keys(v).sort()) out.push(v[k]);
        break;
      case 'recursive':
        collect(v, out);
        break;
      case 'slice': {
        if (!Array.isArray(v)) break;
        const len = v.length;
        let start = seg.start ?? 0;
        let end = seg.end ?? len;
        if (start < 0) start += len;
        if (seg.end !== undefined && (end < 0 || (seg.single && end === 0))) end += len;
        if (seg.single && seg.start !== undefined && seg.start < 0) end = start + 1;
        if (end === start) break;
        if (start >= len || start < 0) throw new JsonPathError(`array index out of bounds: index ${start}, length ${len}`);
        if (end > len || end < 0) throw new JsonPathError(`array index out of bounds: index ${end - 1}, length ${len}`);
        if (start > end) throw new JsonPathError(`starting index ${start} is greater than ending index ${end}`);
        const stepBy = seg.step && seg.step > 0 ? seg.step : 1;
        for (let i = start; i < end; i += stepBy) out.push(v[i]);
        break;
      }
      case 'union':
        if (!Array.isArray(v)) break;
        for (const i of seg.indices) {
          const idx = i < 0 ? i + v.length : i;
          if (idx < 0 || idx >= v.length) throw new JsonPathError(`array index out of bounds: index ${i}, length ${v.length}`);
          out.push(v[idx]);
        }
        break;
      case 'filter': {
        const items = Array.isArray(v) ? v : [];
        for (const item of items) if (matches(seg, item, rootValue)) out.push(item);
        break;
      }
    }
  }
  return out;
}

/** `..`: the value itself, then every descendant in document order (map keys sorted, as Go would print them). */
function collect(v: unknown, out: unknown[]): void {
  const children = Array.isArray(v) ? v : isObject(v) ? Object.keys(v).sort().map((k) => v[k]) : [];
  if (children.length === 0) return;
  out.push(v);
  for (const c of children) collect(c, out);
}

function matches(seg: Extract<Segment, { t: 'filter' }>, item: unknown, rootValue: unknown): boolean {
  const resolve = (o: Operand): unknown[] => (o.t === 'lit' ? [o.value] : evalPath(o, item, rootValue));
  const left = resolve(seg.left);
  if (!seg.op || !seg.right) return left.length > 0;
  const right = resolve(seg.right);
  if (left.length === 0 || right.length === 0) return false;
  const a = left[0];
  const b = right[0];
  switch (seg.op) {
    case '==':
      return looseEqual(a, b);
    case '!=':
      return !looseEqual(a, b);
    default: {
      const x = Number(a);
      const y = Number(b);
      if (Number.isNaN(x) || Number.isNaN(y)) return false;
      return seg.op === '<' ? x < y : seg.op === '>' ? x > y : seg.op === '<=' ? x <= y : x >= y;
    }
  }
}

function looseEqual(a: unknown, b: unknown): boolean {
  if (typeof a === 'number' || typeof b === 'number') return Number(a) === Number(b);
  return String(a) === String(b);
}

/** A value as kubectl's jsonpath prints it: strings raw, everything else as compact Go-style JSON. */
export function formatValue(v: unknown): string {
  if (typeof v === 'string') return v;
  if (v === null || v === undefined) return '';
  return goJson(v);
}

/** Evaluates a parsed template against `data`. */
export function execute(nodes: Node[], data: unknown): string {
  return run(nodes, data, data);
}

function run(nodes: Node[], current: unknown, rootValue: unknown): string {
  let out = '';
  for (const node of nodes) {
    switch (node.t) {
      case 'text':
        out += node.text;
        break;
      case 'lit':
        out += node.value;
        break;
      case 'path':
        out += evalPath(node, current, rootValue).map(formatValue).join(' ');
        break;
      case 'range': {
        for (const item of evalPath(node.path, current, rootValue)) out += run(node.body, item, rootValue);
        break;
      }
    }
  }
  return out;
}

/** Parses then evaluates; `template` as given to `-o jsonpath=`. */
export function jsonpath(template: string, data: unknown): string {
  return execute(parseTemplate(template), data);
}

/** The values a relaxed expression (`.a.b`, `{.a.b}`, `a.b`) selects (used by custom-columns and --sort-by). */
export function selectValues(expression: string, data: unknown): unknown[] {
  let e = expression.trim();
  if (e.startsWith('{') && e.endsWith('}')) e = e.slice(1, -1);
  if (!e.startsWith('.') && !e.startsWith('$') && !e.startsWith('@')) e = '.' + e;
  const p = parsePath(e);
  return evalPath(p, data, data);
}

/** Go's `%#v` of a decoded JSON value (kubectl shows it when a template fails). */
export function goSyntax(v: unknown, top = true): string {
  if (v === null || v === undefined) return top ? '<nil>' : 'interface {}(nil)';
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return `[]interface {}{${v.map((x) => goSyntax(x, false)).join(', ')}}`;
  const o = v as Record<string, unknown>;
  return `map[string]interface {}{${Object.keys(o)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${goSyntax(o[k], false)}`)
    .join(', ')}}`;
}
