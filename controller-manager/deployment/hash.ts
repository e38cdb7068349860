// The pod-template-hash of a Deployment's template (upstream controller.ComputeHash): FNV-32a over
// a printout of the template, then collisionCount, rendered with rand.SafeEncodeString. Our printout
// is canonical JSON (keys sorted) instead of Go's spew dump, so the hash is stable across restarts
// and versions of k8ts but differs from upstream's value for the same template. Pure.
import { pruneEmpty } from './util.js';

/** rand.SafeEncodeString's alphabet: no vowels, no 0/1/3 (no bad words, no look-alikes). */
const ALPHANUMS = 'bcdfghjklmnpqrstvwxz2456789';

export function safeEncodeString(s: string): string {
  let out = '';
  for (const b of Buffer.from(s, 'utf8')) out += ALPHANUMS[b % ALPHANUMS.length];
  return out;
}

/** JSON with object keys sorted at every level and undefined members dropped. */
export function canonicalJSON(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map((v) => canonicalJSON(v === undefined ? null : v)).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJSON(v)}`).join(',')}}`;
}

const FNV32_OFFSET = 0x811c9dc5;
const FNV32_PRIME = 0x01000193;

export function fnv32a(bytes: Uint8Array, seed = FNV32_OFFSET): number {
  let h = seed >>> 0;
  for (const b of bytes) {
    h ^= b;
    h = Math.imul(h, FNV32_PRIME) >>> 0;
  }
  return h >>> 0;
}

/** ComputeHash(template, collisionCount). */
export function computeHash(template: unknown, collisionCount?: number): string {
  // Pruned as EqualIgnoreHash compares, so equal templates always hash alike.
  let h = fnv32a(Buffer.from(canonicalJSON(pruneEmpty(template) ?? {}), 'utf8'));
  if (collisionCount !== undefined && collisionCount !== null) {
    // Upstream writes an 8-byte slice holding the little-endian uint32 in its first four bytes.
    const bytes = Buffer.alloc(8);
    bytes.writeUInt32LE(collisionCount >>> 0, 0);
    h = fnv32a(bytes, h);
  }
  return safeEncodeString(String(h));
}
