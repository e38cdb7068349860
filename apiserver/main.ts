#!/usr/bin/env node
// Entry point of the apiserver process: parses flags, builds storage and the app, listens on
// HTTPS, bootstraps the system namespaces and stops cleanly on SIGTERM/SIGINT. No logic here.
import { readFileSync } from 'node:fs';
import { pino } from 'pino';
import { CommanderError } from 'commander';
import { buildApp } from './app.js';
import { loadKubeletTls } from './proxy/index.js';
import { loadTokenFile } from './auth/token-file.js';
import { ensureSystemNamespaces } from './bootstrap.js';
import { defaultAdvertiseAddress, ensureKubernetesService } from './kubernetes-service.js';
import { logLevel, parseOptions, type ApiserverOptions } from './options.js';
import { createEtcdStorage } from './storage/etcd.js';

async function run(options: ApiserverOptions): Promise<void> {
  const logger = pino({ level: logLevel(options.verbosity), base: { component: 'apiserver' } });
  const storage = createEtcdStorage({
    endpoints: options.etcdServers,
    caFile: options.etcdCaFile,
    certFile: options.etcdCertFile,
    keyFile: options.etcdKeyFile,
  });
  const { app, stores, services } = await buildApp({
    storage,
    logger,
    serviceClusterIPRange: options.serviceClusterIpRange,
    tokens: options.tokenAuthFile ? loadTokenFile(options.tokenAuthFile) : undefined,
    https: {
      key: readFileSync(options.tlsPrivateKeyFile),
      cert: readFileSync(options.tlsCertFile),
      ca: readFileSync(options.clientCaFile),
    },
    kubeletTls: loadKubeletTls({
      certFile: options.kubeletClientCertificate,
      keyFile: options.kubeletClientKey,
      caFile: options.kubeletCertificateAuthority,
    }),
  });
  await app.listen({ host: options.bindAddress, port: options.securePort });
  logger.info({ address: options.bindAddress, port: options.securePort, etcd: options.etcdServers }, 'apiserver serving');

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    const force = setTimeout(() => process.exit(0), 5000);
    force.unref();
    await app.close().catch(() => undefined);
    await storage.close().catch(() => undefined);
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));

  const kubernetesService = {
    clusterIP: services.range.first(),
    advertiseAddress: options.advertiseAddress ?? defaultAdvertiseAddress(options.bindAddress),
    securePort: options.securePort,
  };
  // Upstream's repair loops: free leaked service IPs/ports, keep the kubernetes endpoints current.
  const maintenance = setInterval(() => {
    services.repair().then((freed) => { if (freed) logger.info({ freed }, 'repaired service allocations'); },
      (err: unknown) => logger.warn({ err: (err as Error).message }, 'service allocation repair failed'));
    ensureKubernetesService(stores, kubernetesService).catch((err: unknown) => logger.warn({ err: (err as Error).message }, 'kubernetes service reconcile failed'));
  }, 60_000);
  maintenance.unref();
  // Bootstrap waits for etcd, however long it takes; the server answers 503 meanwhile.
  for (let delay = 500; !stopping; delay = Math.min(delay * 2, 5000)) {
    try {
      await ensureSystemNamespaces(stores);
      logger.info('system namespaces present');
      await ensureKubernetesService(stores, kubernetesService);
      logger.info({ clusterIP: kubernetesService.clusterIP, endpoint: kubernetesService.advertiseAddress }, 'kubernetes service present');
      break;
    } catch (err) {
      logger.warn({ err: (err as Error).message }, 'bootstrap of system namespaces failed; retrying');
      await new Promise((r) => setTimeout(r, delay));
    }
  }
}

let options: ApiserverOptions;
try {
  options = parseOptions(process.argv.slice(2));
} catch (err) {
  if (err instanceof CommanderError) process.exit(err.exitCode);
  process.stderr.write(`kube-apiserver: ${(err as Error).message}\n`);
  process.exit(1);
}
run(options).catch((err) => {
  process.stderr.write(`kube-apiserver: ${(err as Error).message}\n`);
  process.exit(1);
});
