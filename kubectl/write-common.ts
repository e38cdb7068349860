// What the write verbs (apply, create, replace, delete) share: reading `-f` manifests into resolved
// objects, kubectl's `kind.group/name` and `kind.group "name"` naming, `-o` printing and the
// continue-on-error reporting (every failure printed, exit 1). Never sends a write itself.
import type { ResourceInfo } from '../api/resources.js';
import { StatusError, type Client, type KubeObject, type RestResourceClient } from '../client/index.js';
import type { CliContext } from './context.js';
import { CliError, formatError } from './errors.js';
import { loadManifests } from './manifests/load.js';
import { resolveDocs, type ResolvedDoc } from './manifests/resolve.js';
import { toKubectlJson, toKubectlYaml } from './printers/yaml-json.js';

export type DryRun = 'none' | 'client' | 'server';

/** kubectl's --dry-run values; a bare --dry-run means client. */
export function parseDryRun(value: string | boolean | undefined): DryRun {
  if (value === undefined || value === false || value === 'none' || value === 'false') return 'none';
  if (value === true || value === 'client' || value === 'true') return 'client';
  if (value === 'server') return 'server';
  throw new CliError(`Invalid dry-run value (${String(value)}). Must be "none", "server", or "client".`);
}

export function dryRunSuffix(mode: DryRun): string {
  return mode === 'client' ? ' (dry run)' : mode === 'server' ? ' (server dry run)' : '';
}

export type FieldValidation = 'Strict' | 'Warn' | 'Ignore';

/** kubectl's --validate values to the fieldValidation query parameter it sends. */
export function parseValidate(value: string | boolean | undefined): FieldValidation {
  if (value === undefined || value === true || value === 'true' || value === 'strict') return 'Strict';
  if (value === 'warn') return 'Warn';
  if (value === false || value === 'false' || value === 'ignore') return 'Ignore';
  throw new CliError(`invalid - validate option "${String(value)}"; must be one of: strict (or true), warn, ignore (or false)`);
}

/** `deployment.apps`, `configmap`: the lower-case kind with its group, as kubectl's printers name a type. */
export function kindGroup(info: ResourceInfo): string {
  return `${info.kind.toLowerCase()}${info.group ? `.${info.group}` : ''}`;
}

/** `error when creating "FILE"`: the context kubectl's AddSourceToErr puts before a server message. */
export function sourceContext(verb: string, source: string | undefined): string | undefined {
  return source ? `error when ${verb} "${source}"` : undefined;
}

export interface FileOptions {
  filename?: string[];
  recursive?: boolean;
  validate?: string | boolean;
}

/** Reads and resolves the `-f` manifests; load/mapping errors are returned, kubectl reports them after the work. */
export function readManifests(ctx: CliContext, opts: FileOptions): { docs: ResolvedDoc[]; errors: Error[] } {
  const loaded = loadManifests(opts.filename ?? [], { recursive: opts.recursive, validate: parseValidate(opts.validate) !== 'Ignore' });
  const { resolved, errors } = resolveDocs(loaded.docs, ctx.namespace, ctx.namespaceExplicit);
  return { docs: resolved, errors: [...loaded.errors, ...errors] };
}

export function clientOf(client: Client, doc: { info: ResourceInfo; namespace?: string }): RestResourceClient {
  const apiVersion = doc.info.group ? `${doc.info.group}/${doc.info.version}` : doc.info.version;
  return client.forKind(apiVersion, doc.info.kind, doc.namespace);
}

/** How one result is printed: `-o name`, `-o yaml`, `-o json`, or the `NAME OPERATION` line. */
export class ResultPrinter {
  private count = 0;
  constructor(
    private readonly ctx: CliContext,
    private readonly output: string | undefined,
    private readonly dryRun: DryRun,
  ) {
    if (output && !['name', 'yaml', 'json'].includes(output)) {
      throw new CliError(`unable to match a printer suitable for the output format "${output}", allowed formats are: json,name,yaml`);
    }
  }

  /** Whether the object itself is printed (not the operation line). */
  get printsObject(): boolean {
    return this.output === 'yaml' || this.output === 'json';
  }

  /** `configmap/x created`, or the object under -o. */
  print(info: ResourceInfo, name: string, operation: string, obj?: KubeObject): void {
    this.count++;
    if (this.output === 'name') {
      this.ctx.out.write(`${kindGroup(info)}/${name}\n`);
    } else if (this.output === 'yaml') {
      if (this.count > 1) this.ctx.out.write('---\n');
      this.ctx.out.write(toKubectlYaml(obj ?? {}));
    } else if (this.output === 'json') {
      this.ctx.out.write(toKubectlJson(obj ?? {}));
    } else {
      this.ctx.out.write(`${kindGroup(info)}/${name} ${operation}${dryRunSuffix(this.dryRun)}\n`);
    }
  }
}

/** A failure with the `error when VERB "FILE"` context kubectl gives it. */
export class SourcedError extends Error {
  constructor(
    override readonly cause: unknown,
    readonly context: string | undefined,
  ) {
    super(cause instanceof Error ? cause.message : String(cause));
  }
}

/** Runs a request; a failure carries kubectl's `error when VERB "FILE"` context. */
export async function withSource<T>(verb: string, source: string | undefined, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw new SourcedError(err, sourceContext(verb, source));
  }
}

function isInvalid(err: unknown): boolean {
  return err instanceof StatusError && err.reason === 'Invalid';
}

/** Collects failures as kubectl's ContinueOnError builder does; prints them all at the end (exit 1). */
export class ErrorList {
  private readonly lines: string[] = [];
  add(err: unknown, context?: string): void {
    // kubectl prints an Invalid error as `The Kind "name" is invalid: ...`, without the file.
    if (err instanceof SourcedError) this.lines.push(formatError(err.cause, isInvalid(err.cause) ? undefined : err.context));
    else this.lines.push(formatError(err, context));
  }
  addAll(errs: Error[]): void {
    for (const e of errs) this.add(e);
  }
  get empty(): boolean {
    return this.lines.length === 0;
  }
  /** Writes the errors to stderr and sets exit code 1. */
  report(ctx: CliContext): void {
    if (this.empty) return;
    for (const line of this.lines) ctx.err.write(line + '\n');
    process.exitCode = 1;
  }
}

/** kubectl's message when neither -f nor arguments name anything. */
export const NO_RESOURCES =
  "You must provide one or more resources by argument or filename.\nExample resource specifications include:\n   '-f rsrc.yaml'\n   '--filename=rsrc.json'\n   '<resource> <name>'\n   '<resource>'";
