// `create -f` (POST each object), `replace -f` (PUT, or with --force delete then create) and the
// imperative `create namespace|configmap|secret generic|deployment` forms with kubectl's objects.
// Never patches: an existing object is an AlreadyExists error for create.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { findByKind, type ResourceInfo } from '../api/resources.js';
import { NotFoundError, type KubeObject } from '../client/index.js';
import type { CliContext } from './context.js';
import { CliError } from './errors.js';
import type { ResolvedDoc } from './manifests/resolve.js';
import { modifiedConfiguration } from './apply/last-applied.js';
import { clientOf, ErrorList, kindGroup, parseDryRun, readManifests, ResultPrinter, withSource, parseValidate } from './write-common.js';
import { waitUntilGone } from './write-delete.js';

export interface CreateFileOptions {
  filename?: string[];
  recursive?: boolean;
  dryRun?: string | boolean;
  output?: string;
  saveConfig?: boolean;
  validate?: string | boolean;
}

function withConfig(doc: ResolvedDoc, save: boolean | undefined): KubeObject {
  return (save ? modifiedConfiguration(doc.object, true).object : doc.object) as KubeObject;
}

export async function runCreateFromFiles(ctx: CliContext, opts: CreateFileOptions): Promise<void> {
  if (!opts.filename?.length) throw new CliError('must specify one of -f and -k');
  const dryRun = parseDryRun(opts.dryRun);
  const printer = new ResultPrinter(ctx, opts.output, dryRun);
  const { docs, errors: loadErrors } = readManifests(ctx, opts);
  const errors = new ErrorList();
  errors.addAll(loadErrors);
  for (const doc of docs) {
    try {
      const body = withConfig(doc, opts.saveConfig);
      const created =
        dryRun === 'client'
          ? body
          : await withSource('creating', doc.source, () =>
              clientOf(ctx.client, doc).create(body, { fieldManager: 'kubectl-create', fieldValidation: parseValidate(opts.validate), dryRun: dryRun === 'server' }, doc.namespace),
            );
      printer.print(doc.info, doc.name, 'created', created);
    } catch (err) {
      errors.add(err);
    }
  }
  errors.report(ctx);
}

export interface ReplaceOptions extends CreateFileOptions {
  force?: boolean;
  gracePeriod?: string;
  cascade?: string;
}

export async function runReplace(ctx: CliContext, opts: ReplaceOptions): Promise<void> {
  if (!opts.filename?.length) throw new CliError('must specify --filename to replace');
  const dryRun = parseDryRun(opts.dryRun);
  if (opts.force && dryRun !== 'none') throw new CliError('--dry-run can not be used when --force is set');
  const printer = new ResultPrinter(ctx, opts.output, dryRun);
  const { docs, errors: loadErrors } = readManifests(ctx, opts);
  const errors = new ErrorList();
  errors.addAll(loadErrors);
  for (const doc of docs) {
    const rc = clientOf(ctx.client, doc);
    try {
      const body = withConfig(doc, opts.saveConfig);
      if (opts.force) {
        const gone = await withSource('deleting', doc.source, () => rc.delete(doc.name, { propagationPolicy: 'Background', gracePeriodSeconds: opts.gracePeriod ? Number(opts.gracePeriod) : undefined }, doc.namespace)).catch((err: unknown) => {
          if ((err as { cause?: unknown }).cause instanceof NotFoundError) return undefined;
          throw err;
        });
        if (gone) {
          ctx.out.write(`${kindGroup(doc.info)} "${doc.name}" deleted\n`);
          await waitUntilGone(rc, doc.name, doc.namespace, gone.kind === 'Status' ? undefined : gone.metadata?.uid);
        }
        const meta = { ...(body.metadata ?? {}) };
        delete meta.resourceVersion;
        const created = await withSource('creating', doc.source, () => rc.create({ ...body, metadata: meta }, { fieldManager: 'kubectl-replace', fieldValidation: parseValidate(opts.validate) }, doc.namespace));
        printer.print(doc.info, doc.name, 'replaced', created);
        continue;
      }
      const replaced =
        dryRun === 'client'
          ? body
          : await withSource('replacing', doc.source, () => rc.update(body, { fieldManager: 'kubectl-replace', fieldValidation: parseValidate(opts.validate), dryRun: dryRun === 'server' }));
      printer.print(doc.info, doc.name, 'replaced', replaced);
    } catch (err) {
      errors.add(err);
    }
  }
  errors.report(ctx);
}

// ---- imperative create ----------------------------------------------------------------------

export interface GeneratorOptions {
  dryRun?: string | boolean;
  output?: string;
  fromLiteral?: string[];
  fromFile?: string[];
  image?: string[];
  replicas?: string;
  port?: string;
  type?: string;
  validate?: string | boolean;
}

/** Parses `--from-literal key=value`. */
function literal(source: string): [string, string] {
  const eq = source.indexOf('=');
  if (eq <= 0) throw new CliError(`invalid literal source ${source}, expected key=value`);
  return [source.slice(0, eq), source.slice(eq + 1)];
}

/** `--from-file [key=]path`: a file, or every regular file of a directory. */
function fileEntries(source: string): [string, Buffer][] {
  const eq = source.indexOf('=');
  const key = eq >= 0 ? source.slice(0, eq) : undefined;
  const p = eq >= 0 ? source.slice(eq + 1) : source;
  let st;
  try {
    st = statSync(p);
  } catch {
    throw new CliError(`error reading ${p}: no such file or directory`);
  }
  if (st.isDirectory()) {
    if (key) throw new CliError('cannot give a key name for a directory path');
    return readdirSync(p, { withFileTypes: true })
      .filter((e) => e.isFile())
      .map((e) => [e.name, readFileSync(path.join(p, e.name))] as [string, Buffer]);
  }
  return [[key ?? path.basename(p), readFileSync(p)]];
}

function dataOf(opts: GeneratorOptions, encode: (b: Buffer) => string): Record<string, string> | undefined {
  const data: Record<string, string> = {};
  const add = (k: string, v: string): void => {
    if (k in data) throw new CliError(`cannot add key ${k}, another key by that name already exists in data: ${JSON.stringify(data)}`);
    data[k] = v;
  };
  for (const f of opts.fromFile ?? []) for (const [k, b] of fileEntries(f)) add(k, encode(b));
  for (const l of opts.fromLiteral ?? []) {
    const [k, v] = literal(l);
    add(k, encode(Buffer.from(v)));
  }
  return Object.keys(data).length ? data : undefined;
}

/** The object `kubectl create KIND NAME` builds (metadata.namespace only with an explicit -n). */
export function buildGenerated(kind: 'namespace' | 'configmap' | 'secret' | 'deployment', name: string, opts: GeneratorOptions, namespace?: string): KubeObject {
  const metadata: Record<string, unknown> = { creationTimestamp: null, name };
  if (namespace && kind !== 'namespace') metadata.namespace = namespace;
  switch (kind) {
    case 'namespace':
      return { apiVersion: 'v1', kind: 'Namespace', metadata, spec: {}, status: {} } as KubeObject;
    case 'configmap': {
      const data = dataOf(opts, (b) => b.toString('utf8'));
      return { apiVersion: 'v1', kind: 'ConfigMap', metadata, ...(data ? { data } : {}) } as KubeObject;
    }
    case 'secret': {
      const data = dataOf(opts, (b) => b.toString('base64'));
      return { apiVersion: 'v1', kind: 'Secret', metadata, ...(data ? { data } : {}), ...(opts.type ? { type: opts.type } : {}) } as KubeObject;
    }
    case 'deployment': {
      const images = opts.image ?? [];
      if (images.length === 0) throw new CliError('required flag(s) "image" not set');
      const replicas = opts.replicas === undefined ? 1 : Number(opts.replicas);
      const port = opts.port === undefined ? -1 : Number(opts.port);
      const labels = { app: name };
      const containers = images.map((image) => {
        let cname = image.split('/').pop() ?? image;
        cname = cname.split(':')[0].split('@')[0];
        if (/[_.]/.test(cname)) cname = `${cname.replace(/[_.]/g, '-')}-${Math.random().toString(36).slice(2, 7)}`;
        return { image, name: cname, resources: {} } as Record<string, unknown>;
      });
      if (port >= 0) containers[0].ports = [{ containerPort: port }];
      return {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { ...metadata, labels },
        spec: {
          replicas,
          selector: { matchLabels: labels },
          strategy: {},
          template: { metadata: { creationTimestamp: null, labels }, spec: { containers } },
        },
        status: {},
      } as KubeObject;
    }
  }
}

export async function runCreateGenerated(ctx: CliContext, kind: 'namespace' | 'configmap' | 'secret' | 'deployment', name: string | undefined, opts: GeneratorOptions): Promise<void> {
  if (!name) throw new CliError('exactly one NAME is required, got 0');
  const dryRun = parseDryRun(opts.dryRun);
  const printer = new ResultPrinter(ctx, opts.output, dryRun);
  const obj = buildGenerated(kind, name, opts, ctx.namespaceExplicit ? ctx.namespace : undefined);
  const [group, version] = obj.apiVersion!.includes('/') ? obj.apiVersion!.split('/') : ['', obj.apiVersion!];
  const info = findByKind(group, version, obj.kind!) as ResourceInfo;
  const namespace = info.namespaced ? ctx.namespace : undefined;
  const created =
    dryRun === 'client'
      ? obj
      : await clientOf(ctx.client, { info, namespace }).create(obj, { fieldManager: 'kubectl-create', fieldValidation: parseValidate(opts.validate), dryRun: dryRun === 'server' }, namespace);
  printer.print(info, name, 'created', created);
}
