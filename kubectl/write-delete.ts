// `delete`: by `-f`, `TYPE NAME...`, `TYPE/NAME`, `-l` or `--all`, with kubectl's grace period, force,
// cascade and wait semantics and its `kind "name" deleted` lines. Deletes only what it was named.
import { resolveResourceName, type ResourceInfo } from '../api/resources.js';
import { NotFoundError, type DeleteOptions, type KubeObject, type RestResourceClient } from '../client/index.js';
import type { CliContext } from './context.js';
import { CliError } from './errors.js';
import { clientOf, dryRunSuffix, ErrorList, kindGroup, NO_RESOURCES, parseDryRun, readManifests, withSource, type DryRun } from './write-common.js';

export interface DeleteFlags {
  filename?: string[];
  recursive?: boolean;
  selector?: string;
  all?: boolean;
  gracePeriod?: string;
  force?: boolean;
  now?: boolean;
  wait?: boolean;
  cascade?: string | boolean;
  ignoreNotFound?: boolean;
  dryRun?: string | boolean;
  output?: string;
}

interface Target {
  info: ResourceInfo;
  name: string;
  namespace?: string;
  source?: string;
}

export function parseCascade(value: string | boolean | undefined): DeleteOptions['propagationPolicy'] {
  if (value === undefined || value === true || value === 'true' || value === 'background') return 'Background';
  if (value === 'foreground') return 'Foreground';
  if (value === false || value === 'false' || value === 'orphan') return 'Orphan';
  throw new CliError(`invalid cascade value (${String(value)}). Must be "background", "foreground", or "orphan".`);
}

/** kubectl's grace period rules: 0 without --force becomes 1, --force alone means 0, --now means 1. */
export function gracePeriodOf(flags: Pick<DeleteFlags, 'gracePeriod' | 'force' | 'now'>): number {
  let grace = flags.gracePeriod === undefined ? -1 : Number(flags.gracePeriod);
  if (!Number.isInteger(grace)) throw new CliError(`invalid argument "${flags.gracePeriod}" for "--grace-period" flag: strconv.ParseInt: parsing "${flags.gracePeriod}": invalid syntax`);
  if (flags.now) {
    if (grace !== -1) throw new CliError('--now and --grace-period cannot be specified together');
    grace = 1;
  }
  if (grace === 0 && !flags.force) grace = 1;
  if (flags.force && grace < 0) grace = 0;
  return grace;
}

function resolveTypes(arg: string): ResourceInfo[] {
  return arg.split(',').map((t) => {
    const info = resolveResourceName(t);
    if (!info) throw new CliError(`the server doesn't have a resource type "${t}"`);
    return info;
  });
}

async function targetsOf(ctx: CliContext, args: string[], flags: DeleteFlags): Promise<{ targets: Target[]; errors: Error[]; selecting: boolean }> {
  const ns = ctx.namespace;
  if (flags.filename?.length) {
    if (args.length) throw new CliError('cannot specify both a filename and resource arguments');
    const { docs, errors } = readManifests(ctx, flags);
    return { targets: docs.map((d) => ({ info: d.info, name: d.name, namespace: d.namespace, source: d.source })), errors, selecting: false };
  }
  if (args.length === 0) throw new CliError(NO_RESOURCES);
  if (flags.selector !== undefined || flags.all) {
    if (args.some((a) => a.includes('/'))) throw new CliError("name cannot be provided when a selector is specified");
    const targets: Target[] = [];
    for (const info of args.flatMap(resolveTypes)) {
      const rc = ctx.client.resource(info.group ? `${info.plural}.${info.group}` : info.plural);
      const list = await rc.listAll({ labelSelector: flags.selector || undefined }, info.namespaced ? ns : undefined);
      for (const item of list.items) targets.push({ info, name: item.metadata?.name ?? '', namespace: info.namespaced ? ns : undefined });
    }
    return { targets, errors: [], selecting: true };
  }
  const targets: Target[] = [];
  if (args.some((a) => a.includes('/'))) {
    for (const a of args) {
      const slash = a.indexOf('/');
      if (slash < 0) throw new CliError(`there is no need to specify a resource type as a separate argument when passing arguments in resource/name form (e.g. 'k8ts get resource/<resource_name>' instead of 'k8ts get resource resource/<resource_name>'`);
      const [info] = resolveTypes(a.slice(0, slash));
      targets.push({ info, name: a.slice(slash + 1), namespace: info.namespaced ? ns : undefined });
    }
  } else {
    if (args.length === 1) throw new CliError('resource(s) were provided, but no name was specified');
    const infos = resolveTypes(args[0]);
    for (const info of infos) for (const name of args.slice(1)) targets.push({ info, name, namespace: info.namespaced ? ns : undefined });
  }
  return { targets, errors: [], selecting: false };
}

/** Returns once the object with `uid` is gone (watching from the version just read). */
export async function waitUntilGone(rc: RestResourceClient, name: string, namespace: string | undefined, uid: string | undefined): Promise<void> {
  for (;;) {
    let obj: KubeObject;
    try {
      obj = await rc.get(name, namespace);
    } catch (err) {
      if (err instanceof NotFoundError) return;
      throw err;
    }
    if (uid && obj.metadata?.uid !== uid) return;
    for await (const ev of rc.watch({ fieldSelector: `metadata.name=${name}`, resourceVersion: obj.metadata?.resourceVersion, timeoutSeconds: 60 }, namespace)) {
      if (ev.type === 'DELETED') return;
      if (ev.type === 'ERROR') break;
    }
  }
}

export async function runDelete(ctx: CliContext, args: string[], flags: DeleteFlags): Promise<void> {
  const dryRun: DryRun = parseDryRun(flags.dryRun);
  const propagationPolicy = parseCascade(flags.cascade);
  const grace = gracePeriodOf(flags);
  if (flags.output && flags.output !== 'name') throw new CliError(`unable to match a printer suitable for the output format "${flags.output}", allowed formats are: name`);
  if (flags.all && flags.selector !== undefined) throw new CliError('cannot set --all and --selector at the same time');
  const { targets, errors: loadErrors, selecting } = await targetsOf(ctx, args, flags);
  const errors = new ErrorList();
  errors.addAll(loadErrors);
  if (grace === 0 && flags.force) {
    ctx.err.write('Warning: Immediate deletion does not wait for confirmation that the running resource has been terminated. The resource may continue to run on the cluster indefinitely.\n');
  }
  if (selecting && targets.length === 0) {
    ctx.out.write('No resources found\n');
    return;
  }
  const waits: (() => Promise<void>)[] = [];
  for (const t of targets) {
    const rc = clientOf(ctx.client, t);
    try {
      let uid: string | undefined;
      if (dryRun !== 'client') {
        const result = await withSource('deleting', t.source, () =>
          rc.delete(t.name, { propagationPolicy, gracePeriodSeconds: grace >= 0 ? grace : undefined, dryRun: dryRun === 'server' }, t.namespace),
        );
        uid = result.kind === 'Status' ? undefined : result.metadata?.uid;
      }
      if (flags.output === 'name') ctx.out.write(`${kindGroup(t.info)}/${t.name}\n`);
      else ctx.out.write(`${kindGroup(t.info)} "${t.name}" deleted${dryRunSuffix(dryRun)}\n`);
      if ((flags.wait ?? true) && dryRun === 'none') waits.push(() => waitUntilGone(rc, t.name, t.namespace, uid));
    } catch (err) {
      const cause = (err as { cause?: unknown }).cause ?? err;
      if (flags.ignoreNotFound && cause instanceof NotFoundError) continue;
      errors.add(err);
    }
  }
  for (const wait of waits) {
    try {
      await wait();
    } catch (err) {
      errors.add(err);
    }
  }
  errors.report(ctx);
}
