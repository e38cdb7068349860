// A minimal protobuf wire-format reader (varints, fixed widths, length-delimited slices) over a Buffer.
// It knows nothing about schemas or Kubernetes; it only throws ProtoWireError on malformed input,
// which the decoder turns into BadRequest.

/** Malformed protobuf input (truncated data, bad wire type, overflow). */
export class ProtoWireError extends Error {}

export const WIRE_VARINT = 0;
export const WIRE_FIXED64 = 1;
export const WIRE_BYTES = 2;
export const WIRE_START_GROUP = 3;
export const WIRE_END_GROUP = 4;
export const WIRE_FIXED32 = 5;

export class ProtoReader {
  pos: number;
  readonly end: number;

  constructor(
    readonly buf: Buffer,
    start = 0,
    end = buf.length,
  ) {
    this.pos = start;
    this.end = end;
  }

  done(): boolean {
    return this.pos >= this.end;
  }

  /** An unsigned varint of up to 64 bits, as a bigint. */
  varint64(): bigint {
    let result = 0n;
    let shift = 0n;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.end) throw new ProtoWireError('unexpected EOF');
      const b = this.buf[this.pos++]!;
      result |= BigInt(b & 0x7f) << shift;
      if (b < 0x80) return BigInt.asUintN(64, result);
      shift += 7n;
    }
    throw new ProtoWireError('integer overflow');
  }

  /** A varint that must fit in a JS number without loss (tags, lengths, int32, enums). */
  varint(): number {
    // Fast path for the common one- and two-byte cases.
    if (this.pos < this.end && this.buf[this.pos]! < 0x80) return this.buf[this.pos++]!;
    const v = this.varint64();
    if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw new ProtoWireError('integer overflow');
    return Number(v);
  }

  /** A field key: [field number, wire type]. */
  tag(): [number, number] {
    const key = this.varint();
    if (key > 0xffffffff || key >>> 3 === 0) throw new ProtoWireError(`proto: illegal tag ${key >>> 3} (wire type ${key & 7})`);
    return [key >>> 3, key & 7];
  }

  fixed32(): Buffer {
    return this.take(4);
  }

  fixed64(): Buffer {
    return this.take(8);
  }

  /** The payload of a length-delimited field. */
  bytes(): Buffer {
    const len = this.varint();
    return this.take(len);
  }

  /** Skips one field's value of the given wire type. */
  skip(wireType: number, fieldNumber: number): void {
    switch (wireType) {
      case WIRE_VARINT:
        this.varint64();
        return;
      case WIRE_FIXED64:
        this.take(8);
        return;
      case WIRE_BYTES:
        this.bytes();
        return;
      case WIRE_FIXED32:
        this.take(4);
        return;
      case WIRE_START_GROUP:
        for (;;) {
          const [num, wt] = this.tag();
          if (wt === WIRE_END_GROUP) {
            if (num !== fieldNumber) throw new ProtoWireError('mismatched end group');
            return;
          }
          this.skip(wt, num);
        }
      default:
        throw new ProtoWireError(`illegal wireType ${wireType} for field ${fieldNumber}`);
    }
  }

  private take(n: number): Buffer {
    if (n < 0 || this.pos + n > this.end) throw new ProtoWireError('unexpected EOF');
    const out = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }
}
