// Test helper: a small seeded PRNG (mulberry32) so fuzz runs are deterministic and replayable from
// the printed seed. Must never read Math.random or the clock: the seed is the only source of chance.

export class Prng {
  private state: number;

  constructor(readonly seed: number) {
    this.state = seed >>> 0;
  }

  /** A float in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** An integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('pick from an empty list');
    return items[Math.floor(this.next() * items.length)];
  }

  /** k distinct items in their original order. */
  sample<T>(items: readonly T[], k: number): T[] {
    const indexes = items.map((_, i) => i);
    for (let i = indexes.length - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1));
      [indexes[i], indexes[j]] = [indexes[j], indexes[i]];
    }
    return indexes.slice(0, Math.min(k, items.length)).sort((a, b) => a - b).map((i) => items[i]);
  }

  bytes(n: number): Buffer {
    const out = Buffer.alloc(n);
    for (let i = 0; i < n; i++) out[i] = this.int(0, 255);
    return out;
  }
}

/** The seed from K8TS_FUZZ_SEED (decimal or 0x hex), else the fixed default. */
export function seedFromEnv(fallback: number): number {
  const raw = process.env.K8TS_FUZZ_SEED;
  if (raw === undefined || raw.trim() === '') return fallback;
  const n = Number(raw.trim());
  if (!Number.isInteger(n) || n < 0 || n > 0xffffffff) throw new Error(`K8TS_FUZZ_SEED must be an integer 0..2^32-1, got ${raw}`);
  return n;
}
