#!/usr/bin/env node
// Entry point of kube-controller-manager: flags, client, the secure port (/healthz, /readyz,
// /metrics), leader election on kube-system/kube-controller-manager, and the controllers of
// registry.ts for each term of leadership. Losing the lease stops the controllers and makes this
// process a candidate again (upstream exits and is restarted by its supervisor; we have none).
import { randomUUID } from 'node:crypto';
import os from 'node:os';
import { CommanderError } from 'commander';
import { pino, type Logger } from 'pino';
import { Registry, collectDefaultMetrics } from 'prom-client';
import {
  createClient, createEventRecorder, createLeaderElector, loadClientConfig, resolveConfig, startHealthServer,
  type Client, type EventRecorder,
} from '../client/index.js';
import type { ControllerContext } from './context.js';
import { parseFlags } from './flags.js';
import { createInformerFactory } from './informer-factory.js';
import { controllerEnabled, type ControllerManagerOptions } from './options.js';
import { CONTROLLERS } from './registry.js';

function logLevel(verbosity: number): string {
  return verbosity >= 4 ? 'trace' : verbosity >= 3 ? 'debug' : 'info';
}

/** Runs every enabled controller until `signal` aborts; resolves once they have all stopped. */
async function runControllers(client: Client, options: ControllerManagerOptions, logger: Logger, signal: AbortSignal, state: { unsynced: () => string[] }): Promise<void> {
  const informers = createInformerFactory(client, logger);
  state.unsynced = () => informers.unsynced();
  const recorders = new Map<string, EventRecorder>();
  const ctx: ControllerContext = {
    client,
    informers,
    logger,
    options,
    signal,
    recorder(component) {
      let recorder = recorders.get(component);
      if (!recorder) {
        recorder = createEventRecorder({ events: client.resource('events'), component, host: os.hostname(), logger });
        recorders.set(component, recorder);
      }
      return recorder;
    },
  };
  const enabled = CONTROLLERS.filter((c) => controllerEnabled(c.name, options.controllers, c.disabledByDefault));
  logger.info({ controllers: enabled.map((c) => c.name) }, 'starting controllers');
  const running = enabled.map((c) => c.start(ctx).catch((err: unknown) => {
    logger.error({ controller: c.name, err: err instanceof Error ? err.stack : String(err) }, 'controller stopped with an error');
  }));
  informers.start(signal);
  await Promise.all(running);
  for (const recorder of recorders.values()) recorder.shutdown();
  await Promise.all([...recorders.values()].map((r) => r.flush()));
}

async function run(options: ControllerManagerOptions): Promise<void> {
  const logger = pino({ level: logLevel(options.verbosity), base: { component: 'kube-controller-manager' } });
  const config = options.kubeconfig ? await loadClientConfig({ kubeconfig: options.kubeconfig }) : await resolveConfig({});
  const client = createClient({ ...config, userAgent: 'kube-controller-manager/v1.32.0-k8ts' });
  const stop = new AbortController();
  const state = { leading: !options.leaderElect, unsynced: (): string[] => [] };

  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const health = options.securePort === 0 ? undefined : await startHealthServer({
    host: options.bindAddress,
    port: options.securePort,
    certFile: options.tlsCertFile,
    keyFile: options.tlsPrivateKeyFile,
    selfSignedName: 'kube-controller-manager',
    registry,
    readyChecks: {
      'informer-sync': () => {
        const pending = state.leading ? state.unsynced() : [];
        return pending.length === 0 ? undefined : `informers not synced: ${pending.join(', ')}`;
      },
    },
  });
  if (health) logger.info({ address: options.bindAddress, port: health.port }, 'serving /healthz and /metrics');

  let stopping = false;
  const onSignal = (sig: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal: sig }, 'shutting down');
    stop.abort();
    setTimeout(() => process.exit(0), 10_000).unref();
  };
  process.on('SIGTERM', () => onSignal('SIGTERM'));
  process.on('SIGINT', () => onSignal('SIGINT'));

  if (!options.leaderElect) {
    await runControllers(client, options, logger, stop.signal, state);
  } else {
    const identity = `${os.hostname()}_${randomUUID()}`;
    while (!stop.signal.aborted) {
      let term: Promise<void> | undefined;
      const elector = createLeaderElector({
        leases: client.resource('leases.coordination.k8s.io', 'kube-system'),
        namespace: 'kube-system',
        name: 'kube-controller-manager',
        identity,
        leaseDurationSeconds: options.leaderElectLeaseDurationMs / 1000,
        renewDeadlineSeconds: options.leaderElectRenewDeadlineMs / 1000,
        retryPeriodSeconds: options.leaderElectRetryPeriodMs / 1000,
        releaseOnCancel: true,
        signal: stop.signal,
        logger,
        onStartedLeading: (signal) => {
          state.leading = true;
          logger.info({ identity }, 'became leader; starting controllers');
          term = runControllers(client, options, logger, signal, state);
          return term;
        },
        onStoppedLeading: () => {
          state.leading = false;
          if (!stop.signal.aborted) logger.warn({ identity }, 'leaderelection lost; controllers stopped, standing again');
        },
        onNewLeader: (leader) => { if (leader !== identity) logger.info({ leader }, 'new leader elected'); },
      });
      await elector.run();
      // The elector does not wait for the term's controllers; the next term must not overlap them.
      await term;
    }
  }
  await health?.close();
  client.close();
  process.exit(0);
}

try {
  const options = parseFlags(process.argv.slice(2));
  run(options).catch((err: unknown) => {
    process.stderr.write(`kube-controller-manager: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
} catch (err) {
  if (err instanceof CommanderError) process.exit(err.exitCode === 0 ? 0 : 1);
  throw err;
}
