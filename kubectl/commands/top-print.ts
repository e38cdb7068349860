// kubectl's TopCmdPrinter (k8s.io/kubectl/pkg/metricsutil): the `top node` and `top pod` tables with
// their columns, units (millicores, Mi), percentages of allocatable, sorting and --sum. Pure: turns
// metrics objects into text and never fetches.
import { parseQuantity, type Quantity } from '../../api/quantity.js';
import { TabWriter } from '../printers/tabwriter.js';

export interface Usage {
  cpu?: string;
  memory?: string;
}

export interface NodeMetricsItem {
  metadata: { name: string };
  usage: Usage;
}

export interface PodMetricsItem {
  metadata: { name: string; namespace?: string };
  containers: { name: string; usage: Usage }[];
}

const RESOURCES = ['cpu', 'memory'] as const;
type ResourceName = (typeof RESOURCES)[number];

function q(v: string | undefined): Quantity {
  return parseQuantity(v ?? '0');
}

/** printSingleResourceUsage: CPU in whole millicores, memory in whole Mi. */
export function formatUsage(resource: ResourceName, quantity: Quantity): string {
  if (resource === 'cpu') return `${quantity.milliValue()}m`;
  return `${Math.trunc(quantity.value() / (1024 * 1024))}Mi`;
}

/** Every cell is tab-terminated as in kubectl, so the last column is padded too. */
function render(rows: string[][]): string {
  return new TabWriter().format(rows.map((r) => [...r, '']));
}

function podUsage(m: PodMetricsItem): Record<ResourceName, Quantity> {
  const out = { cpu: q('0'), memory: q('0') };
  for (const c of m.containers) for (const r of RESOURCES) out[r] = out[r].add(q(c.usage[r]));
  return out;
}

function byUsage<T>(items: T[], sortBy: string | undefined, usage: (t: T) => Record<ResourceName, Quantity>, name: (t: T) => string[]): T[] {
  return [...items].sort((a, b) => {
    if (sortBy === 'cpu' || sortBy === 'memory') return usage(b)[sortBy].cmp(usage(a)[sortBy]);
    const an = name(a);
    const bn = name(b);
    for (let i = 0; i < an.length; i++) if (an[i] !== bn[i]) return an[i]! < bn[i]! ? -1 : 1;
    return 0;
  });
}

/** PrintNodeMetrics: one line per node with metrics, then `<unknown>` lines for nodes without. */
export function printNodeMetrics(metrics: NodeMetricsItem[], available: Map<string, Usage>, opts: { noHeaders?: boolean; sortBy?: string }): string {
  if (metrics.length === 0) return '';
  const rows: string[][] = [];
  if (!opts.noHeaders) rows.push(['NAME', 'CPU(cores)', 'CPU(%)', 'MEMORY(bytes)', 'MEMORY(%)']);
  const sorted = byUsage(metrics, opts.sortBy, (m) => ({ cpu: q(m.usage.cpu), memory: q(m.usage.memory) }), (m) => [m.metadata.name]);
  const missing = new Map(available);
  for (const m of sorted) {
    const row = [m.metadata.name];
    const avail = available.get(m.metadata.name);
    for (const r of RESOURCES) {
      const used = q(m.usage[r]);
      row.push(formatUsage(r, used));
      if (avail?.[r] !== undefined) {
        const total = q(avail[r]);
        const fraction = total.isZero() ? 0 : (used.milliValue() / total.milliValue()) * 100;
        row.push(`${Math.trunc(fraction)}%`);
      }
    }
    rows.push(row);
    missing.delete(m.metadata.name);
  }
  for (const name of [...missing.keys()].sort()) rows.push([name, '<unknown>', '<unknown>', '<unknown>', '<unknown>']);
  return render(rows);
}

/** PrintPodMetrics: per pod (summed containers) or per container, optionally with NAMESPACE and --sum. */
export function printPodMetrics(
  metrics: PodMetricsItem[],
  opts: { containers?: boolean; withNamespace?: boolean; noHeaders?: boolean; sortBy?: string; sum?: boolean },
): string {
  if (metrics.length === 0) return '';
  const rows: string[][] = [];
  let columns = 3;
  if (!opts.noHeaders) {
    const header: string[] = [];
    if (opts.withNamespace) {
      header.push('NAMESPACE');
      columns++;
    }
    if (opts.containers) {
      header.push('POD');
      columns++;
    }
    rows.push([...header, 'NAME', 'CPU(cores)', 'MEMORY(bytes)']);
  }
  const sorted = byUsage(metrics, opts.sortBy, podUsage, (m) => (opts.withNamespace ? [m.metadata.namespace ?? '', m.metadata.name] : [m.metadata.name]));
  for (const m of sorted) {
    const prefix = opts.withNamespace ? [m.metadata.namespace ?? ''] : [];
    if (opts.containers) {
      const containers = byUsage(m.containers, opts.sortBy, (c) => ({ cpu: q(c.usage.cpu), memory: q(c.usage.memory) }), (c) => [c.name]);
      for (const c of containers) rows.push([...prefix, m.metadata.name, c.name, formatUsage('cpu', q(c.usage.cpu)), formatUsage('memory', q(c.usage.memory))]);
    } else {
      const used = podUsage(m);
      rows.push([...prefix, m.metadata.name, formatUsage('cpu', used.cpu), formatUsage('memory', used.memory)]);
    }
  }
  if (opts.sum) {
    const total = { cpu: q('0'), memory: q('0') };
    for (const m of metrics) for (const r of RESOURCES) total[r] = total[r].add(podUsage(m)[r]);
    rows.push([...Array(columns - 2).fill(''), '________', '________']);
    rows.push([...Array(columns - 3).fill(''), '', formatUsage('cpu', total.cpu), formatUsage('memory', total.memory)]);
  }
  return render(rows);
}
