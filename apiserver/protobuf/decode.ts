// Decodes a Kubernetes protobuf request body (`k8s\0` + runtime.Unknown) into the plain JSON object a
// JSON client would have sent for the same Go object. It only reads bytes: it never validates,
// defaults or encodes, and every malformed body becomes a BadRequestError.

import { BadRequestError } from '../../api/errors.js';
import { MESSAGES } from './messages.js';
import { keepsZero } from './presence.js';
import { ProtoReader, ProtoWireError, WIRE_BYTES, WIRE_FIXED32, WIRE_FIXED64, WIRE_VARINT } from './reader.js';
import { META_V1, messageForKind, type FieldSpec, type FieldType, type MessageTable } from './schema.js';

export const PROTOBUF_CONTENT_TYPE = 'application/vnd.kubernetes.protobuf';

/** The four bytes every Kubernetes protobuf body starts with: "k8s" and encoding 0 (runtime.Unknown). */
export const PROTOBUF_PREFIX: readonly number[] = [0x6b, 0x38, 0x73, 0x00];

const UNKNOWN = 'k8s.io.apimachinery.pkg.runtime.Unknown';
const TIME = `${META_V1}.Time`;
const MICRO_TIME = `${META_V1}.MicroTime`;
const DURATION = `${META_V1}.Duration`;
const FIELDS_V1 = `${META_V1}.FieldsV1`;
const INT_OR_STRING = 'k8s.io.apimachinery.pkg.util.intstr.IntOrString';
const QUANTITY = 'k8s.io.apimachinery.pkg.api.resource.Quantity';
const RAW_EXTENSION = 'k8s.io.apimachinery.pkg.runtime.RawExtension';

/** Go's time.Time{} as Unix seconds, in case a writer encodes the zero time instead of an empty message. */
const GO_ZERO_TIME_SECONDS = -62135596800n;
const MAX_DEPTH = 64;

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

/**
 * Decodes a full request body. The result starts with `kind` and `apiVersion` from the envelope,
 * followed by the object's fields under their JSON names.
 */
export function decodeKubernetesProtobuf(body: Buffer, table: MessageTable = MESSAGES): JsonObject {
  if (body.length === 0) throw new BadRequestError('empty data');
  if (body.length < PROTOBUF_PREFIX.length || PROTOBUF_PREFIX.some((b, i) => body[i] !== b)) {
    throw new BadRequestError(
      `provided data does not appear to be a protobuf message, expected prefix [${PROTOBUF_PREFIX.join(' ')}]`,
    );
  }
  if (body.length === PROTOBUF_PREFIX.length) throw new BadRequestError('empty body');
  try {
    return decodeUnknown(body.subarray(PROTOBUF_PREFIX.length), table, 0);
  } catch (err) {
    if (err instanceof BadRequestError) throw err;
    // SyntaxError: a RawExtension or FieldsV1 whose bytes are not JSON.
    if (err instanceof ProtoWireError || err instanceof SyntaxError) throw new BadRequestError(err.message);
    throw err;
  }
}

function decodeUnknown(data: Buffer, table: MessageTable, depth: number): JsonObject {
  const unknown = decodeMessage(data, UNKNOWN, table, depth, false);
  const typeMeta = (unknown.typeMeta ?? {}) as JsonObject;
  const apiVersion = typeof typeMeta.apiVersion === 'string' ? typeMeta.apiVersion : '';
  const kind = typeof typeMeta.kind === 'string' ? typeMeta.kind : '';
  const goTypeMeta = `runtime.TypeMeta{APIVersion:${JSON.stringify(apiVersion)}, Kind:${JSON.stringify(kind)}}`;
  if (!kind) throw new BadRequestError(`Object 'Kind' is missing in '${goTypeMeta}'`);
  if (!apiVersion) throw new BadRequestError(`Object 'apiVersion' is missing in '${goTypeMeta}'`);
  const message = messageForKind(table, apiVersion, kind);
  if (!message) {
    throw new BadRequestError(`no kind "${kind}" is registered for version "${apiVersion}" in scheme "k8ts"`);
  }
  const raw = typeof unknown.raw === 'string' ? Buffer.from(unknown.raw, 'base64') : Buffer.alloc(0);
  return { kind, apiVersion, ...decodeMessage(raw, message, table, depth + 1, true) };
}

/**
 * Decodes one message into a JSON object. With `dropZeros`, scalar fields holding their zero value
 * are left out unless the wire zero means something (see presence.ts).
 */
function decodeMessage(buf: Buffer, message: string, table: MessageTable, depth: number, dropZeros: boolean): JsonObject {
  if (depth > MAX_DEPTH) throw new ProtoWireError('max depth exceeded');
  const fields = table[message];
  if (!fields) throw new ProtoWireError(`no protobuf schema for message ${message}`);
  const out: JsonObject = {};
  const r = new ProtoReader(buf);
  while (!r.done()) {
    const [num, wt] = r.tag();
    const spec = fields[num];
    if (!spec) {
      r.skip(wt, num);
      continue;
    }
    if (spec.map) {
      if (wt !== WIRE_BYTES) throw wrongWireType(wt, spec);
      const entries = (out[spec.name] ??= {}) as JsonObject;
      const [key, value] = decodeMapEntry(r.bytes(), spec, table, depth);
      // As JSON.parse does: a key such as `__proto__` is an own property, never the prototype.
      Object.defineProperty(entries, key, { value, enumerable: true, writable: true, configurable: true });
    } else if (spec.repeated) {
      const list = (out[spec.name] ??= []) as Json[];
      if (wt === WIRE_BYTES && isPackable(spec.type)) {
        const packed = new ProtoReader(r.bytes());
        while (!packed.done()) list.push(readScalar(packed, spec.type));
      } else {
        list.push(readValue(r, wt, spec, table, depth));
      }
    } else {
      const value = readValue(r, wt, spec, table, depth);
      if (spec.inline && value !== null && typeof value === 'object' && !Array.isArray(value)) {
        Object.assign(out, value);
      } else if (dropZeros && isZeroScalar(spec.type, value) && !spec.required && !keepsZero(message, spec.name)) {
        delete out[spec.name];
      } else {
        out[spec.name] = value;
      }
    }
  }
  return out;
}

function decodeMapEntry(buf: Buffer, spec: FieldSpec, table: MessageTable, depth: number): [string, Json] {
  const { key: keyType, value: valueType } = spec.map!;
  const r = new ProtoReader(buf);
  let key: Json = zeroOf(keyType);
  let value: Json | undefined;
  while (!r.done()) {
    const [num, wt] = r.tag();
    if (num === 1) key = readValue(r, wt, { name: `${spec.name} key`, type: keyType }, table, depth);
    else if (num === 2) value = readValue(r, wt, { name: spec.name, type: valueType }, table, depth);
    else r.skip(wt, num);
  }
  // An absent value is the type's zero; for a message that is its decoding of no bytes.
  value ??= valueType.startsWith('message:')
    ? decodeSpecial(Buffer.alloc(0), valueType.slice('message:'.length), table, depth + 1)
    : zeroOf(valueType);
  return [String(key), value];
}

function readValue(r: ProtoReader, wt: number, spec: FieldSpec, table: MessageTable, depth: number): Json {
  if (spec.type.startsWith('message:')) {
    if (wt !== WIRE_BYTES) throw wrongWireType(wt, spec);
    return decodeSpecial(r.bytes(), spec.type.slice('message:'.length), table, depth + 1);
  }
  if (wt !== wireTypeOf(spec.type)) throw wrongWireType(wt, spec);
  return readScalar(r, spec.type);
}

/** Messages whose JSON form is not an object (metav1.Time, IntOrString, Quantity, ...). */
function decodeSpecial(buf: Buffer, message: string, table: MessageTable, depth: number): Json {
  switch (message) {
    case TIME:
    case MICRO_TIME: {
      // Go writes an unset (zero) time as an empty message, and JSON writes it as null.
      if (buf.length === 0) return null;
      const t = decodeMessage(buf, message, table, depth, false);
      const seconds = toBigInt(t.seconds);
      const nanos = Number(t.nanos ?? 0);
      if (seconds === GO_ZERO_TIME_SECONDS && nanos === 0) return null;
      return formatTime(seconds, nanos, message === MICRO_TIME);
    }
    case DURATION:
      return formatGoDuration(toBigInt(decodeMessage(buf, message, table, depth, false).duration));
    case INT_OR_STRING: {
      const v = decodeMessage(buf, message, table, depth, false);
      return Number(v.type ?? 0) === 1 ? ((v.strVal ?? '') as string) : ((v.intVal ?? 0) as number);
    }
    case QUANTITY:
      return (decodeMessage(buf, message, table, depth, false).string ?? '0') as string;
    case FIELDS_V1:
    case RAW_EXTENSION: {
      const v = decodeMessage(buf, message, table, depth, false);
      const raw = v.Raw ?? v.raw;
      if (typeof raw !== 'string') return null;
      return decodeEmbedded(Buffer.from(raw, 'base64'), table, depth);
    }
    default:
      return decodeMessage(buf, message, table, depth, true);
  }
}

/** The bytes of a RawExtension or FieldsV1: JSON text, or a nested protobuf object. */
function decodeEmbedded(raw: Buffer, table: MessageTable, depth: number): Json {
  if (raw.length === 0) return null;
  if (raw.length >= PROTOBUF_PREFIX.length && PROTOBUF_PREFIX.every((b, i) => raw[i] === b)) {
    return decodeUnknown(raw.subarray(PROTOBUF_PREFIX.length), table, depth);
  }
  return JSON.parse(raw.toString('utf8')) as Json;
}

function readScalar(r: ProtoReader, type: FieldType): Json {
  switch (type) {
    case 'string':
      return r.bytes().toString('utf8');
    case 'bytes':
      return r.bytes().toString('base64');
    case 'bool':
      return r.varint64() !== 0n;
    case 'int32':
      return Number(BigInt.asIntN(32, r.varint64()));
    case 'uint32':
      return Number(BigInt.asUintN(32, r.varint64()));
    case 'int64':
      return safeNumber(BigInt.asIntN(64, r.varint64()));
    case 'uint64':
      return safeNumber(r.varint64());
    case 'sint32':
    case 'sint64': {
      const v = r.varint64();
      return safeNumber((v >> 1n) ^ -(v & 1n));
    }
    case 'double':
      return r.fixed64().readDoubleLE(0);
    case 'float':
      return r.fixed32().readFloatLE(0);
    case 'fixed32':
      return r.fixed32().readUInt32LE(0);
    case 'sfixed32':
      return r.fixed32().readInt32LE(0);
    case 'fixed64':
      return safeNumber(r.fixed64().readBigUInt64LE(0));
    case 'sfixed64':
      return safeNumber(r.fixed64().readBigInt64LE(0));
    default:
      throw new ProtoWireError(`cannot read ${type} as a scalar`);
  }
}

function wireTypeOf(type: FieldType): number {
  switch (type) {
    case 'string':
    case 'bytes':
      return WIRE_BYTES;
    case 'double':
    case 'fixed64':
    case 'sfixed64':
      return WIRE_FIXED64;
    case 'float':
    case 'fixed32':
    case 'sfixed32':
      return WIRE_FIXED32;
    default:
      return type.startsWith('message:') ? WIRE_BYTES : WIRE_VARINT;
  }
}

function isPackable(type: FieldType): boolean {
  return wireTypeOf(type) !== WIRE_BYTES;
}

function zeroOf(type: FieldType): Json {
  switch (wireTypeOf(type)) {
    case WIRE_BYTES:
      return '';
    default:
      return type === 'bool' ? false : 0;
  }
}

function isZeroScalar(type: FieldType, value: Json): boolean {
  return !type.startsWith('message:') && (value === '' || value === 0 || value === false);
}

/** int64 as a number when exact, else as its decimal string (what JSON.parse could not hold either). */
function safeNumber(v: bigint): number | string {
  return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v.toString();
}

function toBigInt(v: Json | undefined): bigint {
  return typeof v === 'number' || typeof v === 'string' ? BigInt(v) : 0n;
}

function wrongWireType(wt: number, spec: FieldSpec): ProtoWireError {
  return new ProtoWireError(`proto: wrong wireType = ${wt} for field ${spec.name}`);
}

/** RFC 3339 in UTC as metav1.Time (seconds) or metav1.MicroTime (six fraction digits) marshal it. */
export function formatTime(seconds: bigint, nanos: number, micro: boolean): string {
  const ms = Number(seconds) * 1000;
  const date = new Date(ms);
  const year = date.getUTCFullYear();
  if (Number.isNaN(ms) || Number.isNaN(date.getTime()) || year < 0 || year > 9999) {
    throw new ProtoWireError('Time.MarshalJSON: year outside of range [0,9999]');
  }
  const base = date.toISOString().slice(0, 19);
  if (!micro) return `${base}Z`;
  const frac = String(Math.floor(Math.max(0, Math.min(nanos, 999_999_999)) / 1000)).padStart(6, '0');
  return `${base}.${frac}Z`;
}

/** Go's time.Duration.String(): `1h2m3.5s`, `1.5ms`, `0s`. */
export function formatGoDuration(ns: bigint): string {
  if (ns === 0n) return '0s';
  const sign = ns < 0n ? '-' : '';
  let u = ns < 0n ? -ns : ns;
  const frac = (v: bigint, prec: number): [string, bigint] => {
    let digits = '';
    let print = false;
    for (let i = 0; i < prec; i++) {
      const d = v % 10n;
      print ||= d !== 0n;
      if (print) digits = d.toString() + digits;
      v /= 10n;
    }
    return [print ? `.${digits}` : '', v];
  };
  if (u < 1_000_000_000n) {
    if (u < 1000n) return `${sign}${u}ns`;
    const [f, whole] = frac(u, u < 1_000_000n ? 3 : 6);
    return `${sign}${whole}${f}${u < 1_000_000n ? 'µs' : 'ms'}`;
  }
  const [f, secs] = frac(u, 9);
  u = secs;
  let out = `${u % 60n}${f}s`;
  u /= 60n;
  if (u > 0n) {
    out = `${u % 60n}m${out}`;
    u /= 60n;
    if (u > 0n) out = `${u}h${out}`;
  }
  return sign + out;
}
