// `label` and `annotate`: kubectl's parsing of `key=value` / `key-`, its --overwrite rule, --list, and
// the merge patch it computes between the object as read and as changed. Never replaces an object.
import type { ResourceInfo } from '../api/resources.js';
import type { KubeObject } from '../client/index.js';
import type { DryRun } from './modify-common.js';
import type { CliContext } from './context.js';
import { CliError } from './errors.js';
import { clientFor, createMergePatch, dryRunSuffix, fetchObjectsLenient, objectName, parseDryRun, reportErrors } from './modify-common.js';

export type MetaField = 'labels' | 'annotations';

export interface MetaOptions {
  overwrite?: boolean;
  selector?: string;
  all?: boolean;
  list?: boolean;
  resourceVersion?: string;
  dryRun?: string | boolean;
}

export interface MetaChanges {
  resourceArgs: string[];
  set: Map<string, string>;
  remove: string[];
}

/** Splits kubectl's arguments: resources first, then `k=v` and `k-` items. */
export function splitMetaArgs(args: string[], field: MetaField): MetaChanges {
  const resourceArgs: string[] = [];
  const set = new Map<string, string>();
  const remove: string[] = [];
  let inChanges = false;
  for (const arg of args) {
    if (arg.includes('=')) {
      inChanges = true;
      const eq = arg.indexOf('=');
      const key = arg.slice(0, eq);
      if (!key) throw new CliError(`invalid ${field === 'labels' ? 'label' : 'annotation'} spec: ${arg}`);
      set.set(key, arg.slice(eq + 1));
    } else if (arg.endsWith('-') && (inChanges || resourceArgs.length > 0)) {
      inChanges = true;
      remove.push(arg.slice(0, -1));
    } else {
      if (inChanges) throw new CliError(`all resources must be specified before ${field === 'labels' ? 'label' : 'annotation'} changes: ${arg}`);
      resourceArgs.push(arg);
    }
  }
  for (const key of remove) {
    if (set.has(key)) throw new CliError(`can not both modify and remove ${field === 'labels' ? 'a label' : 'an annotation'} in the same command`);
  }
  return { resourceArgs, set, remove };
}

/** Applies the changes to a copy of the map, with kubectl's overwrite check. */
export function applyMetaChanges(field: MetaField, current: Record<string, string> | undefined, changes: MetaChanges, overwrite: boolean): Record<string, string> {
  const next: Record<string, string> = { ...(current ?? {}) };
  if (!overwrite) {
    const conflicts: string[] = [];
    for (const [k, v] of changes.set) {
      if (k in next && next[k] !== v) conflicts.push(`'${k}' already has a value (${next[k]})`);
    }
    if (conflicts.length > 0) {
      if (field === 'labels') throw new CliError(`${conflicts[0]}, and --overwrite is false`);
      throw new CliError(`--overwrite is false but found the following declared annotation(s): ${conflicts.join('; ')}`);
    }
  }
  for (const [k, v] of changes.set) next[k] = v;
  for (const k of changes.remove) delete next[k];
  return next;
}

export async function runMetaCommand(ctx: CliContext, field: MetaField, args: string[], opts: MetaOptions): Promise<void> {
  const dryRun = parseDryRun(opts.dryRun);
  const changes = splitMetaArgs(args, field);
  const noun = field === 'labels' ? 'label' : 'annotation';
  if (changes.resourceArgs.length === 0) throw new CliError(`one or more resources must be specified as <resource> <name> or <resource>/<name>`);
  if (!opts.list && changes.set.size === 0 && changes.remove.length === 0) throw new CliError(`at least one ${noun} update is required`);
  const { targets, errors } = await fetchObjectsLenient(ctx.client, ctx.namespace, changes.resourceArgs, opts);
  const one = targets.length === 1 && opts.selector === undefined && !opts.all;
  for (const { info, obj } of targets) {
    try {
      await metaOne(ctx, field, info, obj, changes, opts, dryRun, one);
    } catch (err) {
      errors.push(err);
    }
  }
  reportErrors(ctx, errors);
}

async function metaOne(ctx: CliContext, field: MetaField, info: ResourceInfo, obj: KubeObject, changes: MetaChanges, opts: MetaOptions, dryRun: DryRun, one: boolean): Promise<void> {
  {
    if (opts.list) {
      const indent = one ? '' : ' ';
      if (!one) ctx.out.write(`Listing ${field} for ${info.kind}.${info.group}/${obj.metadata?.name}:\n`);
      const values = obj.metadata?.[field] ?? {};
      for (const k of Object.keys(values).sort()) ctx.out.write(`${indent}${k}=${values[k]}\n`);
      return;
    }
    const current = obj.metadata?.[field];
    if (field === 'labels' && dryRun !== 'client') {
      for (const k of changes.remove) if (!current || !(k in current)) ctx.out.write(`label "${k}" not found.\n`);
    }
    const next = applyMetaChanges(field, current, changes, Boolean(opts.overwrite));
    const before: KubeObject = structuredClone(obj);
    const after: KubeObject = structuredClone(obj);
    after.metadata = { ...after.metadata, [field]: next };
    if (opts.resourceVersion) after.metadata.resourceVersion = opts.resourceVersion;
    const patch = createMergePatch(before, after);
    const res =
      dryRun === 'client'
        ? after
        : await clientFor(ctx.client, info, ctx.namespace).patch(obj.metadata?.name ?? '', 'merge', patch, {
            fieldManager: field === 'labels' ? 'kubectl-label' : 'kubectl-annotate',
            dryRun: dryRun === 'server',
          });
    const message = field === 'labels' ? labelMessage(current, next, Boolean(opts.overwrite)) : 'annotated';
    ctx.out.write(`${objectName(res, info)} ${message}${dryRunSuffix(dryRun)}\n`);
  }
}

/** kubectl's updateDataChangeMsg: compares the marshalled objects' sizes to tell labeled from unlabeled. */
function labelMessage(before: Record<string, string> | undefined, after: Record<string, string>, overwrite: boolean): string {
  const a = JSON.stringify(before && Object.keys(before).length > 0 ? before : {});
  const b = JSON.stringify(Object.keys(after).length > 0 ? after : {});
  if (sameOrder(before ?? {}, after)) return 'not labeled';
  if (!overwrite && b.length < a.length) return 'unlabeled';
  return 'labeled';
}

function sameOrder(a: Record<string, string>, b: Record<string, string>): boolean {
  const ka = Object.keys(a).sort();
  const kb = Object.keys(b).sort();
  return ka.length === kb.length && ka.every((k, i) => k === kb[i] && a[k] === b[k]);
}
