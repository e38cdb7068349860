// `k8ts get`: resolves TYPE[,TYPE] [NAME...] | TYPE/NAME arguments, fetches server-side Tables (or
// full objects for yaml/json/name/jsonpath/custom-columns) and prints them as kubectl 1.32 does,
// optionally watching. Reads only; never writes to the cluster.
import type { ResourceInfo } from '../api/resources.js';
import { RESOURCES, apiVersionOf, resolveResourceName } from '../api/resources.js';
import { parseWatchStream, resourcePath, statusErrorFrom, type KubeObject } from '../client/index.js';
import type { CliContext } from './context.js';
import { CliError, formatError } from './errors.js';
import { customColumnRows, parseCustomColumns } from './printers/custom-columns.js';
import { JsonPathError, goSyntax, jsonpath, parseTemplate, selectValues } from './printers/jsonpath.js';
import { bodyRows, headerRow, isTable, type Table, type TableColumn, type TableOptions, type TableRow } from './printers/table.js';
import { TabWriter } from './printers/tabwriter.js';
import { toKubectlJson, toKubectlYaml } from './printers/yaml-json.js';

export const TABLE_ACCEPT = 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json';

export interface GetOptions {
  output?: string;
  allNamespaces?: boolean;
  selector?: string;
  fieldSelector?: string;
  showLabels?: boolean;
  showKind?: boolean;
  labelColumns?: string[];
  sortBy?: string;
  noHeaders?: boolean;
  watch?: boolean;
  watchOnly?: boolean;
  ignoreNotFound?: boolean;
  showManagedFields?: boolean;
  chunkSize?: number;
}

/** One resource type with the names asked for (none: list them all). */
export interface GetRequest {
  info: ResourceInfo;
  names: string[];
}

export type OutputFormat =
  | { kind: 'table'; wide: boolean }
  | { kind: 'yaml' | 'json' | 'name' }
  | { kind: 'jsonpath'; template: string }
  | { kind: 'custom-columns'; spec: string };

const ALLOWED_FORMATS =
  'custom-columns,custom-columns-file,go-template,go-template-file,json,jsonpath,jsonpath-as-json,jsonpath-file,name,template,templatefile,wide,yaml';

export function parseOutput(output: string | undefined): OutputFormat {
  if (!output) return { kind: 'table', wide: false };
  if (output === 'wide') return { kind: 'table', wide: true };
  if (output === 'yaml' || output === 'json' || output === 'name') return { kind: output };
  const eq = output.indexOf('=');
  const name = eq < 0 ? output : output.slice(0, eq);
  const arg = eq < 0 ? '' : output.slice(eq + 1);
  if (name === 'jsonpath') {
    if (!arg) throw new CliError('template format specified but no template given');
    return { kind: 'jsonpath', template: arg };
  }
  if (name === 'custom-columns') return { kind: 'custom-columns', spec: arg };
  throw new CliError(`unable to match a printer suitable for the output format "${output}", allowed formats are: ${ALLOWED_FORMATS}`);
}

/** The `kind.group` kubectl prints before `/NAME` (`deployment.apps`, `pod`). */
export function kindPrefix(info: ResourceInfo): string {
  return info.group ? `${info.kind.toLowerCase()}.${info.group}` : info.kind.toLowerCase();
}

function resolveType(type: string): ResourceInfo[] {
  if (type === 'all') return expandAll();
  const info = resolveResourceName(type);
  if (!info) throw new CliError(`the server doesn't have a resource type "${type}"`);
  return [info];
}

/** The `all` category in discovery order: groups as the catalogue lists them, resources by name. */
export function expandAll(): ResourceInfo[] {
  const members = RESOURCES.filter((r) => r.categories?.includes('all'));
  const groups = [...new Set(members.map((r) => r.group))];
  return groups.flatMap((g) => members.filter((r) => r.group === g).sort((a, b) => (a.plural < b.plural ? -1 : 1)));
}

/** Turns the positional arguments into requests, as kubectl's resource builder does. */
export function parseGetArgs(args: readonly string[]): GetRequest[] {
  if (args.length === 0) {
    throw new CliError(
      'Required resource not specified.\nUse "kubectl explain <resource>" for a detailed description of that resource (e.g. kubectl explain pods).\nSee \'kubectl get -h\' for help and examples',
    );
  }
  if (args.some((a) => a.includes('/'))) {
    const requests: GetRequest[] = [];
    for (const a of args) {
      const slash = a.indexOf('/');
      if (slash < 0) throw new CliError(`there is no need to specify a resource type as a separate argument when passing arguments in resource/name form (e.g. 'kubectl get resource/<resource_name>' instead of 'kubectl get resource resource/<resource_name>'`);
      const [info] = resolveType(a.slice(0, slash));
      const name = a.slice(slash + 1);
      const last = requests[requests.length - 1];
      if (last && last.info === info) last.names.push(name);
      else requests.push({ info, names: [name] });
    }
    return requests;
  }
  const infos: ResourceInfo[] = [];
  for (const t of args[0].split(',').filter((t) => t !== '')) {
    for (const info of resolveType(t)) if (!infos.includes(info)) infos.push(info);
  }
  const names = args.slice(1);
  return infos.map((info) => ({ info, names: [...names] }));
}

interface Fetched {
  info: ResourceInfo;
  /** Table output: the table(s) answered for this request (rows merged). */
  table?: { columns: TableColumn[]; rows: TableRow[] };
  /** Object output: the objects, kind/apiVersion filled. */
  objects: KubeObject[];
  /** Whether names were asked for (one object then prints bare, not in a List). */
  named: boolean;
  resourceVersion?: string;
}

function namespaceFor(ctx: CliContext, info: ResourceInfo, opts: GetOptions): string | undefined {
  return info.namespaced && !opts.allNamespaces ? ctx.namespace : undefined;
}

function withKind(obj: KubeObject, info: ResourceInfo, keepManaged: boolean): KubeObject {
  const out: KubeObject = { apiVersion: apiVersionOf(info), kind: info.kind, ...obj };
  out.apiVersion = obj.apiVersion ?? apiVersionOf(info);
  out.kind = obj.kind ?? info.kind;
  if (!keepManaged && out.metadata?.managedFields) {
    const { managedFields: _drop, ...meta } = out.metadata;
    out.metadata = meta;
  }
  return out;
}

async function fetchRequest(ctx: CliContext, req: GetRequest, opts: GetOptions, table: boolean, errors: unknown[]): Promise<Fetched> {
  const ns = namespaceFor(ctx, req.info, opts);
  const accept = table ? TABLE_ACCEPT : 'application/json';
  const query: Record<string, string | number | undefined> = {};
  if (table && opts.sortBy) query.includeObject = 'Object';
  const fetched: Fetched = { info: req.info, objects: [], named: req.names.length > 0 };
  const addTable = (t: Table) => {
    if (!fetched.table) fetched.table = { columns: t.columnDefinitions ?? [], rows: [] };
    fetched.table.rows.push(...(t.rows ?? []));
  };
  if (req.names.length > 0) {
    for (const name of req.names) {
      try {
        const got = await ctx.client.raw<unknown>('GET', resourcePath(req.info, ns ?? (req.info.namespaced ? ctx.namespace : undefined), name), undefined, { accept, query });
        if (isTable(got)) addTable(got);
        else fetched.objects.push(withKind(got as KubeObject, req.info, !!opts.showManagedFields));
      } catch (err) {
        if (opts.ignoreNotFound && (err as { code?: number }).code === 404) continue;
        errors.push(err);
      }
    }
    return fetched;
  }
  let cont: string | undefined;
  do {
    const page = await ctx.client.raw<Table | (KubeObject & { items?: KubeObject[]; metadata?: { continue?: string; resourceVersion?: string } })>('GET', resourcePath(req.info, ns), undefined, {
      accept,
      query: { ...query, labelSelector: opts.selector, fieldSelector: opts.fieldSelector, limit: opts.chunkSize ?? 500, continue: cont },
    });
    if (isTable(page)) addTable(page);
    else for (const item of page.items ?? []) fetched.objects.push(withKind(item, req.info, !!opts.showManagedFields));
    cont = page.metadata?.continue || undefined;
    fetched.resourceVersion = page.metadata?.resourceVersion ?? fetched.resourceVersion;
  } while (cont);
  return fetched;
}

/** Orders values as kubectl's --sort-by does: numbers numerically, everything else as strings; absent first. */
export function compareSortValues(a: unknown, b: unknown): number {
  if (a === undefined && b === undefined) return 0;
  if (a === undefined) return -1;
  if (b === undefined) return 1;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  const x = typeof a === 'string' ? a : JSON.stringify(a);
  const y = typeof b === 'string' ? b : JSON.stringify(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

function sortByPath<T>(items: T[], path: string, objectOf: (t: T) => unknown): T[] {
  const keyed = items.map((item) => ({ item, key: selectValues(path, objectOf(item))[0] }));
  keyed.sort((p, q) => compareSortValues(p.key, q.key));
  return keyed.map((k) => k.item);
}

/** The List kubectl prints for several objects. */
export function asList(objects: KubeObject[]): KubeObject {
  return { apiVersion: 'v1', items: objects, kind: 'List', metadata: { resourceVersion: '' } } as KubeObject;
}

function objectName(info: ResourceInfo, obj: KubeObject): string {
  return `${kindPrefix(info)}/${obj.metadata?.name ?? ''}`;
}

function noResourcesMessage(ctx: CliContext, requests: GetRequest[], opts: GetOptions): string {
  const namespaced = !opts.allNamespaces && requests.every((r) => r.info.namespaced);
  return namespaced ? `No resources found in ${ctx.namespace} namespace.\n` : 'No resources found\n';
}

export async function runGet(ctx: CliContext, args: string[], opts: GetOptions): Promise<void> {
  const format = parseOutput(opts.output);
  if (format.kind === 'jsonpath') {
    try {
      parseTemplate(format.template);
    } catch (err) {
      throw new CliError(`error parsing jsonpath ${format.template}, ${(err as Error).message}`);
    }
  }
  const columns = format.kind === 'custom-columns' ? parseCustomColumns(format.spec) : undefined;
  if (args.length === 0) {
    ctx.err.write('You must specify the type of resource to get. Use "kubectl api-resources" for a complete list of supported resources.\n\n');
  }
  const requests = parseGetArgs(args);
  if ((opts.watch || opts.watchOnly) && requests.length !== 1) {
    throw new CliError(`you may only specify a single resource type`);
  }
  const table = format.kind === 'table';
  // kubectl drops managedFields only when printing JSON or YAML
  if (format.kind !== 'json' && format.kind !== 'yaml') opts = { ...opts, showManagedFields: true };
  const errors: unknown[] = [];
  const fetched: Fetched[] = [];
  if (!opts.watchOnly) {
    for (const req of requests) fetched.push(await fetchRequest(ctx, req, opts, table, errors));
  }
  const printKind = opts.showKind || requests.length > 1 || args[0] === 'all' || (args[0] ?? '').split(',').length > 1;
  let written = false;
  const out = (s: string) => {
    if (s.length > 0) written = true;
    ctx.out.write(s);
  };
  const writer = new TabWriter(!!(opts.watch || opts.watchOnly));
  const tableOpts = (info: ResourceInfo) => ({
    wide: format.kind === 'table' && format.wide,
    withNamespace: !!opts.allNamespaces && info.namespaced,
    showLabels: opts.showLabels,
    labelColumns: opts.labelColumns,
    kindPrefix: printKind ? kindPrefix(info) : undefined,
  });

  if (table) {
    for (const f of fetched) {
      if (!f.table || f.table.rows.length === 0) continue;
      let rows = f.table.rows;
      if (opts.sortBy) rows = sortByPath(rows, opts.sortBy, (r) => r.object);
      const block = [...(opts.noHeaders ? [] : [headerRow(f.table.columns, tableOpts(f.info))]), ...bodyRows(f.table.columns, rows, tableOpts(f.info))];
      if (written) out('\n');
      out(writer.format(block));
    }
    if (!written && errors.length === 0 && !opts.watch && !opts.watchOnly && !opts.ignoreNotFound) ctx.err.write(noResourcesMessage(ctx, requests, opts));
    if (!written && errors.length === 0 && opts.watch) ctx.err.write(noResourcesMessage(ctx, requests, opts));
  } else if (!opts.watchOnly) {
    let objects = fetched.flatMap((f) => f.objects.map((o) => ({ info: f.info, o })));
    if (opts.sortBy) objects = sortByPath(objects, opts.sortBy, (x) => x.o);
    const single = objects.length === 1 && fetched.every((f) => f.named) && requests.reduce((n, r) => n + r.names.length, 0) === 1;
    const data = single ? objects[0].o : asList(objects.map((x) => x.o));
    switch (format.kind) {
      case 'json':
        if (objects.length > 0 || errors.length === 0) out(toKubectlJson(data));
        break;
      case 'yaml':
        if (objects.length > 0 || errors.length === 0) out(toKubectlYaml(data));
        break;
      case 'name':
        for (const x of objects) out(objectName(x.info, x.o) + '\n');
        break;
      case 'jsonpath':
        if (objects.length > 0 || errors.length === 0) {
          try {
            out(jsonpath(format.template, data));
          } catch (err) {
            if (err instanceof JsonPathError) {
              throw new CliError(
                `error executing jsonpath ${JSON.stringify(format.template)}: Error executing template: ${err.message}. Printing more information for debugging the template:\n` +
                  `\ttemplate was:\n\t\t${format.template}\n\tobject given to jsonpath engine was:\n\t\t${goSyntax(data)}\n\n`,
              );
            }
            throw err;
          }
        }
        break;
      case 'custom-columns':
        out(writer.format(customColumnRows(columns!, objects.map((x) => x.o), opts.noHeaders)));
        break;
    }
  }
  for (const err of errors) ctx.err.write(formatError(err) + '\n');
  if (errors.length > 0) process.exitCode = 1;
  if (opts.watch || opts.watchOnly) await watchRequest(ctx, requests[0], fetched[0], opts, format, writer, tableOpts(requests[0].info), written);
}

async function watchRequest(
  ctx: CliContext,
  req: GetRequest,
  listed: Fetched | undefined,
  opts: GetOptions,
  format: OutputFormat,
  writer: TabWriter,
  tableOpts: TableOptions,
  headerPrinted: boolean,
): Promise<void> {
  const table = format.kind === 'table';
  const ns = namespaceFor(ctx, req.info, opts);
  let columns = listed?.table?.columns;
  let rv = listed?.resourceVersion;
  if (!listed) {
    // --watch-only: learn the columns and the resourceVersion from a list, print nothing of it
    const page = await ctx.client.raw<Table>('GET', resourcePath(req.info, ns), undefined, {
      accept: table ? TABLE_ACCEPT : 'application/json',
      query: { labelSelector: opts.selector, fieldSelector: nameSelector(req, opts.fieldSelector), limit: 1 },
    });
    columns = page.columnDefinitions;
    rv = page.metadata?.resourceVersion;
  }
  const controller = new AbortController();
  const stop = () => controller.abort();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  try {
    const res = await ctx.client.transport.stream({
      method: 'GET',
      path: resourcePath(req.info, ns),
      accept: table ? TABLE_ACCEPT : 'application/json',
      query: { watch: 'true', resourceVersion: rv, labelSelector: opts.selector, fieldSelector: nameSelector(req, opts.fieldSelector), includeObject: table && opts.sortBy ? 'Object' : undefined },
      signal: controller.signal,
      timeoutMs: 0,
    });
    for await (const ev of parseWatchStream(res)) {
      if (ev.type === 'BOOKMARK') continue;
      if (ev.type === 'ERROR') throw statusErrorFrom(ev.object as never, 500);
      if (table && isTable(ev.object)) {
        const t = ev.object as unknown as Table;
        if (t.columnDefinitions && t.columnDefinitions.length > 0) columns = t.columnDefinitions;
        if (!columns) continue;
        const block = bodyRows(columns, t.rows ?? [], tableOpts);
        if (!headerPrinted && !opts.noHeaders) block.unshift(headerRow(columns, tableOpts));
        headerPrinted = true;
        ctx.out.write(writer.format(block));
      } else if (!table) {
        const obj = withKind(ev.object, req.info, !!opts.showManagedFields);
        if (format.kind === 'json') ctx.out.write(toKubectlJson(obj));
        else if (format.kind === 'yaml') ctx.out.write((headerPrinted ? '---\n' : '') + toKubectlYaml(obj));
        else if (format.kind === 'name') ctx.out.write(objectName(req.info, obj) + '\n');
        else if (format.kind === 'jsonpath') ctx.out.write(jsonpath(format.template, obj));
        headerPrinted = true;
      }
    }
  } catch (err) {
    if (!controller.signal.aborted) throw err;
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  }
}

/** A watch on named objects narrows to `metadata.name=NAME`, as kubectl does. */
function nameSelector(req: GetRequest, fieldSelector: string | undefined): string | undefined {
  if (req.names.length !== 1) return fieldSelector;
  const byName = `metadata.name=${req.names[0]}`;
  return fieldSelector ? `${fieldSelector},${byName}` : byName;
}
