// Downward API values of a pod (fieldRef): upstream's fieldpath.ExtractFieldPathAsString and
// FormatMap, shared by env vars and downwardAPI volumes. Pure; reads only the pod it is given.
import type { Pod } from '../../api/types.js';

/** Go's strconv.Quote, so label/annotation values print exactly as upstream's FormatMap writes them. */
export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    switch (ch) {
      case '"': out += '\\"'; continue;
      case '\\': out += '\\\\'; continue;
      case '\x07': out += '\\a'; continue;
      case '\b': out += '\\b'; continue;
      case '\f': out += '\\f'; continue;
      case '\n': out += '\\n'; continue;
      case '\r': out += '\\r'; continue;
      case '\t': out += '\\t'; continue;
      case '\v': out += '\\v'; continue;
    }
    if (cp < 0x20 || cp === 0x7f) out += '\\x' + cp.toString(16).padStart(2, '0');
    else if (cp >= 0x80 && cp < 0xa0) out += '\\u' + cp.toString(16).padStart(4, '0');
    else if (cp === 0xfffd && ch !== '\ufffd') out += '\\ufffd';
    else out += ch;
  }
  return out + '"';
}

/** `key="value"` lines in key order, no trailing newline (upstream FormatMap). */
export function formatMap(m: Record<string, string> | undefined): string {
  if (!m) return '';
  return Object.keys(m)
    .sort()
    .map((k) => `${k}=${goQuote(m[k]!)}`)
    .join('\n');
}

/** `metadata.labels['app']` -> ['metadata.labels', 'app']. */
export function splitMaybeSubscriptedPath(fieldPath: string): { path: string; subscript?: string } {
  if (!fieldPath.endsWith("']")) return { path: fieldPath };
  const s = fieldPath.slice(0, -2);
  const i = s.indexOf("['");
  if (i <= 0) return { path: fieldPath };
  return { path: s.slice(0, i), subscript: s.slice(i + 2) };
}

/** The metadata fields both env and volumes support; throws with upstream's messages otherwise. */
export function extractFieldPathAsString(pod: Pod, fieldPath: string): string {
  const meta = pod.metadata ?? {};
  const { path, subscript } = splitMaybeSubscriptedPath(fieldPath);
  if (subscript !== undefined) {
    switch (path) {
      case 'metadata.annotations':
        return meta.annotations?.[subscript] ?? '';
      case 'metadata.labels':
        return meta.labels?.[subscript] ?? '';
      default:
        throw new Error(`fieldPath "${fieldPath}" does not support subscript`);
    }
  }
  switch (fieldPath) {
    case 'metadata.annotations':
      return formatMap(meta.annotations);
    case 'metadata.labels':
      return formatMap(meta.labels);
    case 'metadata.name':
      return meta.name ?? '';
    case 'metadata.namespace':
      return meta.namespace ?? '';
    case 'metadata.uid':
      return meta.uid ?? '';
  }
  throw new Error(`unsupported fieldPath: ${fieldPath}`);
}
