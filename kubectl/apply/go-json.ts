// Encodes a JSON value byte-for-byte as Go's encoding/json does for map[string]interface{}: object
// keys sorted, `<` `>` `&` U+2028 U+2029 escaped as \u00XX, floats in Go's shortest form. Encoding only.

const ESCAPES: Record<string, string> = { '<': '\\u003c', '>': '\\u003e', '&': '\\u0026', '\u2028': '\\u2028', '\u2029': '\\u2029' };

function goString(s: string): string {
  return JSON.stringify(s).replace(/[<>&\u2028\u2029]/g, (c) => ESCAPES[c]);
}

/** Go's strconv.FormatFloat(f, 'f' or 'e', -1, 64) choice as encoding/json makes it. */
function goNumber(n: number): string {
  if (!Number.isFinite(n)) throw new Error(`json: unsupported value: ${n}`);
  const abs = Math.abs(n);
  if (abs !== 0 && (abs < 1e-6 || abs >= 1e21)) {
    // Go's 'e' form with e-07 cleaned to e-7 is what toExponential gives.
    return n.toExponential();
  }
  return String(n);
}

/** Go's json.Marshal of the value (no trailing newline). */
export function goJSON(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'string') return goString(value);
  if (typeof value === 'number') return goNumber(value);
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (Array.isArray(value)) return `[${value.map(goJSON).join(',')}]`;
  if (typeof value === 'object') {
    const obj = value as Record<string, unknown>;
    const keys = Object.keys(obj)
      .filter((k) => obj[k] !== undefined)
      .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${keys.map((k) => `${goString(k)}:${goJSON(obj[k])}`).join(',')}}`;
  }
  throw new Error(`json: unsupported type ${typeof value}`);
}
