// kubectl's `-o yaml` and `-o json` formatting: sorted keys (Go maps), 4-space JSON with HTML escaping,
// and YAML as sigs.k8s.io/yaml (yaml.v2) writes it. Formats values only; never fetches anything.
import { Document, parse, Scalar, visit } from 'yaml';
import { goJson, sortKeys } from './go-json.js';

/** `-o json`: 4-space indent, sorted keys, `<>&` escaped as Go does; ends with a newline. */
export function toKubectlJson(obj: unknown): string {
  return goJson(obj, '    ') + '\n';
}

/** Whether yaml.v2 would read the plain scalar `s` as something other than the same string. */
function ambiguous(s: string): boolean {
  if (s === '') return true;
  try {
    const v = parse(s, { version: '1.1' }) as unknown;
    if (v === null) return /^(~|null|Null|NULL)$/.test(s);
    return typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint' || v instanceof Date;
  } catch {
    return false;
  }
}

/** `-o yaml`: one document, 2-space indent, sequences not indented under their key, as yaml.v2 prints. */
export function toKubectlYaml(obj: unknown): string {
  const doc = new Document(sortKeys(obj));
  visit(doc, {
    Scalar(_key, node: Scalar) {
      if (typeof node.value === 'string') {
        if (node.value.includes('\n')) node.type = Scalar.BLOCK_LITERAL;
        else if (ambiguous(node.value)) node.type = Scalar.QUOTE_DOUBLE;
      }
      if (node.value === null) node.type = Scalar.PLAIN;
    },
  });
  const text = doc.toString({
    indent: 2,
    indentSeq: false,
    lineWidth: 0,
    minContentWidth: 0,
    singleQuote: true,
    nullStr: 'null',
    flowCollectionPadding: false,
  });
  return text
    .split('\n')
    .map(foldLine)
    .join('\n');
}

const BEST_WIDTH = 80;

/**
 * yaml.v2 folds plain and single-quoted scalars at a single space once the line is past 80
 * columns, continuing two columns right of the key (or sequence item) that holds the value.
 */
export function foldLine(line: string): string {
  if (line.length <= BEST_WIDTH) return line;
  const m = /^( *)((?:- )*)(.*)$/.exec(line)!;
  const keyColumn = m[1].length + m[2].length;
  let rest = m[3];
  let prefix = m[1] + m[2];
  const key = /^((?:[^'"\s#][^:]*?|'(?:[^']|'')*'|"(?:[^"\\]|\\.)*"):(?: |$))/.exec(rest);
  if (key) {
    prefix += key[1];
    rest = rest.slice(key[1].length);
  }
  if (rest === '' || /^["|>{[&*!]/.test(rest)) return line;
  const indent = ' '.repeat(keyColumn + 2);
  let out = prefix;
  let column = prefix.length;
  for (let i = 0; i < rest.length; i++) {
    const c = rest[i];
    if (c === ' ' && rest[i - 1] !== ' ' && column > BEST_WIDTH && rest[i + 1] !== ' ' && i + 1 < rest.length) {
      out += '\n' + indent;
      column = indent.length;
      continue;
    }
    out += c;
    column++;
  }
  return out;
}
