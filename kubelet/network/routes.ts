// Owns the host-gw routes of a node: one route per other node's podCIDR through that node's
// InternalIP, marked with our routing protocol number so they can be told from anyone else's;
// stale ones (a node gone or moved) are removed. Must never touch a route without our protocol mark.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The rtnetlink protocol number that marks k8ts's host-gw routes (`ip route ... proto 233`). */
export const ROUTE_PROTOCOL = '233';

export interface NodeRoute {
  /** Another node's podCIDR. */
  cidr: string;
  /** That node's InternalIP. */
  via: string;
}

/** Desired routes from Node objects: every node but ourselves that has a podCIDR and an InternalIP. */
export function desiredRoutes(
  nodes: ReadonlyArray<{ metadata?: { name?: string }; spec?: { podCIDR?: string }; status?: { addresses?: Array<{ type?: string; address?: string }> } }>,
  selfName: string,
  selfIP: string,
): NodeRoute[] {
  const routes: NodeRoute[] = [];
  for (const node of nodes) {
    if (node.metadata?.name === selfName) continue;
    const cidr = node.spec?.podCIDR;
    const via = node.status?.addresses?.find((a) => a.type === 'InternalIP')?.address;
    if (!cidr || !via || via === selfIP || via.startsWith('127.')) continue;
    routes.push({ cidr, via });
  }
  return routes.sort((a, b) => a.cidr.localeCompare(b.cidr));
}

/** Our routes as the kernel has them now. */
export async function currentRoutes(): Promise<NodeRoute[]> {
  const { stdout } = await run('ip', ['-4', 'route', 'show', 'proto', ROUTE_PROTOCOL]);
  const routes: NodeRoute[] = [];
  for (const line of stdout.split('\n')) {
    const m = /^(\S+) via (\S+)/.exec(line.trim());
    if (m) routes.push({ cidr: m[1]!, via: m[2]! });
  }
  return routes;
}

/** Makes the kernel's k8ts routes exactly `want`; returns what it changed, for the log. */
export async function syncRoutes(want: NodeRoute[]): Promise<{ added: NodeRoute[]; removed: NodeRoute[] }> {
  const have = await currentRoutes();
  const key = (r: NodeRoute) => `${r.cidr} via ${r.via}`;
  const haveKeys = new Set(have.map(key));
  const wantKeys = new Set(want.map(key));
  const added = want.filter((r) => !haveKeys.has(key(r)));
  const removed = have.filter((r) => !wantKeys.has(key(r)) && !want.some((w) => w.cidr === r.cidr));
  for (const r of added) {
    await run('ip', ['route', 'replace', r.cidr, 'via', r.via, 'proto', ROUTE_PROTOCOL]);
  }
  for (const r of removed) {
    await run('ip', ['route', 'del', r.cidr, 'via', r.via, 'proto', ROUTE_PROTOCOL]).catch(() => undefined);
  }
  return { added, removed };
}
