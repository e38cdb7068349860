// `run` (a Pod as kubectl's run generator builds it) and `expose` (a Service selecting a workload's
// pods). Builds objects the way kubectl does; never adds fields kubectl would not send.
import type { KubeObject } from '../client/index.js';
import type { CliContext } from './context.js';
import { CliError } from './errors.js';
import { dryRunSuffix, fetchObjects, parseDryRun } from './modify-common.js';
import { toKubectlYaml } from './printers/yaml-json.js';

export interface RunOptions {
  image?: string;
  restart?: string;
  env?: string[];
  port?: string;
  labels?: string;
  command?: boolean;
  dryRun?: string | boolean;
  output?: string;
}

function parseLabels(text: string): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const part of text.split(',')) {
    const eq = part.indexOf('=');
    if (eq <= 0) throw new CliError(`invalid label spec: ${part}`);
    labels[part.slice(0, eq)] = part.slice(eq + 1);
  }
  return labels;
}

/** The Pod `kubectl run NAME --image=...` creates, its keys in the Go struct order kubectl prints. */
export function buildRunPod(name: string, extra: string[], opts: RunOptions, namespace?: string): KubeObject {
  if (!opts.image) throw new CliError(`required flag(s) "image" not set`);
  const restart = opts.restart ?? 'Always';
  if (!['Always', 'OnFailure', 'Never'].includes(restart)) throw new CliError(`invalid restart policy: ${restart}\nSee 'kubectl run -h' for help and examples`);
  const container: Record<string, unknown> = { name, image: opts.image };
  if (extra.length > 0) container[opts.command ? 'command' : 'args'] = extra;
  if (opts.port) container.ports = [{ containerPort: Number(opts.port) }];
  if (opts.env && opts.env.length > 0) {
    container.env = opts.env.map((e) => {
      const eq = e.indexOf('=');
      if (eq <= 0) throw new CliError(`invalid env: ${e}`);
      return { name: e.slice(0, eq), value: e.slice(eq + 1) };
    });
  }
  container.resources = {};
  return {
    kind: 'Pod',
    apiVersion: 'v1',
    metadata: {
      name,
      ...(namespace ? { namespace } : {}),
      creationTimestamp: null as unknown as string,
      labels: opts.labels ? parseLabels(opts.labels) : { run: name },
    },
    spec: { containers: [container], restartPolicy: restart, dnsPolicy: 'ClusterFirst' },
    status: {},
  };
}

export async function runRun(ctx: CliContext, name: string, extra: string[], opts: RunOptions): Promise<void> {
  const dryRun = parseDryRun(opts.dryRun);
  const pod = buildRunPod(name, extra, opts, ctx.namespaceExplicit ? ctx.namespace : undefined);
  if (dryRun === 'client') {
    if (opts.output === 'yaml') ctx.out.write(toKubectlYaml(pod));
    else if (opts.output === 'json') ctx.out.write(JSON.stringify(pod, null, 4) + '\n');
    else ctx.out.write(`pod/${name} created (dry run)\n`);
    return;
  }
  const body = structuredClone(pod);
  delete (body.metadata as Record<string, unknown>).creationTimestamp;
  const created = await ctx.client.resource('pods', ctx.namespace).create(body, { fieldManager: 'kubectl-run', dryRun: dryRun === 'server' });
  if (opts.output === 'yaml') ctx.out.write(toKubectlYaml(created));
  else ctx.out.write(`pod/${created.metadata?.name} created${dryRunSuffix(dryRun)}\n`);
}

export interface ExposeOptions {
  port?: string;
  targetPort?: string;
  name?: string;
  type?: string;
  protocol?: string;
  selector?: string;
  dryRun?: string | boolean;
}

/** The selector of the pods a workload runs, as kubectl's MapBasedSelectorForObject gives it. */
function selectorOf(obj: any): Record<string, string> {
  switch (obj.kind) {
    case 'Pod':
    case 'Service':
      if (obj.kind === 'Pod') {
        if (!obj.metadata?.labels || Object.keys(obj.metadata.labels).length === 0) throw new CliError(`the pod has no labels and cannot be exposed`);
        return obj.metadata.labels;
      }
      return obj.spec?.selector ?? {};
    case 'ReplicationController':
      return obj.spec?.selector ?? {};
    case 'Deployment':
    case 'ReplicaSet':
      if (obj.spec?.selector?.matchExpressions?.length) throw new CliError(`couldn't convert expressions - "${JSON.stringify(obj.spec.selector.matchExpressions)}" to map-based selector format`);
      return obj.spec?.selector?.matchLabels ?? {};
    default:
      throw new CliError(`cannot expose a ${obj.kind}${obj.apiVersion?.includes('/') ? `.${obj.apiVersion.split('/')[0]}` : ''}`);
  }
}

function portsOf(obj: any): number[] {
  const spec = obj.kind === 'Pod' ? obj.spec : obj.kind === 'Service' ? undefined : obj.spec?.template?.spec;
  if (obj.kind === 'Service') return (obj.spec?.ports ?? []).map((p: any) => p.port);
  const ports: number[] = [];
  for (const c of spec?.containers ?? []) for (const p of c.ports ?? []) ports.push(p.containerPort);
  return ports;
}

export async function runExpose(ctx: CliContext, args: string[], opts: ExposeOptions): Promise<void> {
  const targets = await fetchObjects(ctx.client, ctx.namespace, args, {});
  for (const { obj } of targets) {
    const selector = opts.selector ? parseLabels(opts.selector) : selectorOf(obj);
    const ports = opts.port ? [Number(opts.port)] : portsOf(obj);
    if (ports.length === 0) throw new CliError(`couldn't find port via --port flag or introspection`);
    const protocol = opts.protocol ?? 'TCP';
    const name = opts.name ?? obj.metadata?.name ?? '';
    const servicePorts = ports.map((port, i) => {
      const p: Record<string, unknown> = {};
      if (ports.length > 1) p.name = `port-${i + 1}`;
      p.port = port;
      p.protocol = protocol;
      const target = opts.targetPort ?? String(port);
      p.targetPort = /^\d+$/.test(target) ? Number(target) : target;
      return p;
    });
    const spec: Record<string, unknown> = { ports: servicePorts, selector };
    if (opts.type) spec.type = opts.type;
    const labels = obj.metadata?.labels;
    const service: KubeObject = {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name, ...(labels && Object.keys(labels).length > 0 ? { labels } : {}) },
      spec,
      status: { loadBalancer: {} },
    };
    const dryRun = parseDryRun(opts.dryRun);
    const created = dryRun === 'client' ? service : await ctx.client.resource('services', ctx.namespace).create(service, { fieldManager: 'kubectl-expose', dryRun: dryRun === 'server' });
    ctx.out.write(`service/${created.metadata?.name} exposed${dryRunSuffix(dryRun)}\n`);
  }
}
