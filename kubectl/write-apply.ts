// `apply -f`: kubectl's client-side apply (GET, then POST with the last-applied annotation or PATCH
// with the three-way strategic merge patch) and `--server-side` (apply-patch+yaml). One object at a
// time, errors collected; never deletes anything (no --prune).
import { builtinSchemaForObject } from '../api/patch-schema.js';
import { ConflictError, NotFoundError, type KubeObject } from '../client/index.js';
import type { CliContext } from './context.js';
import { CliError } from './errors.js';
import { LAST_APPLIED, lastAppliedOf, modifiedConfiguration } from './apply/last-applied.js';
import { threeWayPatchJSON } from './apply/three-way.js';
import type { ResolvedDoc } from './manifests/resolve.js';
import { clientOf, ErrorList, parseDryRun, readManifests, ResultPrinter, SourcedError, withSource, parseValidate, type DryRun, type FieldValidation } from './write-common.js';

export interface ApplyOptions {
  filename?: string[];
  recursive?: boolean;
  serverSide?: boolean;
  forceConflicts?: boolean;
  fieldManager?: string;
  dryRun?: string | boolean;
  output?: string;
  validate?: string | boolean;
}

const CSA_MANAGER = 'kubectl-client-side-apply';
const MAX_PATCH_RETRY = 5;

type Obj = Record<string, unknown>;

async function clientSideApply(ctx: CliContext, doc: ResolvedDoc, dryRun: DryRun, fieldValidation: FieldValidation, printer: ResultPrinter): Promise<void> {
  const rc = clientOf(ctx.client, doc);
  const modified = modifiedConfiguration(doc.object, true).object;
  const write = { fieldManager: CSA_MANAGER, fieldValidation, dryRun: dryRun === 'server' };
  let current: KubeObject;
  try {
    current = await rc.get(doc.name, doc.namespace);
  } catch (err) {
    if (!(err instanceof NotFoundError)) throw err;
    const created = dryRun === 'client' ? (modified as KubeObject) : await withSource('creating', doc.source, () => rc.create(modified as KubeObject, write, doc.namespace));
    printer.print(doc.info, doc.name, 'created', created);
    return;
  }
  if (!((current.metadata?.annotations ?? {}) as Record<string, string>)[LAST_APPLIED]) {
    ctx.err.write(
      `Warning: resource ${doc.info.plural}/${doc.name} is missing the ${LAST_APPLIED} annotation which is required by k8ts apply. k8ts apply should only be used on resources created declaratively by either k8ts create --save-config or k8ts apply. The missing annotation will be patched automatically.\n`,
    );
  }
  if (dryRun === 'client') {
    printer.print(doc.info, doc.name, 'configured', current);
    return;
  }
  const schema = builtinSchemaForObject(doc.object);
  for (let attempt = 1; ; attempt++) {
    const patch = threeWayPatchJSON(lastAppliedOf(current as Obj), modified, current as Obj, schema);
    if (patch === '{}') {
      printer.print(doc.info, doc.name, 'unchanged', current);
      return;
    }
    try {
      const patched = await withSource('patching', doc.source, () => rc.patch(doc.name, 'strategic', patch, write, doc.namespace));
      printer.print(doc.info, doc.name, 'configured', patched);
      return;
    } catch (err) {
      if (!(err instanceof SourcedError && err.cause instanceof ConflictError) || attempt >= MAX_PATCH_RETRY) throw err;
      current = await rc.get(doc.name, doc.namespace);
    }
  }
}

async function serverSideApply(ctx: CliContext, doc: ResolvedDoc, opts: ApplyOptions, dryRun: DryRun, printer: ResultPrinter): Promise<void> {
  const rc = clientOf(ctx.client, doc);
  const applied = await rc.patch(
    doc.name,
    'apply',
    JSON.stringify(doc.object),
    { fieldManager: opts.fieldManager ?? 'kubectl', force: opts.forceConflicts ?? false, fieldValidation: parseValidate(opts.validate), dryRun: dryRun === 'server' },
    doc.namespace,
  );
  printer.print(doc.info, doc.name, 'serverside-applied', applied);
}

export async function runApply(ctx: CliContext, opts: ApplyOptions): Promise<void> {
  const dryRun = parseDryRun(opts.dryRun);
  if (opts.serverSide && dryRun === 'client') {
    throw new CliError('--dry-run=client doesn\'t work with --server-side (did you mean --dry-run=server instead?)');
  }
  if (opts.forceConflicts && !opts.serverSide) throw new CliError('--force-conflicts only works with --server-side');
  if (!opts.filename?.length) throw new CliError('must specify one of -f and -k');
  const printer = new ResultPrinter(ctx, opts.output, dryRun);
  const { docs, errors: loadErrors } = readManifests(ctx, opts);
  const errors = new ErrorList();
  errors.addAll(loadErrors);
  if (docs.length === 0 && errors.empty) throw new CliError('no objects passed to apply');
  for (const doc of docs) {
    try {
      if (opts.serverSide) await serverSideApply(ctx, doc, opts, dryRun, printer);
      else await clientSideApply(ctx, doc, dryRun, parseValidate(opts.validate), printer);
    } catch (err) {
      errors.add(err);
    }
  }
  errors.report(ctx);
}
