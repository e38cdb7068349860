// `patch`, `scale` and `set image`: the requests kubectl sends for them (patch types, the scale
// subresource with its preconditions, the strategic merge patch of a pod template) and their output.
// Never retries a write and never updates a whole object where kubectl patches.
import { apiVersionOf, type ResourceInfo } from '../api/resources.js';
import { StatusError } from '../api/errors.js';
import { PATCH_CONTENT_TYPES, resourcePath, type KubeObject, type PatchType, type Scale } from '../client/index.js';
import type { CliContext } from './context.js';
import { CliError } from './errors.js';
import jsonpatch from 'fast-json-patch';
import {
  applyMergePatch,
  applyStrategicPatch,
  clientFor,
  createStrategicPatch,
  deepEqual,
  dryRunSuffix,
  fetchObjects,
  objectName,
  parseDryRun,
  parseJsonOrYaml,
  parseResourceArgs,
  resourceString,
} from './modify-common.js';

export interface PatchCommandOptions {
  patch?: string;
  type?: string;
  subresource?: string;
  dryRun?: string | boolean;
}

export async function runPatch(ctx: CliContext, args: string[], opts: PatchCommandOptions): Promise<void> {
  const dryRun = parseDryRun(opts.dryRun);
  const type = (opts.type ?? 'strategic') as PatchType;
  if (!['json', 'merge', 'strategic'].includes(type)) throw new CliError(`--type must be one of [json merge strategic], not "${opts.type}"`);
  if (opts.patch === undefined || opts.patch === '') throw new CliError(`must specify --patch or --patch-file containing the contents of the patch`);
  const sub = opts.subresource || undefined;
  // As kubectl: YAML is turned into JSON; text that parses as neither goes to the server as is.
  let body: unknown;
  let text = opts.patch;
  try {
    body = parseJsonOrYaml(opts.patch);
    text = JSON.stringify(body);
  } catch {
    body = undefined;
  }
  const refs = parseResourceArgs(args);
  if (refs.length === 0) throw new CliError(`you must provide one or more resources by argument or filename`);
  for (const { info, name } of refs) {
    const rc = clientFor(ctx.client, info, ctx.namespace);
    const objPath = resourcePath(info, info.namespaced ? ctx.namespace : undefined, name, sub);
    const before = sub ? await ctx.client.raw<KubeObject>('GET', objPath) : await rc.get(name);
    // kubectl 1.32 prints no dry-run suffix for patch.
    const after =
      dryRun === 'client'
        ? applyLocally(before, type, body)
        : await ctx.client.raw<KubeObject>('PATCH', objPath, text, {
            contentType: PATCH_CONTENT_TYPES[type],
            query: { fieldManager: 'kubectl-patch', dryRun: dryRun === 'server' ? 'All' : undefined },
          });
    ctx.out.write(`${objectName(after, info)} ${deepEqual(before, after) ? 'patched (no change)' : 'patched'}\n`);
  }
}

function applyLocally(obj: KubeObject, type: PatchType, body: unknown): KubeObject {
  if (type === 'json') {
    try {
      return jsonpatch.applyPatch(structuredClone(obj), body as jsonpatch.Operation[], true, false).newDocument;
    } catch (err) {
      throw new CliError((err as Error).message);
    }
  }
  return (type === 'merge' ? applyMergePatch(obj, body) : applyStrategicPatch(obj, body)) as KubeObject;
}

export interface ScaleOptions {
  replicas?: string;
  currentReplicas?: string;
  resourceVersion?: string;
  selector?: string;
  all?: boolean;
  dryRun?: string | boolean;
}

/** kubectl scale's precondition check on the Scale it read. */
export function checkScalePreconditions(scale: Scale, currentReplicas: number, resourceVersion: string | undefined): void {
  const actual = scale.spec?.replicas ?? 0;
  if (currentReplicas !== -1 && actual !== currentReplicas) throw new CliError(`Expected replicas to be ${currentReplicas}, was ${actual}`);
  if (resourceVersion && scale.metadata?.resourceVersion !== resourceVersion) {
    throw new CliError(`Expected resource version to be ${resourceVersion}, was ${scale.metadata?.resourceVersion ?? ''}`);
  }
}

export async function runScale(ctx: CliContext, args: string[], opts: ScaleOptions): Promise<void> {
  if (opts.replicas === undefined) throw new CliError(`required flag(s) "replicas" not set`);
  const replicas = Number(opts.replicas);
  if (!Number.isInteger(replicas) || replicas < 0) throw new CliError(`The --replicas=COUNT flag is required, and COUNT must be greater than or equal to 0`);
  const current = opts.currentReplicas === undefined ? -1 : Number(opts.currentReplicas);
  const dryRun = parseDryRun(opts.dryRun);
  // kubectl's builder drops objects it cannot read and only fails when nothing is left.
  const targets: { info: ResourceInfo; obj: KubeObject }[] = [];
  const errors: StatusError[] = [];
  if (opts.selector !== undefined || opts.all) targets.push(...(await fetchObjects(ctx.client, ctx.namespace, args, opts)));
  else {
    const refs = parseResourceArgs(args);
    if (refs.length === 0) throw new CliError(`resource(s) were provided, but no name was specified`);
    for (const ref of refs) {
      try {
        targets.push({ info: ref.info, obj: await clientFor(ctx.client, ref.info, ctx.namespace).get(ref.name) });
      } catch (err) {
        if (!(err instanceof StatusError)) throw err;
        errors.push(err);
      }
    }
  }
  if (targets.length === 0) {
    const messages = errors.map((e) => e.message);
    throw new CliError(`no objects passed to scale ${messages.length > 1 ? `[${messages.join(', ')}]` : (messages[0] ?? '<nil>')}`);
  }
  for (const { info, obj } of targets) {
    const rc = clientFor(ctx.client, info, ctx.namespace);
    const name = obj.metadata?.name ?? '';
    if (dryRun === 'client') {
      // nothing is sent
    } else if (current !== -1 || opts.resourceVersion) {
      const scale = await ctx.client.raw<Scale>('GET', resourcePath(info, info.namespaced ? ctx.namespace : undefined, name, 'scale'));
      checkScalePreconditions(scale, current, opts.resourceVersion);
      const query = dryRun === 'server' ? '?dryRun=All' : '';
      await ctx.client.raw('PUT', resourcePath(info, info.namespaced ? ctx.namespace : undefined, name, 'scale') + query, {
        ...scale,
        spec: { ...scale.spec, replicas },
      });
    } else {
      await ctx.client.raw('PATCH', resourcePath(info, info.namespaced ? ctx.namespace : undefined, name, 'scale'), { spec: { replicas } }, {
        contentType: PATCH_CONTENT_TYPES.merge,
        query: { dryRun: dryRun === 'server' ? 'All' : undefined },
      });
    }
    ctx.out.write(`${objectName({ apiVersion: apiVersionOf(info), kind: info.kind, metadata: { name } })} scaled${dryRunSuffix(dryRun)}\n`);
  }
  if (errors.length > 0) throw errors[0];
}

/** Where a workload keeps its pod spec. */
export function podSpecOf(obj: KubeObject): Record<string, unknown> | undefined {
  const spec = obj.spec as Record<string, any> | undefined;
  if (!spec) return undefined;
  if (obj.kind === 'Pod') return spec;
  if (obj.kind === 'CronJob') return spec.jobTemplate?.spec?.template?.spec;
  return spec.template?.spec;
}

/** Splits `set image` arguments into resources and `container=image` pairs. */
export function splitImageArgs(args: string[]): { resources: string[]; images: Map<string, string> } {
  const resources: string[] = [];
  const images = new Map<string, string>();
  for (const arg of args) {
    const eq = arg.indexOf('=');
    if (eq > 0) images.set(arg.slice(0, eq), arg.slice(eq + 1));
    else if (eq === 0) throw new CliError(`invalid image ${arg}`);
    else resources.push(arg);
  }
  if (images.size === 0) throw new CliError(`at least one image update is required`);
  return { resources, images };
}

export async function runSetImage(ctx: CliContext, args: string[], opts: { selector?: string; all?: boolean; dryRun?: string | boolean }): Promise<void> {
  const dryRun = parseDryRun(opts.dryRun);
  const { resources, images } = splitImageArgs(args);
  const targets = await fetchObjects(ctx.client, ctx.namespace, resources, opts);
  for (const { info, obj } of targets) {
    const modified = structuredClone(obj);
    const podSpec = podSpecOf(modified);
    if (!podSpec) {
      throw new CliError(`${resourceString(info)}/${obj.metadata?.name} the object is not a pod or does not have a pod template: *${info.version}.${info.kind}`);
    }
    for (const [container, image] of images) {
      let found = false;
      for (const list of ['initContainers', 'containers'] as const) {
        for (const c of (podSpec[list] as { name: string; image?: string }[] | undefined) ?? []) {
          if (container === '*' || c.name === container) {
            c.image = image;
            found = true;
          }
        }
      }
      if (!found) throw new CliError(`unable to find container named "${container}"`);
    }
    const patch = createStrategicPatch(obj, modified);
    if (Object.keys(patch).length === 0) continue;
    const res =
      dryRun === 'client'
        ? modified
        : await clientFor(ctx.client, info, ctx.namespace).patch(obj.metadata?.name ?? '', 'strategic', patch, { fieldManager: 'kubectl-set', dryRun: dryRun === 'server' });
    ctx.out.write(`${objectName(res, info)} image updated${dryRunSuffix(dryRun)}\n`);
  }
}
