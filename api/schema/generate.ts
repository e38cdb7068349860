// Generates api/schema/definitions.json (upstream-named, JSON-schema-like definitions) from the
// installed kubernetes-types .d.ts files with the TypeScript compiler API. It must never be needed
// at runtime: the build does not run it; the committed JSON is what the apiserver reads.
// Run: `node dist/api/schema/generate.js` (writes the file) or `--check` (exits 1 when stale).

import { readFileSync, readdirSync, writeFileSync, existsSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createRequire } from 'node:module';
import ts from 'typescript';
import { RESOURCES, groupVersions } from '../resources.js';
import type { Schema } from './types.js';
import { goNumberFormat } from './go-types.js';
import { INT_OR_STRING, QUANTITY, TIME, MICRO_TIME, RAW_EXTENSION, FIELDS_V1, JSON_DEF, META_V1 as META } from './names.js';

/** The package-folder of a kubernetes-types file (`core/v1`, `meta/v1`, `runtime`) -> upstream prefix. */
export function upstreamPrefix(fileKey: string): string {
  switch (fileKey) {
    case 'meta/v1':
      return 'io.k8s.apimachinery.pkg.apis.meta.v1';
    case 'runtime':
      return 'io.k8s.apimachinery.pkg.runtime';
    case 'api/resource':
      return 'io.k8s.apimachinery.pkg.api.resource';
    case 'version':
      return 'io.k8s.apimachinery.pkg.version';
    default: {
      const [group, version] = fileKey.split('/');
      if (group === 'apiextensions') return `io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.${version}`;
      return `io.k8s.api.${group}.${version}`;
    }
  }
}

/** Definitions whose shape is not an interface walk: scalars with custom JSON and free-form objects. */
const SPECIAL: Record<string, Schema> = {
  [INT_OR_STRING]: {
    description:
      'IntOrString is a type that can hold an int32 or a string.  When used in JSON or YAML marshalling and unmarshalling, it produces or consumes the inner type.  This allows you to have, for example, a JSON field that can accept a name or number.',
    format: 'int-or-string',
    oneOf: [{ type: 'integer' }, { type: 'string' }],
  },
  [QUANTITY]: { oneOf: [{ type: 'string' }, { type: 'number' }] },
  [TIME]: { type: 'string', format: 'date-time' },
  [MICRO_TIME]: { type: 'string', format: 'date-time' },
  [RAW_EXTENSION]: { type: 'object' },
  [FIELDS_V1]: { type: 'object' },
  [JSON_DEF]: {},
};

/** Names of the kinds plus the meta/v1 documents every group-version serves. */
function roots(): string[] {
  const names = new Set<string>();
  for (const res of RESOURCES) {
    const prefix = upstreamPrefix(`${res.group === '' ? 'core' : res.group.split('.')[0]}/${res.version}`);
    names.add(`${prefix}.${res.kind}`);
    names.add(`${prefix}.${res.kind}List`);
    for (const sub of res.subresources) {
      const g = sub.group ?? res.group;
      const v = sub.version ?? res.version;
      names.add(`${upstreamPrefix(`${g === '' ? 'core' : g.split('.')[0]}/${v}`)}.${sub.kind}`);
    }
  }
  for (const n of ['ObjectMeta', 'ListMeta', 'Status', 'DeleteOptions', 'WatchEvent', 'APIResourceList', 'APIGroupList', 'APIVersions']) {
    names.add(`${META}.${n}`);
  }
  return [...names];
}

interface ParsedFile {
  key: string;
  interfaces: Map<string, ts.InterfaceDeclaration>;
  aliases: Map<string, ts.TypeAliasDeclaration>;
  /** imported name -> file key */
  imports: Map<string, string>;
}

/** Finds node_modules/kubernetes-types from this module (dist or source) upward. */
export function kubernetesTypesDir(): string {
  const require = createRequire(import.meta.url);
  return dirname(require.resolve('kubernetes-types/package.json'));
}

function listDts(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...listDts(p));
    else if (name.endsWith('.d.ts')) out.push(p);
  }
  return out;
}

function parseAll(root: string): Map<string, ParsedFile> {
  const files = new Map<string, ParsedFile>();
  for (const path of listDts(root)) {
    const key = relative(root, path).replace(/\\/g, '/').replace(/\.d\.ts$/, '');
    const sf = ts.createSourceFile(path, readFileSync(path, 'utf8'), ts.ScriptTarget.ES2022, true);
    const parsed: ParsedFile = { key, interfaces: new Map(), aliases: new Map(), imports: new Map() };
    for (const stmt of sf.statements) {
      if (ts.isInterfaceDeclaration(stmt)) parsed.interfaces.set(stmt.name.text, stmt);
      else if (ts.isTypeAliasDeclaration(stmt)) parsed.aliases.set(stmt.name.text, stmt);
      else if (ts.isImportDeclaration(stmt) && ts.isStringLiteral(stmt.moduleSpecifier)) {
        const target = join(dirname(key), stmt.moduleSpecifier.text).replace(/\\/g, '/');
        const bindings = stmt.importClause?.namedBindings;
        if (bindings && ts.isNamedImports(bindings)) for (const el of bindings.elements) parsed.imports.set(el.name.text, target);
      }
    }
    files.set(key, parsed);
  }
  return files;
}

function jsDoc(node: ts.Node): string | undefined {
  const docs = (node as { jsDoc?: ts.JSDoc[] }).jsDoc;
  if (!docs || docs.length === 0) return undefined;
  const text = docs.map((d) => ts.getTextOfJSDocComment(d.comment) ?? '').join('\n').trim();
  return text === '' ? undefined : text;
}

const ref = (name: string): Schema => ({ $ref: `#/components/schemas/${name}` });

/**
 * Reads every kubernetes-types .d.ts under `root` and returns the definitions reachable from the
 * kinds of api/resources.ts, keyed by upstream OpenAPI name, keys sorted for a stable file.
 */
export function generateDefinitions(root: string = kubernetesTypesDir()): Record<string, Schema> {
  const files = parseAll(root);
  const byName = new Map<string, { file: ParsedFile; decl: ts.InterfaceDeclaration }>();
  for (const file of files.values()) {
    for (const [name, decl] of file.interfaces) byName.set(`${upstreamPrefix(file.key)}.${name}`, { file, decl });
  }

  const out: Record<string, Schema> = {};
  const queue = roots();
  const seen = new Set<string>();

  const resolveName = (file: ParsedFile, name: string): string => {
    const fileKey = file.interfaces.has(name) || file.aliases.has(name) ? file.key : file.imports.get(name);
    if (!fileKey) throw new Error(`${file.key}: cannot resolve type ${name}`);
    const full = `${upstreamPrefix(fileKey)}.${name}`;
    return full;
  };

  const typeOf = (file: ParsedFile, node: ts.TypeNode, owner: string, prop: string): Schema => {
    switch (node.kind) {
      case ts.SyntaxKind.StringKeyword:
        return { type: 'string' };
      case ts.SyntaxKind.BooleanKeyword:
        return { type: 'boolean' };
      case ts.SyntaxKind.NumberKeyword: {
        const format = goNumberFormat(owner, prop);
        return format === 'double' ? { type: 'number', format } : { type: 'integer', format };
      }
      case ts.SyntaxKind.AnyKeyword:
      case ts.SyntaxKind.UnknownKeyword:
        return {};
    }
    if (ts.isLiteralTypeNode(node)) {
      if (ts.isStringLiteral(node.literal)) return { type: 'string' };
      if (node.literal.kind === ts.SyntaxKind.TrueKeyword || node.literal.kind === ts.SyntaxKind.FalseKeyword) return { type: 'boolean' };
      throw new Error(`${owner}.${prop}: unsupported literal type`);
    }
    if (ts.isUnionTypeNode(node)) {
      const kinds = node.types.map((t) => t.kind).sort();
      if (kinds.length === 2 && kinds.includes(ts.SyntaxKind.NumberKeyword) && kinds.includes(ts.SyntaxKind.StringKeyword)) {
        queue.push(INT_OR_STRING);
        return ref(INT_OR_STRING);
      }
      throw new Error(`${owner}.${prop}: unsupported union ${node.getText()}`);
    }
    if (ts.isArrayTypeNode(node)) return { type: 'array', items: typeOf(file, node.elementType, owner, prop) };
    if (ts.isParenthesizedTypeNode(node)) return typeOf(file, node.type, owner, prop);
    if (ts.isTypeLiteralNode(node)) {
      const index = node.members.find(ts.isIndexSignatureDeclaration);
      if (index && node.members.length === 1) return { type: 'object', additionalProperties: typeOf(file, index.type, owner, prop) };
      throw new Error(`${owner}.${prop}: unsupported type literal`);
    }
    if (ts.isTypeReferenceNode(node)) {
      const name = node.typeName.getText();
      if (name === 'Array' && node.typeArguments?.length === 1) {
        return { type: 'array', items: typeOf(file, node.typeArguments[0]!, owner, prop) };
      }
      if (name === 'Record' && node.typeArguments?.length === 2) {
        return { type: 'object', additionalProperties: typeOf(file, node.typeArguments[1]!, owner, prop) };
      }
      const full = resolveName(file, name);
      if (!(full in SPECIAL) && !byName.has(full)) throw new Error(`${owner}.${prop}: unknown definition ${full}`);
      queue.push(full);
      return ref(full);
    }
    throw new Error(`${owner}.${prop}: unsupported type ${ts.SyntaxKind[node.kind]}`);
  };

  while (queue.length > 0) {
    const name = queue.shift()!;
    if (seen.has(name)) continue;
    seen.add(name);
    if (name in SPECIAL) {
      out[name] = structuredClone(SPECIAL[name]!);
      continue;
    }
    const entry = byName.get(name);
    if (!entry) throw new Error(`definition ${name} not found in kubernetes-types`);
    const { file, decl } = entry;
    if (decl.members.length === 0) {
      // Empty interfaces (RawExtension, FieldsV1) are free-form on the wire.
      out[name] = { ...(jsDoc(decl) ? { description: jsDoc(decl) } : {}), type: 'object' };
      continue;
    }
    const properties: Record<string, Schema> = {};
    const required: string[] = [];
    let apiVersionLiteral: string | undefined;
    let kindLiteral: string | undefined;
    for (const member of decl.members) {
      if (!ts.isPropertySignature(member) || !member.type) throw new Error(`${name}: unsupported member`);
      const prop = ts.isStringLiteral(member.name) ? member.name.text : member.name.getText();
      const schema = typeOf(file, member.type, name, prop);
      const description = jsDoc(member);
      properties[prop] = description === undefined ? schema : { ...schema, description };
      if (!member.questionToken) required.push(prop);
      if (ts.isLiteralTypeNode(member.type) && ts.isStringLiteral(member.type.literal)) {
        if (prop === 'apiVersion') apiVersionLiteral = member.type.literal.text;
        if (prop === 'kind') kindLiteral = member.type.literal.text;
      }
    }
    const def: Schema = {};
    const description = jsDoc(decl);
    if (description !== undefined) def.description = description;
    def.type = 'object';
    def.properties = sortKeys(properties);
    if (required.length > 0) def.required = required.sort();
    const gvk = groupVersionKinds(name, apiVersionLiteral, kindLiteral);
    if (gvk) def['x-kubernetes-group-version-kind'] = gvk;
    out[name] = def;
  }
  return sortKeys(out);
}

function groupVersionKinds(name: string, apiVersion: string | undefined, kind: string | undefined): Schema['x-kubernetes-group-version-kind'] {
  if (apiVersion !== undefined && kind !== undefined) {
    const i = apiVersion.indexOf('/');
    return [{ group: i < 0 ? '' : apiVersion.slice(0, i), kind, version: i < 0 ? apiVersion : apiVersion.slice(i + 1) }];
  }
  const short = name.slice(META.length + 1);
  if (!name.startsWith(`${META}.`)) return undefined;
  // meta/v1 documents are served by every group-version, as upstream lists them.
  if (short === 'Status') return [{ group: '', kind: 'Status', version: 'v1' }];
  if (short === 'DeleteOptions' || short === 'WatchEvent') {
    return groupVersions().map((gv) => ({ group: gv.group, kind: short, version: gv.version }));
  }
  return undefined;
}

function sortKeys<T>(obj: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.keys(obj).sort().map((k) => [k, obj[k]!]));
}

/** The repository root: the nearest folder upward from this module holding package.json. */
export function repoRoot(from: string = dirname(fileURLToPath(import.meta.url))): string {
  let dir = resolve(from);
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error('package.json not found above ' + from);
    dir = up;
  }
  return dir;
}

export function definitionsPath(): string {
  return join(repoRoot(), 'api', 'schema', 'definitions.json');
}

export function serialise(defs: Record<string, Schema>): string {
  return JSON.stringify(defs, null, 1) + '\n';
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const text = serialise(generateDefinitions());
  const path = definitionsPath();
  if (process.argv.includes('--check')) {
    const current = existsSync(path) ? readFileSync(path, 'utf8') : '';
    if (current !== text) {
      process.stderr.write(`${path} is stale: run node dist/api/schema/generate.js\n`);
      process.exit(1);
    }
  } else {
    writeFileSync(path, text);
    process.stdout.write(`wrote ${Object.keys(JSON.parse(text)).length} definitions to ${path}\n`);
  }
}
