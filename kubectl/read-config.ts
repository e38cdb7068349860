// `k8ts config view|get-contexts|current-context|use-context|set-context`: reads and edits kubeconfig
// files as kubectl does (merged view, DATA+OMITTED/REDACTED unless --raw, --minify). Talks to no
// server and never prints credentials unless --raw asks for them.
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import type { Command } from 'commander';
import { parse } from 'yaml';
import { kubeconfigPaths } from '../client/index.js';
import type { GlobalOptions } from './context.js';
import { CliError } from './errors.js';
import { TabWriter } from './printers/tabwriter.js';
import { toKubectlYaml } from './printers/yaml-json.js';
import { escapeHtml } from './printers/go-json.js';

type Named = { name: string; [k: string]: unknown };

export interface KubeconfigDoc {
  apiVersion?: string;
  kind?: string;
  clusters?: Named[] | null;
  contexts?: Named[] | null;
  users?: Named[] | null;
  'current-context'?: string;
  preferences?: Record<string, unknown>;
  [k: string]: unknown;
}

interface LoadedFile {
  path: string;
  doc: KubeconfigDoc;
}

export function readKubeconfig(path: string): KubeconfigDoc {
  if (!existsSync(path)) return {};
  const doc = (parse(readFileSync(path, 'utf8')) ?? {}) as KubeconfigDoc;
  return doc;
}

function loadFiles(globals: GlobalOptions): LoadedFile[] {
  const { paths } = kubeconfigPaths({ kubeconfig: globals.kubeconfig });
  return paths.map((p) => ({ path: p, doc: readKubeconfig(p) }));
}

/** Merges as client-go does: first file to name an entry wins it; first current-context wins. */
export function mergeKubeconfigs(docs: readonly KubeconfigDoc[]): KubeconfigDoc {
  const merged: { clusters: Named[]; contexts: Named[]; users: Named[] } = { clusters: [], contexts: [], users: [] };
  let current: string | undefined;
  let preferences: Record<string, unknown> | undefined;
  for (const doc of docs) {
    for (const key of ['clusters', 'contexts', 'users'] as const) {
      for (const entry of doc[key] ?? []) if (!merged[key].some((e) => e.name === entry.name)) merged[key].push(entry);
    }
    if (current === undefined && doc['current-context']) current = doc['current-context'];
    preferences ??= doc.preferences && Object.keys(doc.preferences).length ? doc.preferences : undefined;
  }
  const byName = (a: Named, b: Named) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
  return {
    apiVersion: 'v1',
    clusters: merged.clusters.length ? merged.clusters.sort(byName) : null,
    contexts: merged.contexts.length ? merged.contexts.sort(byName) : null,
    'current-context': current ?? '',
    kind: 'Config',
    preferences: preferences ?? {},
    users: merged.users.length ? merged.users.sort(byName) : null,
  };
}

const OMITTED = new Set(['certificate-authority-data', 'client-certificate-data', 'client-key-data']);
const REDACTED = new Set(['token', 'password']);

/** What `config view` prints without --raw: certificate data `DATA+OMITTED`, secrets `REDACTED`. */
export function redact(doc: KubeconfigDoc): KubeconfigDoc {
  const copy = structuredClone(doc);
  for (const c of copy.clusters ?? []) {
    const cluster = c.cluster as Record<string, unknown> | undefined;
    for (const k of Object.keys(cluster ?? {})) if (OMITTED.has(k) && cluster![k]) cluster![k] = 'DATA+OMITTED';
  }
  for (const u of copy.users ?? []) {
    const user = u.user as Record<string, unknown> | undefined;
    for (const k of Object.keys(user ?? {})) {
      if (OMITTED.has(k) && user![k]) user![k] = 'DATA+OMITTED';
      else if (REDACTED.has(k) && user![k]) user![k] = 'REDACTED';
    }
  }
  return copy;
}

/** Only the current (or --context) context with its cluster and user. */
export function minify(doc: KubeconfigDoc, contextName?: string): KubeconfigDoc {
  const name = contextName || doc['current-context'];
  if (!name) throw new CliError('current-context must exist in order to minify');
  const context = (doc.contexts ?? []).find((c) => c.name === name);
  if (!context) throw new CliError(`cannot locate context ${name}`);
  const ctx = context.context as { cluster?: string; user?: string } | undefined;
  const clusters = (doc.clusters ?? []).filter((c) => c.name === ctx?.cluster);
  const users = (doc.users ?? []).filter((u) => u.name === ctx?.user);
  return { ...doc, clusters: clusters.length ? clusters : null, contexts: [context], 'current-context': name, users: users.length ? users : null };
}

const TOP_ORDER = ['kind', 'apiVersion', 'preferences', 'clusters', 'users', 'contexts', 'current-context', 'extensions'];
const CLUSTER_ORDER = ['server', 'tls-server-name', 'insecure-skip-tls-verify', 'certificate-authority', 'certificate-authority-data', 'proxy-url', 'disable-compression', 'extensions'];
const USER_ORDER = ['client-certificate', 'client-certificate-data', 'client-key', 'client-key-data', 'token', 'tokenFile', 'as', 'as-uid', 'as-groups', 'as-user-extra', 'username', 'password', 'auth-provider', 'exec', 'extensions'];
const CONTEXT_ORDER = ['cluster', 'user', 'namespace', 'extensions'];

function ordered(obj: Record<string, unknown>, order: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of order) if (obj[k] !== undefined) out[k] = obj[k];
  for (const k of Object.keys(obj)) if (!(k in out)) out[k] = obj[k];
  return out;
}

/** `config view -o json`: the fields in the order of clientcmd's v1 Go structs, 4-space indent. */
export function configJson(doc: KubeconfigDoc): string {
  const entries = (list: Named[] | null | undefined, inner: string, order: readonly string[]) =>
    (list ?? []).map((e) => ({ name: e.name, [inner]: ordered((e[inner] ?? {}) as Record<string, unknown>, order) }));
  const top = ordered(
    {
      ...doc,
      clusters: entries(doc.clusters, 'cluster', CLUSTER_ORDER),
      users: entries(doc.users, 'user', USER_ORDER),
      contexts: entries(doc.contexts, 'context', CONTEXT_ORDER),
    },
    TOP_ORDER,
  );
  return escapeHtml(JSON.stringify(top, null, 4)) + '\n';
}

function writeDoc(file: LoadedFile): void {
  const doc = file.doc;
  const out: KubeconfigDoc = {
    apiVersion: doc.apiVersion ?? 'v1',
    clusters: doc.clusters ?? null,
    contexts: doc.contexts ?? null,
    'current-context': doc['current-context'] ?? '',
    kind: doc.kind ?? 'Config',
    preferences: doc.preferences ?? {},
    users: doc.users ?? null,
  };
  writeFileSync(file.path, toKubectlYaml(out), { mode: 0o600 });
}

export function contextRows(doc: KubeconfigDoc, names: string[], noHeaders: boolean): string[][] {
  const rows: string[][] = noHeaders ? [] : [['CURRENT', 'NAME', 'CLUSTER', 'AUTHINFO', 'NAMESPACE']];
  for (const c of doc.contexts ?? []) {
    if (names.length && !names.includes(c.name)) continue;
    const ctx = (c.context ?? {}) as { cluster?: string; user?: string; namespace?: string };
    rows.push([c.name === doc['current-context'] ? '*' : '', c.name, ctx.cluster ?? '', ctx.user ?? '', ctx.namespace ?? '']);
  }
  return rows;
}

export function registerConfigCommands(program: Command): void {
  const config = program.command('config').description('Modify kubeconfig files');
  const globals = () => program.opts<GlobalOptions>();
  const write = (s: string) => process.stdout.write(s);

  config
    .command('view')
    .description('Display merged kubeconfig settings or a specified kubeconfig file')
    .option('--raw', 'Display raw byte data and sensitive data')
    .option('--minify', 'Remove all information not used by current-context from the output')
    .option('--flatten', 'Flatten the resulting kubeconfig file into self-contained output')
    .option('-o, --output <format>', 'Output format: yaml or json', 'yaml')
    .action((opts: { raw?: boolean; minify?: boolean; flatten?: boolean; output: string }) => {
      let doc = mergeKubeconfigs(loadFiles(globals()).map((f) => f.doc));
      if (opts.minify) doc = minify(doc, globals().context);
      if (!opts.raw) doc = redact(doc);
      if (opts.output === 'json') write(configJson(doc));
      else if (opts.output === 'yaml') write(toKubectlYaml(doc));
      else throw new CliError(`unable to match a printer suitable for the output format "${opts.output}", allowed formats are: json,yaml`);
    });

  config
    .command('get-contexts')
    .description('Describe one or many contexts')
    .argument('[names...]')
    .option('-o, --output <format>', 'Output format. One of: (name)')
    .option('--no-headers', "When using the default or custom-column output format, don't print headers")
    .action((names: string[], opts: { output?: string; headers?: boolean }) => {
      const doc = mergeKubeconfigs(loadFiles(globals()).map((f) => f.doc));
      for (const n of names) if (!(doc.contexts ?? []).some((c) => c.name === n)) throw new CliError(`context ${n} not found`);
      if (opts.output === 'name') {
        for (const c of doc.contexts ?? []) if (!names.length || names.includes(c.name)) write(c.name + '\n');
        return;
      }
      write(new TabWriter().format(contextRows(doc, names, opts.headers === false)));
    });

  config
    .command('current-context')
    .description('Display the current-context')
    .action(() => {
      const doc = mergeKubeconfigs(loadFiles(globals()).map((f) => f.doc));
      if (!doc['current-context']) throw new CliError('current-context is not set');
      write(doc['current-context'] + '\n');
    });

  config
    .command('use-context')
    .description('Set the current-context in a kubeconfig file')
    .argument('<name>')
    .action((name: string) => {
      const files = loadFiles(globals());
      const doc = mergeKubeconfigs(files.map((f) => f.doc));
      if (!(doc.contexts ?? []).some((c) => c.name === name)) throw new CliError(`no context exists with the name: "${name}"`);
      const target = files.find((f) => f.doc['current-context']) ?? files[0];
      target.doc['current-context'] = name;
      writeDoc(target);
      write(`Switched to context "${name}".\n`);
    });

  config
    .command('set-context')
    .description('Set a context entry in kubeconfig')
    .argument('[name]')
    .option('--current', 'Modify the current context')
    .option('--cluster <cluster>', 'cluster for the context entry in kubeconfig')
    .option('--user <user>', 'user for the context entry in kubeconfig')
    .option('--namespace <namespace>', 'namespace for the context entry in kubeconfig')
    .action((nameArg: string | undefined, opts: { current?: boolean; cluster?: string; user?: string; namespace?: string }, cmd: Command) => {
      const files = loadFiles(globals());
      const merged = mergeKubeconfigs(files.map((f) => f.doc));
      // -n/--namespace is also a global flag: commander may have given it to the program.
      const namespace = opts.namespace ?? (cmd.parent?.parent?.opts<GlobalOptions>().namespace);
      let name = nameArg;
      if (opts.current) {
        if (name) throw new CliError('you cannot specify both a context name and --current');
        name = merged['current-context'];
        if (!name) throw new CliError('no current context is set');
      }
      if (!name) throw new CliError('you must specify a non-empty context name or --current');
      const target = files.find((f) => (f.doc.contexts ?? []).some((c) => c.name === name)) ?? files[0];
      target.doc.contexts ??= [];
      let entry = target.doc.contexts.find((c) => c.name === name);
      const exists = !!entry;
      if (!entry) target.doc.contexts.push((entry = { name, context: {} }));
      const ctx = (entry.context ??= {}) as Record<string, string>;
      if (opts.cluster !== undefined) ctx.cluster = opts.cluster;
      if (opts.user !== undefined) ctx.user = opts.user;
      if (namespace !== undefined) ctx.namespace = namespace;
      writeDoc(target);
      write(`Context "${name}" ${exists ? 'modified' : 'created'}.\n`);
    });
}
