// Reads manifests as kubectl's resource builder does: `-f FILE|DIR|-`, `-R`, multi-document YAML and
// JSON, `*List` objects expanded, empty documents skipped, errors worded as kubectl words them.
// Reads local files and stdin only; never talks to the server and never fetches a URL.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { parseAllDocuments, type Tags } from 'yaml';
import { goJson } from '../printers/go-json.js';

export type Obj = Record<string, unknown>;

/** One object read from a manifest. */
export interface ManifestDoc {
  /** The file name as given (`STDIN` for `-`), what kubectl's messages quote. */
  source: string;
  /** 0-based index of the YAML/JSON document within its file. */
  index: number;
  object: Obj;
}

export interface LoadResult {
  docs: ManifestDoc[];
  /** Errors in kubectl's words (without `error: `); reading stopped at the failing document of that file. */
  errors: Error[];
}

const EXTENSIONS = ['.json', '.yaml', '.yml'];

export class ManifestError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ManifestError';
  }
}

/** The files a `-f` value names: the file itself, or a directory's .json/.yaml/.yml files (sorted; recursively with -R). */
export function expandPath(p: string, recursive: boolean): string[] {
  if (/^https?:\/\//.test(p)) throw new ManifestError(`reading manifests from a URL is not supported: ${p}`);
  let st;
  try {
    st = statSync(p);
  } catch {
    throw new ManifestError(`the path "${p}" does not exist`);
  }
  if (!st.isDirectory()) return [p];
  const out: string[] = [];
  const walk = (dir: string, top: boolean): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        if (recursive || top) {
          if (recursive) walk(full, false);
        }
      } else if (EXTENSIONS.includes(path.extname(entry.name))) {
        out.push(full);
      }
    }
  };
  walk(p, true);
  return out;
}

/** YAML 1.1 as Go's yaml.v2 reads it, but timestamps stay strings (sigs.k8s.io/yaml to JSON). */
const customTags = (tags: Tags): Tags => tags.filter((t) => typeof t === 'string' || t.tag !== 'tag:yaml.org,2002:timestamp');

function yamlLine(text: string, offset: number): number {
  return text.slice(0, offset).split('\n').length;
}

/** Parses the documents of one file's text; kubectl's messages name `source`. */
/** kubectl's client-side check of apiVersion and kind (schema.go getObjectKind) when validating. */
function kindProblems(object: Obj): string[] {
  const out: string[] = [];
  if (object.apiVersion === undefined || object.apiVersion === null) out.push('apiVersion not set');
  else if (typeof object.apiVersion !== 'string') out.push("apiVersion isn't string type");
  if (object.kind === undefined || object.kind === null) out.push('kind not set');
  else if (typeof object.kind !== 'string') out.push("kind isn't string type");
  return out;
}

export function parseManifestText(text: string, source: string, validate = false): LoadResult {
  const docs: ManifestDoc[] = [];
  const errors: Error[] = [];
  const trimmed = text.trimStart();
  let values: unknown[] = [];
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
    try {
      values = [JSON.parse(text)];
    } catch {
      values = [];
    }
  }
  if (values.length === 0) {
    for (const doc of parseAllDocuments(text, { version: '1.1', customTags, uniqueKeys: false })) {
      const problem = doc.errors[0];
      if (problem) {
        const line = problem.linePos?.[0]?.line ?? yamlLine(text, problem.pos[0]);
        const what = problem.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
        errors.push(new ManifestError(`error parsing ${source}: error converting YAML to JSON: yaml: line ${line}: ${what}`));
        break;
      }
      values.push(doc.toJS({ maxAliasCount: 100 }));
    }
  }
  values.forEach((value, index) => {
    if (value === null || value === undefined) return;
    if (typeof value !== 'object' || Array.isArray(value)) {
      errors.push(new ManifestError(`error validating data: invalid object to validate`));
      return;
    }
    const object = value as Obj;
    if (Object.keys(object).length === 0) return;
    const problems = validate ? kindProblems(object) : [];
    if (problems.length) {
      const what = problems.length === 1 ? problems[0] : `[${problems.join(', ')}]`;
      errors.push(new ManifestError(`error validating "${source}": error validating data: ${what}; if you choose to ignore these errors, turn validation off with --validate=false`));
      return;
    }
    const missing = !object.kind ? 'Kind' : !object.apiVersion ? 'apiVersion' : undefined;
    if (missing) {
      errors.push(new ManifestError(`unable to decode "${source}": Object '${missing}' is missing in '${goJson(object)}'`));
      return;
    }
    if (typeof object.kind === 'string' && object.kind.endsWith('List') && Array.isArray(object.items)) {
      for (const item of object.items) {
        if (item && typeof item === 'object') docs.push({ source, index, object: item as Obj });
      }
      return;
    }
    docs.push({ source, index, object });
  });
  return { docs, errors };
}

/** Loads every `-f` value in order; `-` reads `stdin` (the text given). */
export function loadManifests(filenames: string[], opts: { recursive?: boolean; stdin?: () => string; validate?: boolean } = {}): LoadResult {
  const out: LoadResult = { docs: [], errors: [] };
  for (const name of filenames) {
    if (name === '-') {
      const r = parseManifestText(opts.stdin ? opts.stdin() : readFileSync(0, 'utf8'), 'STDIN', opts.validate);
      out.docs.push(...r.docs);
      out.errors.push(...r.errors);
      continue;
    }
    for (const file of expandPath(name, opts.recursive ?? false)) {
      const r = parseManifestText(readFileSync(file, 'utf8'), file, opts.validate);
      out.docs.push(...r.docs);
      out.errors.push(...r.errors);
    }
  }
  return out;
}
