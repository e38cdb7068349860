// `wait --for=condition=C[=V] | delete | jsonpath='{...}'=V` with --timeout: watches each named object
// until the condition holds, printing kubectl's `pod/x condition met` or its timeout error. Read-only.
import type { ResourceInfo } from '../api/resources.js';
import type { KubeObject } from '../client/index.js';
import type { CliContext } from './context.js';
import { CliError } from './errors.js';
import { clientFor, fetchObjects, objectName, parseDuration, parseResourceArgs } from './modify-common.js';
import { NotFoundError } from '../api/errors.js';

export type WaitCondition =
  | { kind: 'delete' }
  | { kind: 'create' }
  | { kind: 'condition'; type: string; status: string }
  | { kind: 'jsonpath'; path: string[]; value?: string };

export function parseFor(forFlag: string | undefined): WaitCondition {
  forFlag = forFlag ?? '';
  const lower = forFlag.toLowerCase();
  if (lower === 'delete') return { kind: 'delete' };
  if (lower === 'create') return { kind: 'create' };
  if (lower.startsWith('condition=')) {
    const rest = forFlag.slice('condition='.length);
    const eq = rest.indexOf('=');
    return eq < 0 ? { kind: 'condition', type: rest, status: 'true' } : { kind: 'condition', type: rest.slice(0, eq), status: rest.slice(eq + 1) };
  }
  if (lower.startsWith('jsonpath=')) {
    const rest = forFlag.slice('jsonpath='.length);
    const m = /^\{([^}]*)\}(?:=(.*))?$/.exec(rest) ?? /^([^=]*)(?:=(.*))?$/.exec(rest);
    if (!m) throw new CliError(`unrecognized condition: "${forFlag}"`);
    const expr = m[1].replace(/^\./, '');
    const path = expr.replace(/\[(\d+)\]/g, '.$1').split('.').filter(Boolean);
    if (path.length === 0) throw new CliError(`jsonpath wait format must be --for=jsonpath='{.status.readyReplicas}'=3 or --for=jsonpath='{.status.readyReplicas}'`);
    return { kind: 'jsonpath', path, value: m[2] };
  }
  throw new CliError(`unrecognized condition: "${forFlag ?? ''}"`);
}

/** Whether an object satisfies a condition (delete is judged by the caller). */
export function conditionMet(obj: KubeObject, cond: WaitCondition): boolean {
  if (cond.kind === 'condition') {
    const conditions = ((obj.status as any)?.conditions ?? []) as { type?: string; status?: string; observedGeneration?: number }[];
    return conditions.some((c) => {
      if (c.type?.toLowerCase() !== cond.type.toLowerCase() || c.status?.toLowerCase() !== cond.status.toLowerCase()) return false;
      return c.observedGeneration === undefined || obj.metadata?.generation === undefined || c.observedGeneration >= obj.metadata.generation;
    });
  }
  if (cond.kind === 'jsonpath') {
    let v: any = obj;
    for (const p of cond.path) v = v?.[p];
    if (v === undefined || v === null) return false;
    if (cond.value === undefined) return true;
    const s = typeof v === 'object' ? JSON.stringify(v) : String(v);
    return s === cond.value;
  }
  return false;
}

async function waitOne(ctx: CliContext, info: ResourceInfo, obj: KubeObject, cond: WaitCondition, deadline: number): Promise<boolean> {
  const rc = clientFor(ctx.client, info, ctx.namespace);
  const name = obj.metadata?.name ?? '';
  if (cond.kind === 'create' || (cond.kind !== 'delete' && conditionMet(obj, cond))) return true;
  const abort = new AbortController();
  const remaining = deadline - Date.now();
  if (remaining <= 0) return false;
  const timer = setTimeout(() => abort.abort(), remaining);
  try {
    const list = await rc.list({ fieldSelector: `metadata.name=${name}` });
    const current = list.items[0];
    if (cond.kind === 'delete' && (!current || current.metadata?.uid !== obj.metadata?.uid)) return true;
    if (current && cond.kind !== 'delete' && conditionMet(current, cond)) return true;
    for await (const ev of rc.watch({ fieldSelector: `metadata.name=${name}`, resourceVersion: list.metadata.resourceVersion, signal: abort.signal })) {
      if (ev.type === 'DELETED') {
        if (cond.kind === 'delete') return true;
        continue;
      }
      if ((ev.type === 'ADDED' || ev.type === 'MODIFIED') && cond.kind !== 'delete' && conditionMet(ev.object, cond)) return true;
    }
    return false;
  } finally {
    clearTimeout(timer);
    abort.abort();
  }
}

export async function runWait(ctx: CliContext, args: string[], opts: { for?: string; timeout?: string; selector?: string; all?: boolean }): Promise<void> {
  const cond = parseFor(opts.for);
  const timeoutMs = parseDuration(opts.timeout ?? '30s');
  if (cond.kind === 'create' && opts.selector === undefined && !opts.all) {
    await waitCreated(ctx, args, timeoutMs);
    return;
  }
  let targets: { info: ResourceInfo; obj: KubeObject }[];
  try {
    targets = await fetchObjects(ctx.client, ctx.namespace, args, opts);
  } catch (err) {
    if (cond.kind === 'delete' && err instanceof NotFoundError) return;
    throw err;
  }
  if (targets.length === 0) {
    if (cond.kind === 'delete') return;
    throw new CliError(`no matching resources found`);
  }
  const deadline = Date.now() + timeoutMs;
  for (const { info, obj } of targets) {
    const ok = await waitOne(ctx, info, obj, cond, deadline);
    if (!ok) {
      const res = info.group ? `${info.plural}.${info.group}` : info.plural;
      throw new CliError(`timed out waiting for the condition on ${res}/${obj.metadata?.name}`);
    }
    ctx.out.write(`${objectName(obj, info)} condition met\n`);
  }
}

/** --for=create on named objects: each must come to exist before the deadline. */
async function waitCreated(ctx: CliContext, args: string[], timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (const { info, name } of parseResourceArgs(args)) {
    const rc = clientFor(ctx.client, info, ctx.namespace);
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(), Math.max(0, deadline - Date.now()));
    let found: KubeObject | undefined;
    try {
      const list = await rc.list({ fieldSelector: `metadata.name=${name}` });
      found = list.items[0];
      if (!found) {
        for await (const ev of rc.watch({ fieldSelector: `metadata.name=${name}`, resourceVersion: list.metadata.resourceVersion, signal: abort.signal })) {
          if (ev.type === 'ADDED' || ev.type === 'MODIFIED') { found = ev.object; break; }
        }
      }
    } finally {
      clearTimeout(timer);
      abort.abort();
    }
    if (!found) throw new CliError(`timed out waiting for the condition`);
    ctx.out.write(`${objectName({ apiVersion: found.apiVersion, kind: found.kind ?? info.kind, metadata: found.metadata }, info)} condition met\n`);
  }
}
