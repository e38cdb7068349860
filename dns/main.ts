#!/usr/bin/env node
// Entry point of the cluster DNS server (k8ts's CoreDNS): flags, the client, the live cluster zone,
// the forwarder to the node's resolvers, DNS on UDP+TCP :53, /health :8080, /ready :8181 and
// /metrics :9153. No logic here beyond wiring.
import net from 'node:net';
import { Command, CommanderError, InvalidArgumentError } from 'commander';
import { pino } from 'pino';
import { Registry, collectDefaultMetrics } from 'prom-client';
import { parseGoDuration } from '../api/duration.js';
import { createClient, loadClientConfig, resolveConfig } from '../client/index.js';
import { watchClusterZone } from './cluster-zone.js';
import { healthRoutes, metricsRoutes, readyRoutes, serveHttp } from './endpoints.js';
import { createForwarder, parseUpstream, readUpstreams } from './forwarder.js';
import { startDnsServer } from './server.js';

interface DnsOptions {
  kubeconfig?: string;
  clusterDomain: string;
  bindAddress: string;
  port: number;
  healthPort: number;
  readyPort: number;
  metricsPort: number;
  resolvConf: string;
  upstream: string[];
  upstreamTimeout: number;
  ttl: number;
  v: number;
}

const int = (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError(`not a port: ${v}`);
  return n;
};
/** Only IP literals: a host name here would need DNS to find DNS. */
const collectUpstreams = (v: string, previous: string[]) => {
  const list = v.split(',').map((s) => s.trim()).filter(Boolean);
  for (const u of list) {
    const { host, port } = parseUpstream(u);
    if (!net.isIP(host) || !Number.isInteger(port) || port < 1 || port > 65535) throw new InvalidArgumentError(`not an IP[:port]: ${u}`);
  }
  return [...previous, ...list];
};
const duration = (v: string) => {
  const ms = parseGoDuration(v);
  if (ms === undefined || ms <= 0) throw new InvalidArgumentError(`invalid duration "${v}"`);
  return ms;
};

function parse(argv: string[]): DnsOptions {
  const cmd = new Command('k8ts-dns')
    .description('k8ts cluster DNS: Services and EndpointSlices as DNS records, other names forwarded')
    .option('--kubeconfig <file>', 'kubeconfig to reach the apiserver (default: in-cluster service account)')
    .option('--cluster-domain <domain>', 'the cluster domain', 'cluster.local')
    .option('--bind-address <ip>', 'address of every listener', '0.0.0.0')
    .option('--port <port>', 'DNS port (UDP and TCP)', int, 53)
    .option('--health-port <port>', 'liveness /health port (0 disables)', int, 8080)
    .option('--ready-port <port>', 'readiness /ready port (0 disables)', int, 8181)
    .option('--metrics-port <port>', 'Prometheus /metrics port (0 disables)', int, 9153)
    .option('--resolv-conf <file>', 'upstream resolvers for names outside the cluster domain', '/etc/resolv.conf')
    .option('--upstream <ip[:port]>', 'an upstream resolver, repeatable or comma-separated (instead of --resolv-conf)', collectUpstreams, [] as string[])
    .option('--upstream-timeout <duration>', 'time to wait for each upstream', duration, 2000)
    .option('--ttl <seconds>', 'TTL of the answers', (v) => Number(v), 30)
    .option('--v <level>', 'log verbosity', (v) => Number(v), 0)
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });
  cmd.parse(argv, { from: 'user' });
  return cmd.opts() as DnsOptions;
}

async function run(o: DnsOptions): Promise<void> {
  const logger = pino({ level: o.v >= 4 ? 'debug' : 'info', base: { component: 'k8ts-dns' } });
  const config = o.kubeconfig ? await loadClientConfig({ kubeconfig: o.kubeconfig }) : await resolveConfig({ program: 'k8ts-dns' });
  const client = createClient({ ...config, userAgent: 'k8ts-dns/v1.32.0-k8ts' });
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const cluster = watchClusterZone(client, { domain: o.clusterDomain, ttl: o.ttl, logger });
  const upstreams = o.upstream.length ? () => o.upstream : () => readUpstreams(o.resolvConf);
  const forwarder = createForwarder(upstreams, o.upstreamTimeout);
  const http = [
    o.healthPort ? await serveHttp(o.bindAddress, o.healthPort, healthRoutes()) : undefined,
    o.readyPort ? await serveHttp(o.bindAddress, o.readyPort, readyRoutes(() => cluster.notReady())) : undefined,
    o.metricsPort ? await serveHttp(o.bindAddress, o.metricsPort, metricsRoutes(registry)) : undefined,
  ];
  const dns = await startDnsServer({ zone: () => cluster.zone(), forwarder, address: o.bindAddress, port: o.port, logger, registry });
  logger.info({ port: dns.udpPort, domain: o.clusterDomain, upstreams: upstreams() }, 'serving DNS');
  void cluster.synced.then(() => logger.info('services and endpoint slices synced'), () => undefined);

  const shutdown = async (signal: string) => {
    logger.info({ signal }, 'shutting down');
    cluster.stop();
    await dns.close();
    await Promise.all(http.map((h) => h?.close()));
    client.close();
    process.exit(0);
  };
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));
}

try {
  run(parse(process.argv.slice(2))).catch((err: unknown) => {
    process.stderr.write(`k8ts-dns: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
} catch (err) {
  if (err instanceof CommanderError) process.exit(err.exitCode === 0 ? 0 : 1);
  throw err;
}
