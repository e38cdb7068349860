// `k8ts api-resources`, `api-versions`, `version` and `cluster-info`: what the server's discovery and
// /version documents say, printed as kubectl 1.32 prints them. Reads only.
import type { Command } from 'commander';
import type { CliContext } from './context.js';
import { cliContext } from './context.js';
import { CliError } from './errors.js';
import { TabWriter } from './printers/tabwriter.js';
import { toKubectlYaml } from './printers/yaml-json.js';

export const CLIENT_VERSION = {
  major: '1',
  minor: '32',
  gitVersion: 'v1.32.0-k8ts',
  gitCommit: '0000000000000000000000000000000000000000',
  gitTreeState: 'clean',
  buildDate: '2024-12-11T00:00:00Z',
  goVersion: `node${process.versions.node}`,
  compiler: 'tsc',
  platform: `${process.platform}/${process.arch === 'x64' ? 'amd64' : process.arch}`,
};

export interface ApiResourceRow {
  name: string;
  shortNames: string[];
  apiVersion: string;
  group: string;
  namespaced: boolean;
  kind: string;
  verbs: string[];
  categories: string[];
}

interface DiscoveredResource {
  name: string;
  kind: string;
  namespaced: boolean;
  verbs: string[];
  shortNames?: string[];
  categories?: string[];
}

/** Every group-version the server lists: core `v1` first, then the groups' preferred-first versions. */
export async function discoverGroupVersions(ctx: CliContext): Promise<string[]> {
  const core = await ctx.client.discovery.coreVersions();
  const groups = await ctx.client.discovery.groups();
  return [...core.versions, ...groups.groups.flatMap((g) => g.versions.map((v) => v.groupVersion))];
}

export async function discoverResources(ctx: CliContext): Promise<ApiResourceRow[]> {
  const rows: ApiResourceRow[] = [];
  for (const gv of await discoverGroupVersions(ctx)) {
    const list = await ctx.client.discovery.resources(gv);
    const group = gv.includes('/') ? gv.slice(0, gv.indexOf('/')) : '';
    for (const r of list.resources as DiscoveredResource[]) {
      if (r.name.includes('/')) continue;
      rows.push({ name: r.name, shortNames: r.shortNames ?? [], apiVersion: gv, group, namespaced: r.namespaced, kind: r.kind, verbs: r.verbs ?? [], categories: r.categories ?? [] });
    }
  }
  return rows;
}

export interface ApiResourcesOptions {
  namespaced?: string;
  apiGroup?: string;
  output?: string;
  noHeaders?: boolean;
  verbs?: string[];
  sortBy?: string;
}

/** Rows of `api-resources`, sorted by group then name as kubectl does. */
export function apiResourcesTable(resources: readonly ApiResourceRow[], opts: ApiResourcesOptions): string[][] {
  let rows = [...resources];
  if (opts.namespaced !== undefined) {
    const want = opts.namespaced !== 'false';
    rows = rows.filter((r) => r.namespaced === want);
  }
  if (opts.apiGroup !== undefined) rows = rows.filter((r) => r.group === opts.apiGroup);
  if (opts.verbs?.length) rows = rows.filter((r) => opts.verbs!.every((v) => r.verbs.includes(v)));
  const by = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  if (opts.sortBy === 'kind') rows.sort((a, b) => by(a.kind, b.kind));
  else if (opts.sortBy === 'name') rows.sort((a, b) => by(a.name, b.name));
  else rows.sort((a, b) => by(a.group, b.group) || by(a.name, b.name));
  if (opts.output === 'name') return rows.map((r) => [r.group ? `${r.name}.${r.group}` : r.name]);
  const wide = opts.output === 'wide';
  const out: string[][] = [];
  if (!opts.noHeaders) out.push(['NAME', 'SHORTNAMES', 'APIVERSION', 'NAMESPACED', 'KIND', ...(wide ? ['VERBS', 'CATEGORIES'] : [])]);
  for (const r of rows) {
    out.push([r.name, r.shortNames.join(','), r.apiVersion, String(r.namespaced), r.kind, ...(wide ? [[...r.verbs].sort().join(','), r.categories.join(',')] : [])]);
  }
  return out;
}

export async function runApiResources(ctx: CliContext, opts: ApiResourcesOptions): Promise<void> {
  if (opts.output !== undefined && opts.output !== 'wide' && opts.output !== 'name') {
    throw new CliError(`--output ${opts.output} is not available`);
  }
  const table = apiResourcesTable(await discoverResources(ctx), opts);
  if (opts.output === 'name') ctx.out.write(table.map((r) => r[0] + '\n').join(''));
  else ctx.out.write(new TabWriter().format(table));
}

export async function runApiVersions(ctx: CliContext): Promise<void> {
  const versions = await discoverGroupVersions(ctx);
  ctx.out.write([...versions].sort().map((v) => v + '\n').join(''));
}

export async function runVersion(program: Command, opts: { client?: boolean; output?: string }): Promise<void> {
  if (opts.output !== undefined && opts.output !== 'json' && opts.output !== 'yaml') {
    throw new CliError(`--output must be 'yaml' or 'json'`);
  }
  let server: Record<string, unknown> | undefined;
  let failure: unknown;
  let out: NodeJS.WritableStream = process.stdout;
  if (!opts.client) {
    try {
      const ctx = await cliContext(program);
      out = ctx.out;
      server = await ctx.client.discovery.version();
    } catch (err) {
      failure = err;
    }
  }
  if (opts.output === 'json') {
    out.write(JSON.stringify({ clientVersion: CLIENT_VERSION, ...(server ? { serverVersion: server } : {}) }, null, 2) + '\n');
  } else if (opts.output === 'yaml') {
    out.write(toKubectlYaml({ clientVersion: CLIENT_VERSION, ...(server ? { serverVersion: server } : {}) }));
  } else {
    out.write(`Client Version: ${CLIENT_VERSION.gitVersion}\n`);
    if (server) out.write(`Server Version: ${String(server.gitVersion)}\n`);
  }
  if (failure) throw failure;
}

export async function runClusterInfo(ctx: CliContext): Promise<void> {
  // kubectl checks the server answers before naming it.
  await ctx.client.discovery.version();
  ctx.out.write(`Kubernetes control plane is running at ${ctx.config.server}\n`);
  ctx.out.write(`\nTo further debug and diagnose cluster problems, use 'kubectl cluster-info dump'.\n`);
}
