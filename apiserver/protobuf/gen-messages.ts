// Dev tool: regenerates messages.ts from the FileDescriptorProtos that a Go Kubernetes client binary
// embeds (gzip-compressed, one per generated.proto), cross-checked against the JSON field names of
// node_modules/kubernetes-types. Run from the repo root after `npx tsc`:
//   node dist/apiserver/protobuf/gen-messages.js /usr/bin/kubectl v1.32 > apiserver/protobuf/messages.ts
// It only reads and prints; the server never runs it, and no .proto text is stored.

import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync, constants as zlibConstants } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { RESOURCES } from '../../api/resources.js';
import { ProtoReader, WIRE_BYTES, WIRE_VARINT } from './reader.js';
import { META_V1, packageOf, type FieldSpec, type FieldType, type MessageTable } from './schema.js';

interface RawField {
  name: string;
  number: number;
  repeated: boolean;
  type: number;
  typeName: string;
}

interface RawMessage {
  fullName: string;
  fields: RawField[];
  mapEntry: boolean;
}

// google.protobuf.FieldDescriptorProto.Type
const SCALARS: Record<number, FieldType> = {
  1: 'double', 2: 'float', 3: 'int64', 4: 'uint64', 5: 'int32', 6: 'fixed64', 7: 'fixed32', 8: 'bool',
  9: 'string', 12: 'bytes', 13: 'uint32', 15: 'sfixed32', 16: 'sfixed64', 17: 'sint32', 18: 'sint64',
};
const TYPE_MESSAGE = 11;
const TYPE_ENUM = 14;
const LABEL_REPEATED = 3;

/** Calls fn(fieldNumber, reader) for each field; fn reads the value or returns false to skip it. */
function eachField(buf: Buffer, fn: (num: number, wt: number, r: ProtoReader) => boolean): void {
  const r = new ProtoReader(buf);
  while (!r.done()) {
    const tag = r.varint();
    if (!fn(tag >>> 3, tag & 7, r)) r.skip(tag & 7, tag >>> 3);
  }
}

function parseField(buf: Buffer): RawField {
  const f: RawField = { name: '', number: 0, repeated: false, type: 0, typeName: '' };
  eachField(buf, (num, wt, r) => {
    if (num === 1 && wt === WIRE_BYTES) f.name = r.bytes().toString('utf8');
    else if (num === 3 && wt === WIRE_VARINT) f.number = r.varint();
    else if (num === 4 && wt === WIRE_VARINT) f.repeated = r.varint() === LABEL_REPEATED;
    else if (num === 5 && wt === WIRE_VARINT) f.type = r.varint();
    else if (num === 6 && wt === WIRE_BYTES) f.typeName = r.bytes().toString('utf8').replace(/^\./, '');
    else return false;
    return true;
  });
  return f;
}

function parseMessage(buf: Buffer, scope: string, out: Map<string, RawMessage>): void {
  const msg: RawMessage = { fullName: '', fields: [], mapEntry: false };
  const nested: Buffer[] = [];
  eachField(buf, (num, wt, r) => {
    if (wt !== WIRE_BYTES) return false;
    if (num === 1) msg.fullName = `${scope}.${r.bytes().toString('utf8')}`;
    else if (num === 2) msg.fields.push(parseField(r.bytes()));
    else if (num === 3) nested.push(r.bytes());
    else if (num === 7) {
      // MessageOptions.map_entry = 7
      eachField(r.bytes(), (n, w, o) => {
        if (n === 7 && w === WIRE_VARINT) msg.mapEntry = o.varint() !== 0;
        else return false;
        return true;
      });
    } else return false;
    return true;
  });
  out.set(msg.fullName, msg);
  for (const n of nested) parseMessage(n, msg.fullName, out);
}

function parseFile(buf: Buffer, out: Map<string, RawMessage>): void {
  let pkg = '';
  const messages: Buffer[] = [];
  eachField(buf, (num, wt, r) => {
    if (num === 2 && wt === WIRE_BYTES) pkg = r.bytes().toString('utf8');
    else if (num === 4 && wt === WIRE_BYTES) messages.push(r.bytes());
    else return false;
    return true;
  });
  for (const m of messages) parseMessage(m, pkg, out);
}

/** Every k8s.io FileDescriptorProto found gzip-compressed in a Go binary. */
export function descriptorsFromBinary(binary: Buffer): Map<string, RawMessage> {
  const out = new Map<string, RawMessage>();
  for (let i = binary.indexOf(0x1f); i >= 0 && i < binary.length - 3; i = binary.indexOf(0x1f, i + 1)) {
    if (binary[i + 1] !== 0x8b || binary[i + 2] !== 8) continue;
    let file: Buffer;
    try {
      file = gunzipSync(binary.subarray(i, i + (1 << 20)), { finishFlush: zlibConstants.Z_SYNC_FLUSH });
    } catch {
      continue;
    }
    // FileDescriptorProto starts with field 1 (name), e.g. "k8s.io/api/core/v1/generated.proto".
    if (file[0] !== 0x0a || !file.subarray(2, 9).toString('latin1').startsWith('k8s.io/')) continue;
    parseFile(file, out);
  }
  return out;
}

function fieldType(f: RawField): FieldType {
  if (f.type === TYPE_MESSAGE) return `message:${f.typeName}`;
  if (f.type === TYPE_ENUM) return 'int32';
  const t = SCALARS[f.type];
  if (!t) throw new Error(`unsupported field type ${f.type} for ${f.name}`);
  return t;
}

/** The kinds clients write, beyond the resources' own kinds. */
const EXTRA_ROOTS = [
  'k8s.io.api.autoscaling.v1.Scale',
  'k8s.io.api.core.v1.Binding',
  'k8s.io.api.authorization.v1.SelfSubjectAccessReview',
  'k8s.io.api.authorization.v1.SubjectAccessReview',
  'k8s.io.api.authorization.v1.LocalSubjectAccessReview',
  'k8s.io.api.authorization.v1.SelfSubjectRulesReview',
  'k8s.io.api.authentication.v1.TokenRequest',
  'k8s.io.api.authentication.v1.TokenReview',
  'k8s.io.api.authentication.v1.SelfSubjectReview',
  'k8s.io.api.policy.v1.Eviction',
  'k8s.io.api.policy.v1.PodDisruptionBudget',
  ...[
    'ObjectMeta', 'ListMeta', 'OwnerReference', 'ManagedFieldsEntry', 'LabelSelector', 'LabelSelectorRequirement',
    'Time', 'MicroTime', 'Duration', 'FieldsV1', 'DeleteOptions', 'Preconditions', 'Status', 'StatusDetails',
    'StatusCause', 'CreateOptions', 'UpdateOptions', 'PatchOptions', 'GetOptions', 'ListOptions', 'WatchEvent',
  ].map((k) => `${META_V1}.${k}`),
  'k8s.io.apimachinery.pkg.util.intstr.IntOrString',
  'k8s.io.apimachinery.pkg.api.resource.Quantity',
  'k8s.io.apimachinery.pkg.runtime.RawExtension',
  'k8s.io.apimachinery.pkg.runtime.Unknown',
];

/** JSON field names of one kubernetes-types interface: name -> required (no `?`). */
type JsonFields = Map<string, boolean>;

/** Parses `export interface X { name?: T; ... }` blocks of a kubernetes-types .d.ts file. */
export function parseTypesFile(text: string): Map<string, JsonFields> {
  const out = new Map<string, JsonFields>();
  let current: JsonFields | undefined;
  for (const line of text.split('\n')) {
    const start = /^export interface (\w+) \{/.exec(line);
    if (start) {
      current = new Map();
      out.set(start[1]!, current);
      continue;
    }
    if (line.startsWith('}')) current = undefined;
    const field = current && /^ {4}(?:readonly )?["']?([\w$-]+)["']?(\??):/.exec(line);
    if (field) current!.set(field[1]!, field[2] !== '?');
  }
  return out;
}

/** The kubernetes-types file of a proto package: k8s.io.api.apps.v1 -> apps/v1.d.ts. */
function typesFileOf(pkg: string): string | undefined {
  if (pkg.startsWith('k8s.io.api.')) return pkg.slice('k8s.io.api.'.length).replace('.', '/') + '.d.ts';
  if (pkg === META_V1) return 'meta/v1.d.ts';
  return undefined;
}

export interface NameReport {
  renamed: string[];
  inlined: string[];
  unmatched: string[];
}

/**
 * Gives each field its JSON name (the proto name, except where Go's JSON tag differs, like
 * IngressClassParametersReference's `aPIGroup` -> `apiGroup`) and marks fields JSON requires.
 */
export function reconcileNames(table: MessageTable, typesDir: string): NameReport {
  const report: NameReport = { renamed: [], inlined: [], unmatched: [] };
  const files = new Map<string, Map<string, JsonFields>>();
  for (const [message, fields] of Object.entries(table)) {
    const dot = message.lastIndexOf('.');
    const file = typesFileOf(message.slice(0, dot));
    if (!file) continue;
    if (!files.has(file)) {
      const path = join(typesDir, file);
      files.set(file, existsSync(path) ? parseTypesFile(readFileSync(path, 'utf8')) : new Map());
    }
    const json = files.get(file)!.get(message.slice(dot + 1));
    if (!json) continue;
    for (const spec of Object.values(fields)) {
      let name = spec.name;
      if (!json.has(name)) {
        const match = [...json.keys()].find((k) => k.toLowerCase() === name.toLowerCase());
        if (!match) {
          // A Go struct embedded with `json:",inline"` (Volume's VolumeSource, a key selector's
          // LocalObjectReference) is one proto field but spreads its fields into the parent's JSON.
          const inner = spec.type.startsWith('message:') ? table[spec.type.slice('message:'.length)] : undefined;
          const lower = new Set([...json.keys()].map((k) => k.toLowerCase()));
          // Most, not all: kubernetes-types may predate fields the binary's protos already have.
          const innerNames = inner ? Object.values(inner).map((f) => f.name.toLowerCase()) : [];
          if (!spec.repeated && innerNames.length > 0 && innerNames.filter((n) => lower.has(n)).length * 2 >= innerNames.length) {
            spec.inline = true;
            report.inlined.push(`${message}.${name}`);
          } else {
            report.unmatched.push(`${message}.${name}`);
          }
          continue;
        }
        report.renamed.push(`${message}.${name} -> ${match}`);
        spec.name = name = match;
      }
      if (json.get(name)) spec.required = true;
    }
  }
  return report;
}

export function buildTable(all: Map<string, RawMessage>): MessageTable {
  const roots = [
    ...RESOURCES.map((r) => `${packageOf(r.group ? `${r.group}/${r.version}` : r.version)}.${r.kind}`),
    ...EXTRA_ROOTS,
  ];
  const table: MessageTable = {};
  const queue = [...roots];
  while (queue.length > 0) {
    const name = queue.shift()!;
    if (table[name]) continue;
    const msg = all.get(name);
    if (!msg) throw new Error(`message ${name} not found in the binary's descriptors`);
    const fields: Record<number, FieldSpec> = {};
    for (const f of msg.fields) {
      const entry = f.type === TYPE_MESSAGE ? all.get(f.typeName) : undefined;
      let spec: FieldSpec;
      if (entry?.mapEntry) {
        const key = entry.fields.find((e) => e.number === 1)!;
        const value = entry.fields.find((e) => e.number === 2)!;
        spec = { name: f.name, type: fieldType(f), map: { key: fieldType(key), value: fieldType(value) } };
      } else {
        spec = { name: f.name, type: fieldType(f), ...(f.repeated ? { repeated: true as const } : {}) };
      }
      fields[f.number] = spec;
      // A map's entry message is folded into the field; its value type is what must be reachable.
      const reached = spec.map ? spec.map.value : spec.type;
      if (reached.startsWith('message:')) queue.push(reached.slice('message:'.length));
    }
    table[name] = fields;
  }
  return table;
}

export function renderTable(table: MessageTable, source: string): string {
  const lines = [
    '// GENERATED by gen-messages.ts from the protobuf descriptors embedded in ' + source + '; do not edit.',
    '// Kubernetes protobuf messages reachable from the kinds k8ts serves: field number -> JSON name and type.',
    '// Data only: decoding lives in decode.ts.',
    '',
    "import type { MessageTable } from './schema.js';",
    '',
    'export const MESSAGES: MessageTable = {',
  ];
  for (const name of Object.keys(table).sort()) {
    lines.push(`  ${JSON.stringify(name)}: ${JSON.stringify(table[name])},`);
  }
  lines.push('};', '');
  return lines.join('\n');
}

function isMain(): boolean {
  try {
    return realpathSync(process.argv[1] ?? '') === fileURLToPath(import.meta.url);
  } catch {
    return false;
  }
}

if (isMain()) {
  const path = process.argv[2] ?? '/usr/bin/kubectl';
  const all = descriptorsFromBinary(readFileSync(realpathSync(path)));
  const table = buildTable(all);
  const report = reconcileNames(table, join(process.cwd(), 'node_modules', 'kubernetes-types'));
  for (const r of report.renamed) process.stderr.write(`renamed ${r}\n`);
  for (const i of report.inlined) process.stderr.write(`inline ${i}\n`);
  for (const u of report.unmatched) process.stderr.write(`not in kubernetes-types (kept proto name) ${u}\n`);
  process.stdout.write(renderTable(table, `kubectl ${process.argv[3] ?? ''}`.trim()));
}
