#!/usr/bin/env node
// Entry point of kube-scheduler: flags, client, the secure port (/healthz, /readyz, /metrics),
// leader election on the Lease kube-system/kube-scheduler, and the scheduling loop for each term of
// leadership. Losing the lease stops scheduling and makes this process a candidate again.
import { randomUUID } from 'node:crypto';
import os from 'node:os';
import { CommanderError, InvalidArgumentError } from 'commander';
import { pino } from 'pino';
import { createClient, createEventRecorder, createLeaderElector, loadClientConfig, resolveConfig, startHealthServer } from '../client/index.js';
import { SchedulerMetrics } from './metrics.js';
import { parseSchedulerFlags, type SchedulerFlags } from './options.js';
import { createScheduler, type Scheduler } from './scheduler.js';

function logLevel(verbosity: number): string {
  return verbosity >= 4 ? 'trace' : verbosity >= 3 ? 'debug' : 'info';
}

async function run(flags: SchedulerFlags): Promise<void> {
  const logger = pino({ level: logLevel(flags.verbosity), base: { component: 'kube-scheduler' } });
  const config = flags.kubeconfig ? await loadClientConfig({ kubeconfig: flags.kubeconfig }) : await resolveConfig({});
  const client = createClient({ ...config, userAgent: 'kube-scheduler/v1.32.0-k8ts' });
  const metrics = new SchedulerMetrics(true);
  const stop = new AbortController();
  const identity = `${os.hostname()}_${randomUUID()}`;
  const state: { leading: boolean; scheduler?: Scheduler } = { leading: !flags.leaderElect };

  const health = flags.securePort === 0 ? undefined : await startHealthServer({
    host: flags.bindAddress,
    port: flags.securePort,
    certFile: flags.tlsCertFile,
    keyFile: flags.tlsPrivateKeyFile,
    selfSignedName: 'kube-scheduler',
    registry: metrics.registry,
    readyChecks: {
      'sched-handler-sync': () => {
        const pending = state.leading && state.scheduler ? state.scheduler.unsynced() : [];
        return pending.length ? `informers not synced: ${pending.join(', ')}` : undefined;
      },
    },
  });
  if (health) logger.info({ address: flags.bindAddress, port: health.port }, 'serving /healthz, /readyz and /metrics');

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

  const term = async (signal: AbortSignal) => {
    const recorder = createEventRecorder({ events: client.resource('events'), component: flags.schedulerName, host: os.hostname(), logger });
    state.scheduler = createScheduler({ client, logger, recorder, metrics, schedulerName: flags.schedulerName });
    await state.scheduler.run(signal);
    recorder.shutdown();
    await recorder.flush();
  };

  if (!flags.leaderElect) {
    await term(stop.signal);
  } else {
    while (!stop.signal.aborted) {
      let running: Promise<void> | undefined;
      const elector = createLeaderElector({
        leases: client.resource('leases.coordination.k8s.io', flags.leaderElectResourceNamespace),
        namespace: flags.leaderElectResourceNamespace,
        name: flags.leaderElectResourceName,
        identity,
        leaseDurationSeconds: flags.leaderElectLeaseDurationMs / 1000,
        renewDeadlineSeconds: flags.leaderElectRenewDeadlineMs / 1000,
        retryPeriodSeconds: flags.leaderElectRetryPeriodMs / 1000,
        releaseOnCancel: true,
        signal: stop.signal,
        logger,
        onStartedLeading: (signal) => {
          state.leading = true;
          logger.info({ identity }, 'successfully acquired lease; scheduling');
          running = term(signal);
          return running;
        },
        onStoppedLeading: () => {
          state.leading = false;
          if (!stop.signal.aborted) logger.warn({ identity }, 'leaderelection lost; scheduling stopped, standing again');
        },
        onNewLeader: (leader) => {
          if (leader !== identity) logger.info({ leader }, 'new leader elected');
        },
      });
      await elector.run();
      await running;
    }
  }
  await health?.close();
  client.close();
  process.exit(0);
}

try {
  const flags = parseSchedulerFlags(process.argv.slice(2));
  run(flags).catch((err: unknown) => {
    process.stderr.write(`kube-scheduler: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
} catch (err) {
  if (err instanceof CommanderError) process.exit(err.exitCode === 0 ? 0 : 1);
  if (err instanceof InvalidArgumentError) {
    process.stderr.write(`kube-scheduler: ${err.message}\n`);
    process.exit(1);
  }
  throw err;
}
