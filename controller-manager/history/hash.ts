// Hashes and names of controller history as upstream: FNV over bytes, rand.SafeEncodeString, the
// canonical (sorted-key) JSON the revision data is stored and compared as. Pure; no I/O.
// Must never depend on object key order of its inputs (the canonical form is the only form hashed).

const SAFE_ALPHANUMS = 'bcdfghjklmnpqrstvwxz2456789';

/** upstream rand.SafeEncodeString: maps each byte onto letters/digits that spell no words. */
export function safeEncodeString(s: string): string {
  let out = '';
  for (const byte of Buffer.from(s, 'utf8')) out += SAFE_ALPHANUMS[byte % SAFE_ALPHANUMS.length];
  return out;
}

/** FNV-1 32-bit (Go's hash/fnv New32). */
export function fnv1_32(data: Uint8Array, seed = 0x811c9dc5): number {
  let h = seed >>> 0;
  for (const byte of data) {
    h = Math.imul(h, 0x01000193) >>> 0;
    h = (h ^ byte) >>> 0;
  }
  return h >>> 0;
}

/** FNV-1a 32-bit (Go's hash/fnv New32a). */
export function fnv1a_32(data: Uint8Array, seed = 0x811c9dc5): number {
  let h = seed >>> 0;
  for (const byte of data) {
    h = (h ^ byte) >>> 0;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/**
 * JSON with object keys sorted at every level, as Go's json.Marshal of a map[string]interface{}
 * writes it (and with Go's HTML escaping of <, > and &), so the bytes match what kubectl computes
 * when it compares a workload's template with a revision.
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value)).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** A deep copy whose objects hold their keys in sorted order (undefined values dropped). */
export function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value as object).sort()) {
      const v = (value as Record<string, unknown>)[key];
      if (v !== undefined) out[key] = sortKeys(v);
    }
    return out;
  }
  return value;
}

/**
 * The hash of a pod template and collision count (upstream controller.ComputeHash hashes the Go
 * struct; we hash its canonical JSON with the same FNV-1a and little-endian collision bytes).
 */
export function computeTemplateHash(template: unknown, collisionCount?: number): string {
  const bytes = Buffer.from(canonicalJson(template ?? {}), 'utf8');
  let h = fnv1a_32(bytes);
  if (collisionCount !== undefined && collisionCount !== null) {
    const count = Buffer.alloc(8);
    count.writeUInt32LE(collisionCount >>> 0, 0);
    h = fnv1a_32(count, h);
  }
  return safeEncodeString(String(h));
}

/** upstream history.HashControllerRevision: FNV-1 of the data bytes and the decimal probe. */
export function hashRevisionData(dataJson: string, probe?: number): string {
  let h = fnv1_32(Buffer.from(dataJson, 'utf8'));
  if (probe !== undefined && probe !== null) h = fnv1_32(Buffer.from(String(probe), 'utf8'), h);
  return safeEncodeString(String(h));
}

/** upstream history.ControllerRevisionName: `<prefix>-<hash>`, prefix cut at 223 bytes. */
export function controllerRevisionName(prefix: string, hash: string): string {
  return `${prefix.length > 223 ? prefix.slice(0, 223) : prefix}-${hash}`;
}
