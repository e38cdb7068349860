#!/usr/bin/env node
// Entry point of the k8ts ingress controller: flags, the client, the control loop (informers ->
// routing table -> proxy), the HTTP/HTTPS listeners, and /healthz, /readyz, /metrics on :10254 as
// ingress-nginx. SIGTERM stops accepting, lets requests in flight finish, then exits. Only wiring here.
import { Command, CommanderError, InvalidArgumentError } from 'commander';
import { pino } from 'pino';
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { createClient, loadClientConfig, resolveConfig, selfSignedCertificate, startHealthServer } from '../client/index.js';
import { startIngressController } from './controller.js';
import { IngressProxy } from './proxy.js';
import { buildRoutingTable } from './routing.js';

interface IngressOptions {
  kubeconfig?: string;
  controllerClass: string;
  bindAddress: string;
  httpPort: number;
  httpsPort: number;
  healthzPort: number;
  publishStatusAddress?: string;
  v: number;
}

const port = (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError(`not a port: ${v}`);
  return n;
};

function parse(argv: string[]): IngressOptions {
  const cmd = new Command('k8ts-ingress')
    .description('k8ts ingress controller: routes HTTP(S) by host and path to Service endpoints')
    .option('--kubeconfig <file>', 'kubeconfig to reach the apiserver (default: in-cluster service account)')
    .option('--controller-class <name>', 'spec.controller of the IngressClasses served', 'k8ts.io/ingress-controller')
    .option('--bind-address <ip>', 'address of the HTTP and HTTPS listeners', '0.0.0.0')
    .option('--http-port <port>', 'HTTP port', port, 80)
    .option('--https-port <port>', 'HTTPS port', port, 443)
    .option('--healthz-port <port>', 'health and metrics port (0 disables)', port, 10254)
    .option('--publish-status-address <ip>', 'address written to status.loadBalancer.ingress of served Ingresses')
    .option('--v <level>', 'log verbosity', (v) => Number(v), 0)
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });
  cmd.parse(argv, { from: 'user' });
  return cmd.opts() as IngressOptions;
}

async function run(o: IngressOptions): Promise<void> {
  const logger = pino({ level: o.v >= 4 ? 'debug' : 'info', base: { component: 'k8ts-ingress' } });
  const config = o.kubeconfig ? await loadClientConfig({ kubeconfig: o.kubeconfig }) : await resolveConfig({ program: 'k8ts-ingress' });
  const client = createClient({ ...config, userAgent: 'k8ts-ingress/v1.32.0-k8ts' });
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const requests = new Counter({ name: 'nginx_ingress_controller_requests', help: 'The total number of client requests', labelNames: ['ingress', 'namespace', 'status', 'scheme'], registers: [registry] });
  const duration = new Histogram({ name: 'nginx_ingress_controller_request_duration_seconds', help: 'The request processing time in seconds', labelNames: ['ingress', 'namespace'], registers: [registry] });
  const reloads = new Counter({ name: 'nginx_ingress_controller_success', help: 'Cumulative number of routing table reloads', registers: [registry] });

  const proxy = new IngressProxy({
    logger,
    defaultCertificate: selfSignedCertificate('Kubernetes Ingress Controller Fake Certificate'),
    onRequest: ({ ingress, status, seconds, scheme }) => {
      const [namespace = '', name = ''] = (ingress ?? '').split('/');
      requests.inc({ ingress: name, namespace, status: String(status), scheme });
      duration.observe({ ingress: name, namespace }, seconds);
    },
  }, buildRoutingTable({ ingresses: [], classes: [], services: [], slices: [], secrets: [], controller: o.controllerClass }));
  const controller = startIngressController({
    client, controller: o.controllerClass, publishAddress: o.publishStatusAddress, logger,
    onTable: (table) => {
      proxy.setTable(table);
      reloads.inc();
      logger.debug({ ingresses: table.ingresses.length }, 'routing table swapped');
    },
  });
  const listeners = await proxy.listen(o.bindAddress, o.httpPort, o.httpsPort);
  const health = o.healthzPort === 0 ? undefined : await startHealthServer({
    host: o.bindAddress, port: o.healthzPort, plainHttp: true, selfSignedName: 'k8ts-ingress', registry,
    readyChecks: { 'informer-sync': () => { const waiting = controller.notSynced(); return waiting.length ? `not synced: ${waiting.join(', ')}` : undefined; } },
  });
  logger.info({ http: listeners.httpPort, https: listeners.httpsPort, controller: o.controllerClass, publish: o.publishStatusAddress }, 'ingress controller listening');

  const shutdown = async (signal: string) => {
    logger.info({ signal }, 'shutting down: draining connections');
    controller.stop();
    await listeners.close(10_000);
    await health?.close();
    client.close();
    process.exit(0);
  };
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));
}

try {
  run(parse(process.argv.slice(2))).catch((err: unknown) => {
    process.stderr.write(`k8ts-ingress: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
} catch (err) {
  if (err instanceof CommanderError) process.exit(err.exitCode === 0 ? 0 : 1);
  throw err;
}
