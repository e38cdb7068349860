// `k8ts top node` / `k8ts top pod`: kubectl's top verbs over the Metrics API (metrics.k8s.io/v1beta1),
// with kubectl 1.32's flags, errors ("Metrics API not available", "metrics not available yet") and
// columns. Reads only.
import type { Command } from 'commander';
import type { Node, Pod } from '../../api/types.js';
import type { Client, KubeObject } from '../../client/index.js';
import { cliContext, type CliContext } from '../context.js';
import { CliError } from '../errors.js';
import { printNodeMetrics, printPodMetrics, type NodeMetricsItem, type PodMetricsItem, type Usage } from './top-print.js';

const METRICS_BASE = '/apis/metrics.k8s.io/v1beta1';

export interface TopNodeFlags {
  selector?: string;
  sortBy?: string;
  noHeaders?: boolean;
  showCapacity?: boolean;
}

export interface TopPodFlags {
  selector?: string;
  fieldSelector?: string;
  sortBy?: string;
  noHeaders?: boolean;
  containers?: boolean;
  allNamespaces?: boolean;
  sum?: boolean;
}

async function requireMetricsApi(client: Client): Promise<void> {
  const { groups } = await client.discovery.groups();
  const group = groups.find((g) => g.name === 'metrics.k8s.io');
  if (!group?.versions.some((v) => v.version === 'v1beta1')) throw new CliError('Metrics API not available');
}

function checkSortBy(sortBy: string | undefined): void {
  if (sortBy !== undefined && sortBy !== '' && sortBy !== 'cpu' && sortBy !== 'memory') {
    throw new CliError('--sort-by accepts only cpu or memory');
  }
}

export async function runTopNode(ctx: CliContext, args: string[], flags: TopNodeFlags): Promise<void> {
  checkSortBy(flags.sortBy);
  const name = args[0];
  if (name && flags.selector) throw new CliError('only one of NAME or --selector can be provided');
  await requireMetricsApi(ctx.client);
  const query = flags.selector ? { labelSelector: flags.selector } : undefined;
  const metrics: NodeMetricsItem[] = name
    ? [await ctx.client.raw<NodeMetricsItem>('GET', `${METRICS_BASE}/nodes/${encodeURIComponent(name)}`)]
    : ((await ctx.client.raw<{ items?: NodeMetricsItem[] }>('GET', `${METRICS_BASE}/nodes`, undefined, { query })).items ?? []);
  if (metrics.length === 0) throw new CliError('metrics not available yet');
  const nodes: Node[] = name ? [await ctx.client.resource<Node & KubeObject>('nodes').get(name)] : (await ctx.client.resource<Node & KubeObject>('nodes').list({ labelSelector: flags.selector })).items;
  const available = new Map<string, Usage>();
  for (const node of nodes) {
    const source = flags.showCapacity ? node.status?.capacity : node.status?.allocatable;
    available.set(node.metadata?.name ?? '', { cpu: source?.cpu, memory: source?.memory });
  }
  ctx.out.write(printNodeMetrics(metrics, available, { noHeaders: flags.noHeaders, sortBy: flags.sortBy }));
}

export async function runTopPod(ctx: CliContext, args: string[], flags: TopPodFlags): Promise<void> {
  checkSortBy(flags.sortBy);
  const name = args[0];
  if (name && flags.selector) throw new CliError('only one of NAME or --selector can be provided');
  await requireMetricsApi(ctx.client);
  const namespace = flags.allNamespaces ? undefined : ctx.namespace;
  const query = { labelSelector: flags.selector, fieldSelector: flags.fieldSelector };
  let metrics: PodMetricsItem[];
  if (name) {
    metrics = [await ctx.client.raw<PodMetricsItem>('GET', `${METRICS_BASE}/namespaces/${encodeURIComponent(ctx.namespace)}/pods/${encodeURIComponent(name)}`)];
  } else {
    const path = namespace === undefined ? `${METRICS_BASE}/pods` : `${METRICS_BASE}/namespaces/${encodeURIComponent(namespace)}/pods`;
    metrics = (await ctx.client.raw<{ items?: PodMetricsItem[] }>('GET', path, undefined, { query })).items ?? [];
  }
  if (metrics.length === 0) {
    // verifyEmptyMetrics: pods that exist but have no metrics yet are an error; no pods is not.
    const pods = await ctx.client.resource<Pod & KubeObject>('pods').list(query, namespace);
    if (pods.items.length > 0) throw new CliError('metrics not available yet');
    ctx.err.write(flags.allNamespaces ? 'No resources found\n' : `No resources found in ${ctx.namespace} namespace.\n`);
    return;
  }
  ctx.out.write(printPodMetrics(metrics, { containers: flags.containers, withNamespace: flags.allNamespaces, noHeaders: flags.noHeaders, sortBy: flags.sortBy, sum: flags.sum }));
}

export function registerTopCommand(program: Command): void {
  const top = program.command('top').description('Display resource (CPU/memory) usage');
  top
    .command('node')
    .alias('nodes')
    .alias('no')
    .description('Display resource (CPU/memory) usage of nodes')
    .argument('[name]')
    .option('-l, --selector <selector>', 'Selector (label query) to filter on')
    .option('--sort-by <field>', "If non-empty, sort nodes list using specified field. The field can be either 'cpu' or 'memory'.")
    .option('--no-headers', "If present, print output without headers")
    .option('--show-capacity', 'Print node resources based on Capacity instead of Allocatable(default) of the nodes.')
    .action(async (name: string | undefined, flags: TopNodeFlags & { headers?: boolean }) =>
      runTopNode(await cliContext(program), name ? [name] : [], { ...flags, noHeaders: flags.headers === false }));
  top
    .command('pod')
    .alias('pods')
    .alias('po')
    .description('Display resource (CPU/memory) usage of pods')
    .argument('[name]')
    .option('-A, --all-namespaces', 'If present, list the requested object(s) across all namespaces.')
    .option('-l, --selector <selector>', 'Selector (label query) to filter on')
    .option('--field-selector <selector>', 'Selector (field query) to filter on')
    .option('--sort-by <field>', "If non-empty, sort pods list using specified field. The field can be either 'cpu' or 'memory'.")
    .option('--containers', 'If present, print usage of containers within a pod.')
    .option('--no-headers', 'If present, print output without headers.')
    .option('--sum', 'Print the sum of the resource usage')
    .action(async (name: string | undefined, flags: TopPodFlags & { headers?: boolean }) =>
      runTopPod(await cliContext(program), name ? [name] : [], { ...flags, noHeaders: flags.headers === false }));
}
