// resource.Quantity as upstream's k8s.io/apimachinery/pkg/api/resource: parsing, exact arithmetic and
// the canonical string form. Values are held as an exact BigInt count of nano-units (upstream rounds
// every parsed value up to 1n), so there is no float drift. Pure: no I/O, and a Quantity is immutable.

export type QuantityFormat = 'DecimalExponent' | 'BinarySI' | 'DecimalSI';

/** The messages of upstream's ErrFormatWrong, ErrNumeric and ErrSuffix. */
export const ErrFormatWrong = "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";
export const ErrNumeric = "unable to parse quantity's numeric part";
export const ErrSuffix = "unable to parse quantity's suffix";

export class QuantityParseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'QuantityParseError';
  }
}

const NANO = 1_000_000_000n;
const INT64_MAX = 2n ** 63n - 1n;
/** Beyond this a decimal exponent would make the exact value absurdly large; upstream never meets it in practice. */
const MAX_EXPONENT = 10_000;

const DEC_SUFFIXES: Record<string, number> = { n: -9, u: -6, m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
const BIN_SUFFIXES: Record<string, number> = { Ki: 10, Mi: 20, Gi: 30, Ti: 40, Pi: 50, Ei: 60 };
const DEC_BY_EXP = new Map(Object.entries(DEC_SUFFIXES).map(([s, e]) => [e, s]));
const BIN_BY_EXP = new Map(Object.entries(BIN_SUFFIXES).map(([s, e]) => [e / 10, s]));

function pow10(n: number): bigint {
  return 10n ** BigInt(n);
}

function abs(n: bigint): bigint {
  return n < 0n ? -n : n;
}

/** n / d rounded away from zero (d > 0). */
function divAway(n: bigint, d: bigint): bigint {
  const q = n / d;
  return n % d === 0n ? q : n < 0n ? q - 1n : q + 1n;
}

interface Parts {
  positive: boolean;
  num: string;
  denom: string;
  suffix: string;
}

/** upstream parseQuantityString, scanning the same way so the same strings fail. */
function parseQuantityString(str: string): Parts {
  let positive = true;
  let pos = 0;
  const end = str.length;
  const isDigit = (c: string | undefined) => c !== undefined && c >= '0' && c <= '9';
  if (str[0] === '-') {
    positive = false;
    pos++;
  } else if (str[0] === '+') {
    pos++;
  }
  while (pos < end && str[pos] === '0') pos++;
  if (pos >= end) return { positive, num: '0', denom: '', suffix: '' };
  let i = pos;
  while (i < end && isDigit(str[i])) i++;
  let num = str.slice(pos, i);
  pos = i;
  if (num.length === 0) num = '0';
  let denom = '';
  if (pos < end && str[pos] === '.') {
    pos++;
    i = pos;
    while (i < end && isDigit(str[i])) i++;
    denom = str.slice(pos, i);
    pos = i;
  }
  const suffixStart = pos;
  while (pos < end && 'eEinumkKMGTP'.includes(str[pos]!)) pos++;
  if (pos < end && (str[pos] === '-' || str[pos] === '+')) pos++;
  while (pos < end && isDigit(str[pos])) pos++;
  if (pos < end) throw new QuantityParseError(ErrFormatWrong);
  return { positive, num, denom, suffix: str.slice(suffixStart) };
}

function interpretSuffix(s: string): { base: 10 | 2; exponent: number; format: QuantityFormat } {
  if (Object.prototype.hasOwnProperty.call(DEC_SUFFIXES, s)) return { base: 10, exponent: DEC_SUFFIXES[s]!, format: 'DecimalSI' };
  if (Object.prototype.hasOwnProperty.call(BIN_SUFFIXES, s)) return { base: 2, exponent: BIN_SUFFIXES[s]!, format: 'BinarySI' };
  if (s.length > 1 && (s[0] === 'e' || s[0] === 'E') && /^[+-]?[0-9]+$/.test(s.slice(1))) {
    const e = Number(s.slice(1));
    if (Math.abs(e) > MAX_EXPONENT) throw new QuantityParseError(ErrNumeric);
    return { base: 10, exponent: e, format: 'DecimalExponent' };
  }
  throw new QuantityParseError(ErrSuffix);
}

/**
 * Upstream keeps the caller's string when it is already canonical (its int64 fast path); this decides
 * the same, so `+1` and `100Mi` come back as written.
 */
function keepsOriginal(p: Parts, exponent: number, format: QuantityFormat): boolean {
  const shifted = p.num + p.denom;
  if (format === 'BinarySI') {
    if (p.denom.length !== 0) return false;
    const precision = 15 - p.num.length - Math.trunc((exponent * 3) / 10) - 1;
    if (precision < 0) return false;
    const v = BigInt(shifted);
    if (v << BigInt(exponent) > INT64_MAX) return false;
    return exponent % 10 === 0 && (v & 7n) !== 0n;
  }
  if (18 - shifted.length < 0) return false;
  const scale = exponent - p.denom.length;
  if (scale < -9) return false;
  return scale % 3 === 0 && !shifted.endsWith('000') && shifted[0] !== '0';
}

export class Quantity {
  private cached: string | undefined;

  /** Prefer parseQuantity / Quantity.fromNanos. `nanos` is the exact value in units of 1e-9. */
  private constructor(
    readonly nanos: bigint,
    readonly format: QuantityFormat,
    original?: string,
  ) {
    this.cached = original;
  }

  static fromNanos(nanos: bigint, format: QuantityFormat = 'DecimalSI'): Quantity {
    return new Quantity(nanos, format);
  }

  /** resource.NewQuantity(value, format). */
  static fromValue(value: number | bigint, format: QuantityFormat = 'DecimalSI'): Quantity {
    return new Quantity(BigInt(value) * NANO, format);
  }

  /** resource.NewMilliQuantity(milli, format). */
  static fromMilli(milli: number | bigint, format: QuantityFormat = 'DecimalSI'): Quantity {
    return new Quantity(BigInt(milli) * 1_000_000n, format);
  }

  /** @internal used by parseQuantity */
  static parse(str: string): Quantity {
    if (str.length === 0) throw new QuantityParseError(ErrFormatWrong);
    if (str === '0') return new Quantity(0n, 'DecimalSI', '0');
    const p = parseQuantityString(str);
    const suffix = interpretSuffix(p.suffix);
    const { base, exponent } = suffix;
    let format = suffix.format;
    const digits = BigInt(p.num + p.denom);
    // value = digits * 10^-len(denom) * base^exponent, in nanos, magnitude rounded up.
    let nanos: bigint;
    if (base === 2) {
      nanos = divAway((digits << BigInt(exponent)) * NANO, pow10(p.denom.length));
    } else {
      const shift = 9 - p.denom.length + exponent;
      if (shift >= 0) nanos = digits * pow10(shift);
      else if (-shift > (p.num + p.denom).length + 1) nanos = digits === 0n ? 0n : 1n;
      else nanos = divAway(digits, pow10(-shift));
    }
    if (format === 'BinarySI' && nanos > INT64_MAX * NANO) nanos = INT64_MAX * NANO;
    if (format === 'BinarySI' && nanos > 0n && nanos < NANO) format = 'DecimalSI';
    if (!p.positive) nanos = -nanos;
    return new Quantity(nanos, format, keepsOriginal(p, exponent, format) ? str : undefined);
  }

  isZero(): boolean {
    return this.nanos === 0n;
  }

  sign(): -1 | 0 | 1 {
    return this.nanos < 0n ? -1 : this.nanos > 0n ? 1 : 0;
  }

  cmp(other: Quantity | string | number): -1 | 0 | 1 {
    const o = toQuantity(other).nanos;
    return this.nanos < o ? -1 : this.nanos > o ? 1 : 0;
  }

  equal(other: Quantity | string | number): boolean {
    return this.cmp(other) === 0;
  }

  /** Sum; keeps this quantity's format unless this is zero (then the other's), as upstream's Add. */
  add(other: Quantity | string | number): Quantity {
    const o = toQuantity(other);
    return new Quantity(this.nanos + o.nanos, this.isZero() ? o.format : this.format);
  }

  sub(other: Quantity | string | number): Quantity {
    const o = toQuantity(other);
    return new Quantity(this.nanos - o.nanos, this.isZero() ? o.format : this.format);
  }

  neg(): Quantity {
    return new Quantity(-this.nanos, this.format);
  }

  /** ceil(q * 10^-scale) away from zero, as upstream's ScaledValue; exact BigInt. */
  scaledValueBig(scale: number): bigint {
    const shift = 9 + scale;
    return shift >= 0 ? divAway(this.nanos, pow10(shift)) : this.nanos * pow10(-shift);
  }

  /** Value(): the integer value, fractions rounded up (away from zero). */
  value(): number {
    return Number(this.scaledValueBig(0));
  }

  valueBig(): bigint {
    return this.scaledValueBig(0);
  }

  /** MilliValue(): value * 1000, rounded up (away from zero). */
  milliValue(): number {
    return Number(this.scaledValueBig(-3));
  }

  milliValueBig(): bigint {
    return this.scaledValueBig(-3);
  }

  asApproximateFloat64(): number {
    return Number(this.nanos) / 1e9;
  }

  /** The canonical form upstream's String() gives. */
  toString(): string {
    if (this.cached === undefined) this.cached = this.canonicalize();
    return this.cached;
  }

  toJSON(): string {
    return this.toString();
  }

  private canonicalize(): string {
    if (this.nanos === 0n) return '0';
    let format = this.format;
    if (format === 'BinarySI') {
      const a = abs(this.nanos);
      // Small or fractional binary values print as DecimalSI so nothing is rounded.
      if (a < 1024n * NANO || a % NANO !== 0n) format = 'DecimalSI';
    }
    if (format === 'BinarySI') {
      let amount = this.nanos / NANO;
      let exp = 0;
      while (abs(amount) >= 1024n && amount % 1024n === 0n && exp < 6) {
        amount /= 1024n;
        exp++;
      }
      return `${amount}${BIN_BY_EXP.get(exp) ?? ''}`;
    }
    let amount = this.nanos;
    let exp = -9;
    while (abs(amount) >= 10n && amount % 10n === 0n) {
      amount /= 10n;
      exp++;
    }
    // Exponent down to a multiple of 3 (so 1.5 -> 1500m).
    const r = ((exp % 3) + 3) % 3;
    amount *= pow10(r);
    exp -= r;
    if (format === 'DecimalExponent') return exp === 0 ? `${amount}` : `${amount}e${exp}`;
    // Upstream has no suffix beyond E; keep the value exact rather than print a wrong one.
    while (exp > 18) {
      amount *= 1000n;
      exp -= 3;
    }
    return `${amount}${DEC_BY_EXP.get(exp) ?? ''}`;
  }
}

function toQuantity(v: Quantity | string | number): Quantity {
  return v instanceof Quantity ? v : parseQuantity(v);
}

/**
 * resource.ParseQuantity. A number is read as its JSON text (`0.5` -> 500m), as upstream's UnmarshalJSON.
 * Throws QuantityParseError with upstream's messages.
 */
export function parseQuantity(s: string | number): Quantity {
  if (typeof s === 'number') {
    if (!Number.isFinite(s)) throw new QuantityParseError(ErrFormatWrong);
    return Quantity.parse(String(s));
  }
  return Quantity.parse(s);
}

/** resource.MustParse for constants in code. */
export function mustParseQuantity(s: string): Quantity {
  return parseQuantity(s);
}
