// `cordon`, `uncordon` and `drain`: the spec.unschedulable patch and kubectl's drain filters
// (DaemonSet, unmanaged, emptyDir, mirror pods). This server has no pods/eviction, so drain deletes
// pods as kubectl does when discovery lacks eviction. Never touches pods on other nodes.
import type { Pod } from 'kubernetes-types/core/v1.js';
import type { KubeObject } from '../client/index.js';
import { NotFoundError } from '../api/errors.js';
import type { CliContext } from './context.js';
import { CliError } from './errors.js';
import { createStrategicPatch, dryRunSuffix, fetchObjects, objectName, parseDryRun, parseDuration, type DryRun } from './modify-common.js';

/** Cordons or uncordons each node; returns nothing, prints kubectl's lines. */
export async function runCordon(ctx: CliContext, args: string[], unschedulable: boolean, opts: { selector?: string; dryRun?: string | boolean }): Promise<void> {
  const dryRun = parseDryRun(opts.dryRun);
  requireNodes(args, opts, unschedulable ? 'cordon' : 'uncordon');
  const targets = await fetchObjects(ctx.client, ctx.namespace, ['nodes', ...args], opts);
  for (const { obj } of targets) await cordon(ctx, obj, unschedulable, dryRun);
}

async function cordon(ctx: CliContext, node: KubeObject, unschedulable: boolean, dryRun: DryRun = 'none'): Promise<void> {
  const verb = unschedulable ? 'cordoned' : 'uncordoned';
  const current = Boolean((node.spec as any)?.unschedulable);
  const name = objectName({ apiVersion: 'v1', kind: 'Node', metadata: { name: node.metadata?.name } });
  if (current === unschedulable) {
    ctx.out.write(`${name} already ${verb}${dryRunSuffix(dryRun)}\n`);
    return;
  }
  const modified = structuredClone(node) as any;
  modified.spec = { ...modified.spec };
  if (unschedulable) modified.spec.unschedulable = true;
  else delete modified.spec.unschedulable;
  if (dryRun !== 'client') {
    await ctx.client.resource('nodes').patch(node.metadata?.name ?? '', 'strategic', createStrategicPatch(node, modified), { dryRun: dryRun === 'server' });
  }
  ctx.out.write(`${name} ${verb}${dryRunSuffix(dryRun)}\n`);
}

export interface DrainOptions {
  force?: boolean;
  ignoreDaemonsets?: boolean;
  deleteEmptydirData?: boolean;
  gracePeriod?: string;
  timeout?: string;
  selector?: string;
  podSelector?: string;
  disableEviction?: boolean;
}

interface PodVerdict {
  delete: boolean;
  /** Why it is skipped or refused (the message group kubectl prints). */
  warning?: string;
  error?: string;
}

/** kubectl drain's filters, in their order: mirror, DaemonSet, unmanaged, emptyDir. */
export async function judgePod(ctx: CliContext, pod: Pod, opts: DrainOptions): Promise<PodVerdict> {
  const phase = pod.status?.phase;
  if (pod.metadata?.deletionTimestamp) return { delete: false };
  if (pod.metadata?.annotations?.['kubernetes.io/config.mirror'] !== undefined) return { delete: false, warning: 'ignoring mirror pods' };
  const owner = (pod.metadata?.ownerReferences ?? []).find((o) => o.controller);
  if (owner?.kind === 'DaemonSet' && phase !== 'Succeeded' && phase !== 'Failed') {
    try {
      await ctx.client.resource('daemonsets.apps', pod.metadata?.namespace).get(owner.name);
    } catch (err) {
      if (err instanceof NotFoundError && opts.force) return { delete: true, warning: `deleting Pods that declare no controller` };
      return { delete: false, error: `cannot delete ${(err as Error).message}` };
    }
    if (!opts.ignoreDaemonsets) return { delete: false, error: 'cannot delete DaemonSet-managed Pods (use --ignore-daemonsets to ignore)' };
    return { delete: false, warning: 'ignoring DaemonSet-managed Pods' };
  }
  let verdict: PodVerdict = { delete: true };
  if (!owner && phase !== 'Succeeded' && phase !== 'Failed') {
    if (!opts.force) return { delete: false, error: 'cannot delete cannot delete Pods that declare no controller (use --force to override)' };
    verdict = { delete: true, warning: 'deleting Pods that declare no controller' };
  }
  const hasEmptyDir = (pod.spec?.volumes ?? []).some((v) => v.emptyDir);
  if (hasEmptyDir && phase !== 'Succeeded' && phase !== 'Failed') {
    if (!opts.deleteEmptydirData) return { delete: false, error: 'cannot delete Pods with local storage (use --delete-emptydir-data to override)' };
    return verdict;
  }
  return verdict;
}

function groupMessages(entries: [string, string][]): string {
  const groups = new Map<string, string[]>();
  for (const [msg, pod] of entries) groups.set(msg, [...(groups.get(msg) ?? []), pod]);
  return [...groups].map(([msg, pods]) => `${msg}: ${pods.join(', ')}`).join('; ');
}

/** kubectl's usage error when neither a node name nor a selector is given. */
function requireNodes(args: string[], opts: { selector?: string }, verb: string): void {
  if (args.length === 0 && opts.selector === undefined) throw new CliError(`USAGE: ${verb} NODE [flags]\nSee 'kubectl ${verb} -h' for help and examples`);
}

export async function runDrain(ctx: CliContext, args: string[], opts: DrainOptions): Promise<void> {
  requireNodes(args, opts, 'drain');
  const targets = await fetchObjects(ctx.client, ctx.namespace, ['nodes', ...args], opts);
  const timeoutMs = opts.timeout ? parseDuration(opts.timeout) : 0;
  const grace = opts.gracePeriod === undefined ? -1 : Number(opts.gracePeriod);
  for (const { obj: node } of targets) {
    await cordon(ctx, node, true);
    const nodeName = node.metadata?.name ?? '';
    const pods = await ctx.client.resource('pods').list({ fieldSelector: `spec.nodeName=${nodeName}`, labelSelector: opts.podSelector });
    const warnings: [string, string][] = [];
    const errors: [string, string][] = [];
    const toDelete: Pod[] = [];
    for (const pod of pods.items as Pod[]) {
      const v = await judgePod(ctx, pod, opts);
      const id = `${pod.metadata?.namespace}/${pod.metadata?.name}`;
      if (v.error) errors.push([v.error, id]);
      else if (v.warning) warnings.push([v.warning, id]);
      if (v.delete && !v.error) toDelete.push(pod);
    }
    if (errors.length > 0) {
      const list = errors.map(([m, p]) => `${m}: ${p}`);
      throw new CliError(
        `unable to drain node "${nodeName}" due to error: ${list.length === 1 ? list[0] : `[${list.join(', ')}]`}, continuing command...\nThere are pending nodes to be drained:\n ${nodeName}\n${list.join('\n')}`,
      );
    }
    if (warnings.length > 0) ctx.err.write(`Warning: ${groupMessages(warnings)}\n`);
    const deadline = timeoutMs > 0 ? Date.now() + timeoutMs : Infinity;
    // As kubectl: evict when discovery lists pods/eviction (and --disable-eviction is not given), else delete.
    const evict = !opts.disableEviction && toDelete.length > 0 && (await supportsEviction(ctx));
    for (const pod of toDelete) {
      const { name = '', namespace = '' } = pod.metadata ?? {};
      if (evict) {
        ctx.err.write(`evicting pod ${namespace}/${name}\n`);
        await ctx.client.raw('POST', `/api/v1/namespaces/${encodeURIComponent(namespace)}/pods/${encodeURIComponent(name)}/eviction`, {
          apiVersion: 'policy/v1',
          kind: 'Eviction',
          metadata: { name, namespace },
          ...(grace >= 0 ? { deleteOptions: { gracePeriodSeconds: grace } } : {}),
        });
      } else {
        await ctx.client.resource('pods', namespace).delete(name, grace >= 0 ? { gracePeriodSeconds: grace } : {});
      }
    }
    for (const pod of toDelete) {
      await waitGone(ctx, pod, deadline, nodeName, toDelete);
      ctx.out.write(`pod/${pod.metadata?.name} ${evict ? 'evicted' : 'deleted'}\n`);
    }
    ctx.out.write(`${objectName({ apiVersion: 'v1', kind: 'Node', metadata: { name: nodeName } })} drained\n`);
  }
}

/** Whether the server offers pods/eviction (kubectl's CheckEvictionSupport reads discovery). */
async function supportsEviction(ctx: CliContext): Promise<boolean> {
  const list = await ctx.client.discovery.resources('v1');
  return list.resources.some((r) => r.name === 'pods/eviction');
}

async function waitGone(ctx: CliContext, pod: Pod, deadline: number, nodeName: string, all: Pod[]): Promise<void> {
  const rc = ctx.client.resource('pods', pod.metadata?.namespace);
  for (;;) {
    try {
      const cur = await rc.get(pod.metadata?.name ?? '');
      if (cur.metadata?.uid !== pod.metadata?.uid) return;
    } catch (err) {
      if (err instanceof NotFoundError) return;
      throw err;
    }
    if (Date.now() >= deadline) {
      const pending = all.map((p) => `pod/${p.metadata?.name}`).join('\n');
      throw new CliError(
        `unable to drain node "${nodeName}" due to error: context deadline exceeded, continuing command...\nThere are pending nodes to be drained:\n ${nodeName}\nerror: context deadline exceeded\nThere are pending pods in node "${nodeName}" when an error occurred: context deadline exceeded\n${pending}`,
      );
    }
    // kubectl polls every second too (waitForDelete with wait.PollImmediate(1s)).
    await new Promise((r) => setTimeout(r, Math.min(1000, Math.max(0, deadline - Date.now()))));
  }
}
