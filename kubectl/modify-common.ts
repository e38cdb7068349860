// What the modifying verbs share: resolving `TYPE NAME...` / `TYPE/NAME` arguments to objects,
// kubectl's `kind.group/name` naming, and the JSON merge / two-way strategic merge patch diffs.
// Pure helpers plus reads through the client; must never write to the server itself.
import YAML from 'yaml';
import { apiVersionOf, parseApiVersion, resolveResourceName, type ResourceInfo } from '../api/resources.js';
import type { Client, KubeObject, RestResourceClient } from '../client/index.js';
import { StatusError } from '../api/errors.js';
import { CliError, formatError } from './errors.js';

export interface ResourceRef {
  info: ResourceInfo;
  name: string;
}

export function resolveType(type: string): ResourceInfo {
  const info = resolveResourceName(type);
  if (!info) throw new CliError(`the server doesn't have a resource type "${type}"`);
  return info;
}

/** kubectl's argument forms: `TYPE NAME [NAME...]` or `TYPE/NAME [TYPE/NAME...]`. */
export function parseResourceArgs(args: string[]): ResourceRef[] {
  if (args.length === 0) return [];
  if (args.some((a) => a.includes('/'))) {
    return args.map((a) => {
      const slash = a.indexOf('/');
      if (slash < 0) throw new CliError(`there is no need to specify a resource type as a separate argument when passing arguments in resource/name form (e.g. 'k8ts get resource/<resource_name>' instead of 'k8ts get resource resource/<resource_name>'`);
      const name = a.slice(slash + 1);
      if (!name) throw new CliError(`arguments in resource/name form must have a single resource and name`);
      return { info: resolveType(a.slice(0, slash)), name };
    });
  }
  const info = resolveType(args[0]);
  return args.slice(1).map((name) => ({ info, name }));
}

/** `deployment.apps/web`, `configmap/x`: what kubectl's name printer shows for an object. */
export function objectName(obj: KubeObject, fallback?: ResourceInfo): string {
  const kind = obj.kind ?? fallback?.kind ?? '';
  const group = obj.apiVersion ? parseApiVersion(obj.apiVersion).group : (fallback?.group ?? '');
  return `${kind.toLowerCase()}${group ? `.${group}` : ''}/${obj.metadata?.name ?? ''}`;
}

/** `deployments.apps`, `pods`: the resource string kubectl puts in some errors. */
export function resourceString(info: ResourceInfo): string {
  return info.group ? `${info.plural}.${info.group}` : info.plural;
}

export function clientFor(client: Client, info: ResourceInfo, namespace: string): RestResourceClient {
  return client.forKind(apiVersionOf(info), info.kind, info.namespaced ? namespace : undefined);
}

export interface SelectOptions {
  selector?: string;
  all?: boolean;
}

/** The objects the arguments name, or (with -l / --all) every object of the one TYPE given. */
export async function fetchObjects(
  client: Client,
  namespace: string,
  args: string[],
  opts: SelectOptions,
): Promise<{ info: ResourceInfo; obj: KubeObject }[]> {
  if (opts.selector !== undefined || opts.all) {
    if (args.length !== 1 || args[0].includes('/')) throw new CliError(`resource(s) were provided, but no name was specified`);
    const info = resolveType(args[0]);
    const list = await clientFor(client, info, namespace).list({ labelSelector: opts.selector || undefined });
    const kind = info.kind;
    return list.items.map((obj) => ({ info, obj: { apiVersion: apiVersionOf(info), kind, ...obj } }));
  }
  const refs = parseResourceArgs(args);
  if (refs.length === 0) throw new CliError(`resource(s) were provided, but no name was specified`);
  const out: { info: ResourceInfo; obj: KubeObject }[] = [];
  for (const ref of refs) out.push({ info: ref.info, obj: await clientFor(client, ref.info, namespace).get(ref.name) });
  return out;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((x, i) => deepEqual(x, b[i]));
  if (isPlainObject(a) && isPlainObject(b)) {
    const ka = Object.keys(a);
    return ka.length === Object.keys(b).length && ka.every((k) => k in b && deepEqual(a[k], b[k]));
  }
  return false;
}

/** Drops empty maps, as Go's `omitempty` does when kubectl marshals an edited object. */
function omitEmptyMap(v: unknown): unknown {
  return isPlainObject(v) && Object.keys(v).length === 0 ? undefined : v;
}

/** RFC 7386 merge patch turning `from` into `to` (jsonpatch.CreateMergePatch). */
export function createMergePatch(from: unknown, to: unknown): Record<string, unknown> {
  const patch: Record<string, unknown> = {};
  const a = isPlainObject(from) ? from : {};
  const b = isPlainObject(to) ? to : {};
  for (const [k, bv0] of Object.entries(b)) {
    const bv = omitEmptyMap(bv0);
    const av = omitEmptyMap(a[k]);
    if (bv === undefined) {
      if (av !== undefined) patch[k] = null;
      continue;
    }
    if (deepEqual(av, bv)) continue;
    if (isPlainObject(av) && isPlainObject(bv)) {
      const sub = createMergePatch(av, bv);
      if (Object.keys(sub).length > 0) patch[k] = sub;
    } else {
      patch[k] = bv;
    }
  }
  for (const [k, av] of Object.entries(a)) if (!(k in b) && omitEmptyMap(av) !== undefined) patch[k] = null;
  return patch;
}

/** The patchMergeKey of a list field of the built-in types (`x-kubernetes-patch-merge-key`). */
function mergeKeyOf(field: string, items: unknown[]): string | undefined {
  switch (field) {
    case 'containers':
    case 'initContainers':
    case 'ephemeralContainers':
    case 'env':
    case 'volumes':
    case 'imagePullSecrets':
    case 'volumeDevices':
      return 'name';
    case 'volumeMounts':
      return 'mountPath';
    case 'ports':
      return items.some((i) => isPlainObject(i) && 'containerPort' in i) ? 'containerPort' : 'port';
    case 'conditions':
      return 'type';
    case 'ownerReferences':
      return 'uid';
    case 'hostAliases':
      return 'ip';
    default:
      return undefined;
  }
}

/**
 * Two-way strategic merge patch from `from` to `to` (strategicpatch.CreateTwoWayMergePatch) for the
 * built-in types: maps recurse, lists with a merge key merge by it (with `$setElementOrder/` and
 * `$patch: delete` directives), other lists are replaced whole.
 */
export function createStrategicPatch(from: unknown, to: unknown): Record<string, unknown> {
  const patch: Record<string, unknown> = {};
  const order: Record<string, unknown> = {};
  const a = isPlainObject(from) ? from : {};
  const b = isPlainObject(to) ? to : {};
  for (const [k, bv] of Object.entries(b)) {
    const av = a[k];
    if (bv === undefined || deepEqual(av, bv)) continue;
    if (bv === null) {
      if (av !== undefined) patch[k] = null;
      continue;
    }
    if (isPlainObject(av) && isPlainObject(bv)) {
      const sub = createStrategicPatch(av, bv);
      if (Object.keys(sub).length > 0) patch[k] = sub;
      continue;
    }
    const key = Array.isArray(av) && Array.isArray(bv) ? mergeKeyOf(k, [...av, ...bv]) : undefined;
    if (key && Array.isArray(av) && Array.isArray(bv) && [...av, ...bv].every((i) => isPlainObject(i) && key in i)) {
      const olds = new Map(av.map((i) => [JSON.stringify((i as Record<string, unknown>)[key]), i]));
      const news = new Set(bv.map((i) => JSON.stringify((i as Record<string, unknown>)[key])));
      const items: unknown[] = [];
      for (const item of bv as Record<string, unknown>[]) {
        const old = olds.get(JSON.stringify(item[key]));
        if (old === undefined) items.push(item);
        else if (!deepEqual(old, item)) items.push({ ...createStrategicPatch(old, item), [key]: item[key] });
      }
      for (const item of av as Record<string, unknown>[]) {
        if (!news.has(JSON.stringify(item[key]))) items.push({ $patch: 'delete', [key]: item[key] });
      }
      if (items.length > 0) {
        order[`$setElementOrder/${k}`] = (bv as Record<string, unknown>[]).map((i) => ({ [key]: i[key] }));
        patch[k] = items;
      }
      continue;
    }
    patch[k] = bv;
  }
  for (const k of Object.keys(a)) if (!(k in b) && a[k] !== undefined) patch[k] = null;
  return { ...order, ...patch };
}

/** Parses kubectl's `-p` / edited text: JSON or YAML. */
export function parseJsonOrYaml(text: string): unknown {
  const trimmed = text.trim();
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
    try {
      return JSON.parse(trimmed);
    } catch {
      // fall through: YAML flow style is a superset
    }
  }
  return YAML.parse(text);
}

/** Go's time.Now().Format(time.RFC3339) in the local zone (what kubectl stamps). */
export function rfc3339Now(date = new Date()): string {
  const off = -date.getTimezoneOffset();
  const local = new Date(date.getTime() + off * 60_000).toISOString().slice(0, 19);
  if (off === 0) return `${local}Z`;
  const sign = off > 0 ? '+' : '-';
  const abs = Math.abs(off);
  return `${local}${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

/** Parses a Go duration (`30s`, `1m30s`, `2h`, `0`) to milliseconds. */
export function parseDuration(text: string): number {
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const re = /(\d+(?:\.\d+)?)(ms|s|m|h)/g;
  let total = 0;
  let consumed = 0;
  for (const m of text.matchAll(re)) {
    consumed += m[0].length;
    total += Number(m[1]) * { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[m[2] as 'ms' | 's' | 'm' | 'h'];
  }
  if (consumed !== text.length || text.length === 0) throw new CliError(`invalid argument "${text}" for "--timeout" flag: time: invalid duration "${text}"`);
  return total;
}

export type DryRun = 'none' | 'client' | 'server';

/** kubectl's --dry-run values; a bare --dry-run means client. */
export function parseDryRun(value: string | boolean | undefined): DryRun {
  if (value === undefined || value === false || value === 'none' || value === 'false') return 'none';
  if (value === true || value === 'client' || value === 'true') return 'client';
  if (value === 'server') return 'server';
  throw new CliError(`Invalid dry-run value (${String(value)}). Must be "none", "server", or "client".`);
}

/** What kubectl's printers append to the operation under --dry-run. */
export function dryRunSuffix(mode: DryRun): string {
  return mode === 'client' ? ' (dry run)' : mode === 'server' ? ' (server dry run)' : '';
}

/**
 * Applies a strategic merge patch locally (for --dry-run=client): maps merge, null deletes, lists with
 * a merge key merge by it (honouring `$patch: delete`), other lists are replaced.
 */
export function applyStrategicPatch(target: unknown, patch: unknown): unknown {
  if (!isPlainObject(patch)) return patch;
  if (patch.$patch === 'replace') {
    const { $patch: _, ...rest } = patch;
    return rest;
  }
  const out: Record<string, unknown> = isPlainObject(target) ? { ...target } : {};
  for (const [k, pv] of Object.entries(patch)) {
    if (k.startsWith('$setElementOrder/') || k === '$patch' || k.startsWith('$retainKeys')) continue;
    if (pv === null) {
      delete out[k];
      continue;
    }
    const cur = out[k];
    if (Array.isArray(pv) && Array.isArray(cur)) {
      const key = mergeKeyOf(k, [...cur, ...pv]);
      if (key && [...cur, ...pv].every((i) => isPlainObject(i) && key in i)) {
        const merged = cur.map((i) => structuredClone(i)) as Record<string, unknown>[];
        for (const item of pv as Record<string, unknown>[]) {
          const idx = merged.findIndex((m) => deepEqual(m[key], item[key]));
          if (item.$patch === 'delete') {
            if (idx >= 0) merged.splice(idx, 1);
          } else if (idx >= 0) merged[idx] = applyStrategicPatch(merged[idx], item) as Record<string, unknown>;
          else merged.push(item);
        }
        out[k] = merged;
        continue;
      }
    }
    out[k] = isPlainObject(pv) && isPlainObject(cur) ? applyStrategicPatch(cur, pv) : isPlainObject(pv) ? applyStrategicPatch({}, pv) : pv;
  }
  return out;
}

/** RFC 7386 merge patch application. */
export function applyMergePatch(target: unknown, patch: unknown): unknown {
  if (!isPlainObject(patch)) return patch;
  const out: Record<string, unknown> = isPlainObject(target) ? { ...target } : {};
  for (const [k, pv] of Object.entries(patch)) {
    if (pv === null) delete out[k];
    else out[k] = applyMergePatch(out[k], pv);
  }
  return out;
}

/**
 * Like fetchObjects, but as kubectl's builder with ContinueOnError: objects that cannot be read are
 * reported in `errors` and the rest are still returned.
 */
export async function fetchObjectsLenient(
  client: Client,
  namespace: string,
  args: string[],
  opts: SelectOptions,
): Promise<{ targets: { info: ResourceInfo; obj: KubeObject }[]; errors: unknown[] }> {
  if (opts.selector !== undefined || opts.all) return { targets: await fetchObjects(client, namespace, args, opts), errors: [] };
  const refs = parseResourceArgs(args);
  if (refs.length === 0) throw new CliError(`resource(s) were provided, but no name was specified`);
  const targets: { info: ResourceInfo; obj: KubeObject }[] = [];
  const errors: unknown[] = [];
  for (const ref of refs) {
    try {
      targets.push({ info: ref.info, obj: await clientFor(client, ref.info, namespace).get(ref.name) });
    } catch (err) {
      if (!(err instanceof StatusError)) throw err;
      errors.push(err);
    }
  }
  return { targets, errors };
}

/**
 * Ends a verb the way kubectl's CheckErr ends an aggregate: one error is thrown (printed `error: ...`
 * or `Error from server ...`); several are printed one a line without the `error: ` prefix, exit 1.
 */
export function reportErrors(ctx: { err: NodeJS.WritableStream }, errors: unknown[]): void {
  if (errors.length === 0) return;
  if (errors.length === 1) throw errors[0];
  for (const e of errors) ctx.err.write(formatError(e).replace(/^error: /, '') + '\n');
  process.exitCode = 1;
}
