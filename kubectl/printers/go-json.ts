// Encodes JSON values byte-for-byte as Go's encoding/json does for map[string]interface{}: object keys
// sorted, `<` `>` `&` U+2028 U+2029 escaped as \u00XX, NaN/Inf refused. Encoding only; no I/O.
// The one Go-JSON encoder of the CLI (apply's last-applied/patch bytes, -o json, jsonpath values).

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A copy with every object's keys in Go's sorted order. */
export function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (isObject(v)) {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v).sort()) out[k] = sortKeys(v[k]);
    return out;
  }
  return v;
}

/** Go's HTML-safe escaping of `<`, `>`, `&`, U+2028, U+2029 in already-encoded JSON text. */
export function escapeHtml(text: string): string {
  return text.replace(/[<>&\u2028\u2029]/g, (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0'));
}

/** Go refuses NaN and ±Inf; finite numbers print as JavaScript prints them (Go's shortest form). */
function finiteOnly(_key: string, value: unknown): unknown {
  if (typeof value === 'number' && !Number.isFinite(value)) throw new Error(`json: unsupported value: ${value}`);
  return value;
}

/** Go's json.Marshal of the value (no trailing newline); json.MarshalIndent with `indent`. */
export function goJson(value: unknown, indent?: string): string {
  const text = JSON.stringify(sortKeys(value), finiteOnly, indent);
  return escapeHtml(text ?? 'null');
}
