// `rollout restart|pause|resume|status|history|undo` for Deployments, as kubectl 1.32 does them:
// strategic merge patches, the Deployment status viewer's messages over a watch, revisions read from
// the owned ReplicaSets, and undo's JSON patch. Never writes ReplicaSets.
import type { ResourceInfo } from '../api/resources.js';
import type { KubeObject } from '../client/index.js';
import type { CliContext } from './context.js';
import { CliError } from './errors.js';
import { describePodTemplate } from './modify-template.js';
import {
  applyStrategicPatch,
  clientFor,
  createStrategicPatch,
  deepEqual,
  fetchObjects,
  fetchObjectsLenient,
  objectName,
  parseDuration,
  reportErrors,
  resourceString,
  rfc3339Now,
} from './modify-common.js';

const REVISION = 'deployment.kubernetes.io/revision';
const CHANGE_CAUSE = 'kubernetes.io/change-cause';
const HASH_LABEL = 'pod-template-hash';
const ANNOTATIONS_TO_SKIP = new Set([
  'kubectl.kubernetes.io/last-applied-configuration',
  REVISION,
  'deployment.kubernetes.io/revision-history',
  'deployment.kubernetes.io/desired-replicas',
  'deployment.kubernetes.io/max-replicas',
  'deprecated.deployment.rollback.to',
]);

interface Deployment extends KubeObject {
  spec?: { replicas?: number; paused?: boolean; selector?: { matchLabels?: Record<string, string> }; template?: { metadata?: Record<string, any>; spec?: unknown } };
  status?: {
    observedGeneration?: number;
    replicas?: number;
    updatedReplicas?: number;
    availableReplicas?: number;
    conditions?: { type: string; reason?: string }[];
  };
}

function unsupported(obj: KubeObject, verb: string, info: ResourceInfo): CliError {
  const where = `${resourceString(info)} "${obj.metadata?.name}"`;
  switch (verb) {
    case 'status':
      return new CliError(`no status viewer has been implemented for ${obj.kind}`);
    case 'history':
      return new CliError(`error retrieving history for "${obj.kind}", no visitor method exists for {${info.group} ${obj.kind}}`);
    case 'undo':
      return new CliError(`error retrieving rollbacker for "${obj.kind}", no visitor method exists for {${info.group} ${obj.kind}}`);
    default:
      return new CliError(`${where} ${verb === 'pause' ? 'pausing' : verb === 'resume' ? 'resuming' : 'restarting'} is not supported`);
  }
}

function requireDeployment(obj: KubeObject, verb: string, info: ResourceInfo): Deployment {
  if (obj.kind !== 'Deployment') throw unsupported(obj, verb, info);
  return obj as Deployment;
}

/** Pause, resume and restart: change a copy, send the two-way strategic merge patch. */
export async function runRolloutPatch(ctx: CliContext, verb: 'pause' | 'resume' | 'restart', args: string[], opts: { selector?: string }): Promise<void> {
  const { targets, errors } = await fetchObjectsLenient(ctx.client, ctx.namespace, args, opts);
  for (const { info, obj } of targets) {
    try {
      await rolloutPatchOne(ctx, verb, info, obj);
    } catch (err) {
      errors.push(err);
    }
  }
  reportErrors(ctx, errors);
}

async function rolloutPatchOne(ctx: CliContext, verb: 'pause' | 'resume' | 'restart', info: ResourceInfo, obj: KubeObject): Promise<void> {
  const restartable = verb === 'restart' && (obj.kind === 'DaemonSet' || obj.kind === 'StatefulSet');
  const d = restartable ? (obj as Deployment) : requireDeployment(obj, verb, info);
  const modified = structuredClone(d);
  modified.spec = modified.spec ?? {};
  const where = `${resourceString(info)} "${d.metadata?.name}"`;
  if (verb === 'pause') {
    if (d.spec?.paused) throw new CliError(`${where} is already paused`);
    modified.spec.paused = true;
  } else if (verb === 'resume') {
    if (!d.spec?.paused) throw new CliError(`${where} is not paused`);
    delete modified.spec.paused;
  } else {
    if (d.spec?.paused) throw new CliError(`${where} can't restart paused deployment (run rollout resume first)`);
    const template = (modified.spec.template = modified.spec.template ?? {});
    template.metadata = { ...template.metadata, annotations: { ...template.metadata?.annotations, 'kubectl.kubernetes.io/restartedAt': rfc3339Now() } };
  }
  const patch = createStrategicPatch(d, modified);
  const res = await clientFor(ctx.client, info, ctx.namespace).patch(d.metadata?.name ?? '', 'strategic', patch, { fieldManager: 'kubectl-rollout' });
  ctx.out.write(`${objectName(res, info)} ${verb === 'pause' ? 'paused' : verb === 'resume' ? 'resumed' : 'restarted'}\n`);
}

/** The DeploymentStatusViewer: a message and whether the rollout is done. */
export function deploymentStatus(d: Deployment): { message: string; done: boolean } {
  const name = d.metadata?.name;
  const st = d.status ?? {};
  if ((d.metadata?.generation ?? 0) <= (st.observedGeneration ?? 0)) {
    const progressing = st.conditions?.find((c) => c.type === 'Progressing');
    if (progressing?.reason === 'ProgressDeadlineExceeded') throw new CliError(`deployment "${name}" exceeded its progress deadline`);
    const updated = st.updatedReplicas ?? 0;
    if (d.spec?.replicas !== undefined && updated < d.spec.replicas) {
      return { message: `Waiting for deployment "${name}" rollout to finish: ${updated} out of ${d.spec.replicas} new replicas have been updated...\n`, done: false };
    }
    if ((st.replicas ?? 0) > updated) {
      return { message: `Waiting for deployment "${name}" rollout to finish: ${(st.replicas ?? 0) - updated} old replicas are pending termination...\n`, done: false };
    }
    if ((st.availableReplicas ?? 0) < updated) {
      return { message: `Waiting for deployment "${name}" rollout to finish: ${st.availableReplicas ?? 0} of ${updated} updated replicas are available...\n`, done: false };
    }
    return { message: `deployment "${name}" successfully rolled out\n`, done: true };
  }
  return { message: `Waiting for deployment spec update to be observed...\n`, done: false };
}

/** The DaemonSetStatusViewer. */
export function daemonSetStatus(ds: any): { message: string; done: boolean } {
  const name = ds.metadata?.name;
  const st = ds.status ?? {};
  if ((ds.spec?.updateStrategy?.type ?? 'RollingUpdate') !== 'RollingUpdate') throw new CliError(`rollout status is only available for RollingUpdate strategy type`);
  if ((ds.metadata?.generation ?? 0) <= (st.observedGeneration ?? 0)) {
    const desired = st.desiredNumberScheduled ?? 0;
    if ((st.updatedNumberScheduled ?? 0) < desired) {
      return { message: `Waiting for daemon set "${name}" rollout to finish: ${st.updatedNumberScheduled ?? 0} out of ${desired} new pods have been updated...\n`, done: false };
    }
    if ((st.numberAvailable ?? 0) < desired) {
      return { message: `Waiting for daemon set "${name}" rollout to finish: ${st.numberAvailable ?? 0} of ${desired} updated pods are available...\n`, done: false };
    }
    return { message: `daemon set "${name}" successfully rolled out\n`, done: true };
  }
  return { message: `Waiting for daemon set spec update to be observed...\n`, done: false };
}

/** The StatefulSetStatusViewer. */
export function statefulSetStatus(sts: any): { message: string; done: boolean } {
  const st = sts.status ?? {};
  const strategy = sts.spec?.updateStrategy ?? { type: 'RollingUpdate' };
  if ((strategy.type ?? 'RollingUpdate') !== 'RollingUpdate') throw new CliError(`rollout status is only available for RollingUpdate strategy type`);
  if (!st.observedGeneration || (sts.metadata?.generation ?? 0) > st.observedGeneration) {
    return { message: `Waiting for statefulset spec update to be observed...\n`, done: false };
  }
  const replicas: number | undefined = sts.spec?.replicas;
  if (replicas !== undefined && (st.readyReplicas ?? 0) < replicas) {
    return { message: `Waiting for ${replicas - (st.readyReplicas ?? 0)} pods to be ready...\n`, done: false };
  }
  if (strategy.rollingUpdate) {
    const partition: number | undefined = strategy.rollingUpdate.partition;
    if (replicas !== undefined && partition !== undefined && (st.updatedReplicas ?? 0) < replicas - partition) {
      return { message: `Waiting for partitioned roll out to finish: ${st.updatedReplicas ?? 0} out of ${replicas - partition} new pods have been updated...\n`, done: false };
    }
    return { message: `partitioned roll out complete: ${st.updatedReplicas ?? 0} new pods have been updated...\n`, done: true };
  }
  if (st.updateRevision !== st.currentRevision) {
    return { message: `waiting for statefulset rolling update to complete ${st.updatedReplicas ?? 0} pods at revision ${st.updateRevision ?? ''}...\n`, done: false };
  }
  return { message: `statefulset rolling update complete ${st.currentReplicas ?? 0} pods at revision ${st.currentRevision ?? ''}...\n`, done: true };
}

function statusViewer(obj: KubeObject, info: ResourceInfo): (o: KubeObject) => { message: string; done: boolean } {
  if (obj.kind === 'Deployment') return (o) => deploymentStatus(o as Deployment);
  if (obj.kind === 'DaemonSet') return daemonSetStatus;
  if (obj.kind === 'StatefulSet') return statefulSetStatus;
  throw unsupported(obj, 'status', info);
}

export async function runRolloutStatus(ctx: CliContext, args: string[], opts: { watch?: boolean; timeout?: string }): Promise<void> {
  const targets = await fetchObjects(ctx.client, ctx.namespace, args, {});
  const timeoutMs = parseDuration(opts.timeout ?? '0s');
  for (const { info, obj } of targets) {
    const viewer = statusViewer(obj, info);
    let d = obj;
    const rc = clientFor(ctx.client, info, ctx.namespace);
    const first = viewer(d);
    ctx.out.write(first.message);
    if (first.done || opts.watch === false) continue;
    const abort = new AbortController();
    let timedOut = false;
    const timer = timeoutMs > 0 ? setTimeout(() => { timedOut = true; abort.abort(); }, timeoutMs) : undefined;
    let done = false;
    try {
      const events = rc.watch({ fieldSelector: `metadata.name=${d.metadata?.name}`, resourceVersion: d.metadata?.resourceVersion, signal: abort.signal });
      for await (const ev of events) {
        if (ev.type === 'DELETED') throw new CliError(`object has been deleted`);
        if (ev.type !== 'ADDED' && ev.type !== 'MODIFIED') continue;
        d = ev.object;
        const s = viewer(d);
        ctx.out.write(s.message);
        if (s.done) { done = true; break; }
      }
    } finally {
      if (timer) clearTimeout(timer);
      abort.abort();
    }
    if (!done && timedOut) throw new CliError(`timed out waiting for the condition`);
  }
}

function revisionOf(obj: KubeObject): number | undefined {
  if (obj.kind === 'ControllerRevision' || typeof obj.revision === 'number') return typeof obj.revision === 'number' ? obj.revision : undefined;
  const v = obj.metadata?.annotations?.[REVISION];
  if (v === undefined || !/^\d+$/.test(v)) return undefined;
  return Number(v);
}

/**
 * What a workload's history is made of: the ReplicaSets a Deployment controls, or the
 * ControllerRevisions of a DaemonSet/StatefulSet (its selector, and a controller ownerReference to it).
 */
async function ownedRevisions(ctx: CliContext, owner: KubeObject): Promise<KubeObject[]> {
  const labels = ((owner.spec as any)?.selector?.matchLabels ?? {}) as Record<string, string>;
  const selector = Object.entries(labels).map(([k, v]) => `${k}=${v}`).join(',');
  const resource = owner.kind === 'Deployment' ? 'replicasets.apps' : 'controllerrevisions.apps';
  const list = await ctx.client.resource(resource, ctx.namespace).list({ labelSelector: selector || undefined });
  return list.items.filter((rs) => rs.metadata?.ownerReferences?.some((o) => o.controller && o.uid === owner.metadata?.uid));
}

const HISTORY_KINDS = new Set(['Deployment', 'DaemonSet', 'StatefulSet']);

export async function runRolloutHistory(ctx: CliContext, args: string[], opts: { revision?: string }): Promise<void> {
  const targets = await fetchObjects(ctx.client, ctx.namespace, args, {});
  const want = opts.revision === undefined ? 0 : Number(opts.revision);
  for (const { info, obj } of targets) {
    if (!HISTORY_KINDS.has(obj.kind ?? '')) throw unsupported(obj, 'history', info);
    const byRevision = new Map<number, KubeObject>();
    for (const rs of await ownedRevisions(ctx, obj)) {
      const r = revisionOf(rs);
      if (r !== undefined) byRevision.set(r, rs);
    }
    let body: string;
    if (byRevision.size === 0) {
      body = 'No rollout history found.';
    } else if (want > 0) {
      const rev = byRevision.get(want);
      if (!rev) throw new CliError(`unable to find the specified revision`);
      let template: any;
      if (obj.kind === 'Deployment') {
        template = structuredClone((rev as any).spec?.template ?? {});
        const cause = rev.metadata?.annotations?.[CHANGE_CAUSE];
        if (cause) template.metadata = { ...template.metadata, annotations: { ...template.metadata?.annotations, [CHANGE_CAUSE]: cause } };
      } else {
        template = (applyStrategicPatch(obj, rev.data) as any).spec?.template;
      }
      body = describePodTemplate(template);
    } else {
      const rows = [...byRevision.keys()].sort((a, b) => a - b).map((r) => [String(r), byRevision.get(r)?.metadata?.annotations?.[CHANGE_CAUSE] || '<none>']);
      const width = Math.max('REVISION'.length, ...rows.map((r) => r[0].length)) + 2;
      body = ['REVISION'.padEnd(width) + 'CHANGE-CAUSE', ...rows.map((r) => r[0].padEnd(width) + r[1])].join('\n') + '\n';
    }
    const withRevision = want > 0 ? `with revision #${want}` : '';
    ctx.out.write(`${objectName(obj, info)} ${withRevision}\n${body}\n`);
  }
}

/** DaemonSet/StatefulSet undo: the ControllerRevision's data is a strategic merge patch of the template. */
async function undoFromControllerRevision(ctx: CliContext, info: ResourceInfo, obj: KubeObject, toRevision: number): Promise<void> {
  const history = (await ownedRevisions(ctx, obj)).filter((h) => revisionOf(h) !== undefined);
  if (toRevision === 0 && history.length <= 1) throw new CliError(`no last revision to roll back to`);
  let target: KubeObject | undefined;
  if (toRevision === 0) {
    const sorted = history.sort((a, b) => (revisionOf(a) ?? 0) - (revisionOf(b) ?? 0));
    target = sorted[sorted.length - 2];
  } else {
    target = history.find((h) => revisionOf(h) === toRevision);
  }
  if (!target) throw new CliError(`unable to find specified revision ${toRevision} in history`);
  const current = { spec: { template: { ...((obj.spec as any)?.template ?? {}), $patch: 'replace' } } };
  if (deepEqual(current, target.data)) {
    ctx.out.write(`${objectName(obj, info)} skipped rollback (current template already matches revision ${toRevision})\n`);
    return;
  }
  try {
    await clientFor(ctx.client, info, ctx.namespace).patch(obj.metadata?.name ?? '', 'strategic', target.data, {});
  } catch (err) {
    throw new CliError(`failed restoring revision ${toRevision}: ${(err as Error).message}`);
  }
  ctx.out.write(`${objectName(obj, info)} rolled back\n`);
}

function withoutHash(template: any): any {
  const t = structuredClone(template ?? {});
  if (t.metadata?.labels) delete t.metadata.labels[HASH_LABEL];
  return t;
}

export async function runRolloutUndo(ctx: CliContext, args: string[], opts: { toRevision?: string }): Promise<void> {
  const targets = await fetchObjects(ctx.client, ctx.namespace, args, {});
  const toRevision = opts.toRevision === undefined ? 0 : Number(opts.toRevision);
  for (const { info, obj } of targets) {
    if (obj.kind === 'DaemonSet' || obj.kind === 'StatefulSet') {
      await undoFromControllerRevision(ctx, info, obj, toRevision);
      continue;
    }
    const d = requireDeployment(obj, 'undo', info);
    if (d.spec?.paused) throw new CliError(`you cannot rollback a paused deployment; resume it first with 'kubectl rollout resume' and try again`);
    let latest: { r: number; rs?: KubeObject } = { r: -1 };
    let previous: { r: number; rs?: KubeObject } = { r: -1 };
    let target: KubeObject | undefined;
    for (const rs of await ownedRevisions(ctx, d)) {
      const v = revisionOf(rs);
      if (v === undefined) continue;
      if (toRevision === 0) {
        if (latest.r < v) { previous = latest; latest = { r: v, rs }; }
        else if (previous.r < v) previous = { r: v, rs };
      } else if (toRevision === v) { target = rs; break; }
    }
    if (toRevision > 0 && !target) throw new CliError(`unable to find specified revision ${toRevision} in history`);
    if (toRevision === 0) {
      if (!previous.rs) throw new CliError(`no rollout history found for deployment "${d.metadata?.name}"`);
      target = previous.rs;
    }
    const rsTemplate = withoutHash((target as any).spec?.template);
    if (deepEqual(rsTemplate, withoutHash(d.spec?.template))) {
      ctx.out.write(`${objectName(d, info)} skipped rollback (current template already matches revision ${toRevision})\n`);
      continue;
    }
    const annotations: Record<string, string> = {};
    for (const [k, v] of Object.entries(d.metadata?.annotations ?? {})) if (ANNOTATIONS_TO_SKIP.has(k)) annotations[k] = v;
    for (const [k, v] of Object.entries(target?.metadata?.annotations ?? {})) if (!ANNOTATIONS_TO_SKIP.has(k)) annotations[k] = v;
    const patch = [
      { op: 'replace', path: '/spec/template', value: rsTemplate },
      { op: 'replace', path: '/metadata/annotations', value: annotations },
    ];
    try {
      await clientFor(ctx.client, info, ctx.namespace).patch(d.metadata?.name ?? '', 'json', patch, {});
    } catch (err) {
      throw new CliError(`failed restoring revision ${toRevision}: ${(err as Error).message}`);
    }
    ctx.out.write(`${objectName(d, info)} rolled back\n`);
  }
}
