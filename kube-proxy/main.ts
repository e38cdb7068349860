#!/usr/bin/env node
// Entry point of kube-proxy: flags, informers on Services, EndpointSlices and this Node, the syncer
// (a sync per change, rate-limited, plus a periodic one), /healthz and /metrics on :10256, and
// `--cleanup` to remove every rule it ever added. No logic here beyond wiring.
import { readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { Command, CommanderError, InvalidArgumentError } from 'commander';
import { pino } from 'pino';
import { Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { parseGoDuration } from '../api/duration.js';
import { createClient, createInformer, loadClientConfig, resolveConfig, startHealthServer } from '../client/index.js';
import { createRunner } from './iptables-runner.js';
import { servicePorts, type EndpointSliceObject, type ServiceObject } from './service-ports.js';
import { Syncer } from './syncer.js';

interface ProxyOptions {
  kubeconfig?: string;
  hostnameOverride?: string;
  clusterCidr?: string;
  minSyncPeriod: number;
  iptablesSyncPeriod: number;
  healthzBindAddress: string;
  cleanup: boolean;
  v: number;
}

function duration(value: string): number {
  const ms = parseGoDuration(value);
  if (ms === undefined) throw new InvalidArgumentError(`invalid duration "${value}"`);
  return ms;
}

function parse(argv: string[]): ProxyOptions {
  const cmd = new Command('kube-proxy')
    .description('k8ts kube-proxy: Services to iptables rules on this host')
    .option('--kubeconfig <file>', 'kubeconfig to reach the apiserver')
    .option('--hostname-override <name>', 'this node\'s name (default the hostname)')
    .option('--cluster-cidr <cidr>', 'pod CIDR: cluster IP traffic from outside it is masqueraded', '10.244.0.0/16')
    .option('--min-sync-period <duration>', 'minimum time between syncs', duration, 1000)
    .option('--iptables-sync-period <duration>', 'time between full resyncs', duration, 30_000)
    .option('--healthz-bind-address <ip:port>', 'health and metrics address (0 port disables)', '0.0.0.0:10256')
    .option('--cleanup', 'remove every rule kube-proxy added, then exit', false)
    .option('--v <level>', 'log verbosity', (v) => Number(v), 0)
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });
  cmd.parse(argv, { from: 'user' });
  return cmd.opts() as ProxyOptions;
}

async function run(o: ProxyOptions): Promise<void> {
  const logger = pino({ level: o.v >= 4 ? 'debug' : 'info', base: { component: 'kube-proxy' } });
  const nodeName = (o.hostnameOverride ?? os.hostname()).toLowerCase();
  const runner = createRunner();
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const duration = new Histogram({ name: 'kubeproxy_sync_proxy_rules_duration_seconds', help: 'SyncProxyRules latency in seconds', registers: [registry], buckets: [0.001, 0.01, 0.1, 0.5, 1, 2, 5, 10] });
  const lastSync = new Gauge({ name: 'kubeproxy_sync_proxy_rules_last_timestamp_seconds', help: 'The last time proxy rules were successfully synced', registers: [registry] });

  let services: () => ServiceObject[] = () => [];
  let slices: () => EndpointSliceObject[] = () => [];
  const syncer = new Syncer({
    runner,
    ports: () => servicePorts(services(), slices(), nodeName),
    clusterCIDR: o.clusterCidr,
    minSyncPeriodMs: o.minSyncPeriod,
    syncPeriodMs: o.iptablesSyncPeriod,
    logger,
    onSynced: (seconds, ok) => {
      duration.observe(seconds);
      if (ok) lastSync.setToCurrentTime();
    },
  });
  if (o.cleanup) {
    await syncer.cleanup();
    logger.info('removed every kube-proxy chain and jump');
    return;
  }
  try {
    const file = '/proc/sys/net/ipv4/conf/all/route_localnet';
    if (readFileSync(file, 'utf8').trim() !== '1') writeFileSync(file, '1\n');
  } catch (err) {
    logger.warn({ err: String(err) }, 'could not set route_localnet: NodePorts on 127.0.0.1 will not answer');
  }

  const config = o.kubeconfig ? await loadClientConfig({ kubeconfig: o.kubeconfig }) : await resolveConfig({});
  const client = createClient({ ...config, userAgent: 'kube-proxy/v1.32.0-k8ts' });
  const svcInformer = createInformer<ServiceObject>(client.resource('services'), { logger });
  const sliceInformer = createInformer<EndpointSliceObject>(client.resource('endpointslices.discovery.k8s.io'), { logger });
  services = () => svcInformer.store.list() as ServiceObject[];
  slices = () => sliceInformer.store.list() as EndpointSliceObject[];
  const poke = () => { if (svcInformer.hasSynced() && sliceInformer.hasSynced()) syncer.requestSync(); };
  for (const event of ['add', 'update', 'delete'] as const) {
    svcInformer.on(event as 'add', poke);
    sliceInformer.on(event as 'add', poke);
  }
  const stop = new AbortController();
  svcInformer.start(stop.signal);
  sliceInformer.start(stop.signal);

  const [host, portText] = splitHostPort(o.healthzBindAddress);
  const health = Number(portText) === 0 ? undefined : await startHealthServer({
    host, port: Number(portText), plainHttp: true, selfSignedName: 'kube-proxy', registry,
    checks: {
      'proxy-rules': () => {
        if (!syncer.healthy) return 'no successful sync yet';
        const age = Date.now() - syncer.lastSyncedAt;
        return age > 2 * o.iptablesSyncPeriod + 10_000 ? `last successful sync ${Math.round(age / 1000)} s ago` : undefined;
      },
    },
  });
  await Promise.all([svcInformer.synced, sliceInformer.synced]);
  syncer.start();
  logger.info({ node: nodeName, healthz: o.healthzBindAddress }, 'kube-proxy running');

  const shutdown = async (signal: string) => {
    logger.info({ signal }, 'shutting down; rules stay in place');
    stop.abort();
    await syncer.stop();
    await health?.close();
    client.close();
    process.exit(0);
  };
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));
}

function splitHostPort(value: string): [string, string] {
  const i = value.lastIndexOf(':');
  if (i < 0) throw new Error(`--healthz-bind-address ${value}: want ip:port`);
  return [value.slice(0, i).replace(/^\[|\]$/g, ''), value.slice(i + 1)];
}

try {
  run(parse(process.argv.slice(2))).catch((err: unknown) => {
    process.stderr.write(`kube-proxy: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
} catch (err) {
  if (err instanceof CommanderError) process.exit(err.exitCode === 0 ? 0 : 1);
  throw err;
}
