// Test support: runs a private, throwaway etcd (/usr/bin/etcd) on free loopback ports with its data
// in a fresh temp dir, for integration tests. It never touches an etcd on the default ports
// (2379/2380), never binds beyond 127.0.0.1, and kills only the process it started, by pid.

import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { existsSync, readFileSync } from 'node:fs';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './ports.js';

export const ETCD_BINARY = process.env.K8TS_TEST_ETCD ?? '/usr/bin/etcd';

/** Why etcd tests skip, or false when they can run. Pass to node:test's `skip` option. */
export function etcdSkipReason(): string | false {
  return existsSync(ETCD_BINARY) ? false : `etcd binary not found at ${ETCD_BINARY}; etcd integration tests skipped`;
}

export interface TestEtcd {
  /** The client URL, e.g. http://127.0.0.1:41234. */
  readonly endpoint: string;
  readonly dataDir: string;
  /** The pid of the etcd last started (changes after restart()). */
  readonly pid: number;
  /** Kills etcd (SIGTERM, then SIGKILL) and removes the data dir. Idempotent. */
  stop(): Promise<void>;
  /** SIGKILLs etcd at once and keeps the data dir, to simulate a crash; restart() brings it back. */
  kill(): void;
  /** Kills etcd if it runs and starts it again on the same ports and data. */
  restart(): Promise<void>;
}

/** PEM files for an etcd that serves https and requires client certificates signed by caFile. */
export interface TestEtcdTls {
  caFile: string;
  serverCertFile: string;
  serverKeyFile: string;
  /** The client identity startEtcd itself uses to probe /health. */
  clientCertFile: string;
  clientKeyFile: string;
}

export interface StartEtcdOptions {
  /** Extra etcd flags (e.g. --auto-compaction-retention). */
  extraArgs?: string[];
  /** Serve the client URL over mTLS (endpoint becomes https://...). */
  tls?: TestEtcdTls;
  /** How long to wait for etcd to serve; default 20 s. */
  startTimeoutMs?: number;
}

const LOG_TAIL_BYTES = 8192;
const live = new Set<ChildProcess>();
let exitHookInstalled = false;

/** Starts a single-member etcd on free ports of 127.0.0.1 and waits until it answers /health. */
export async function startEtcd(options: StartEtcdOptions = {}): Promise<TestEtcd> {
  installExitHook();
  const dataDir = await mkdtemp(join(tmpdir(), 'k8ts-etcd-'));
  const timeoutMs = options.startTimeoutMs ?? 20_000;
  let lastError: unknown;
  // A freed port can be taken by someone else before etcd binds it: retry with new ports.
  for (let attempt = 0; attempt < 3; attempt++) {
    const clientPort = await freePort();
    let peerPort = await freePort();
    while (peerPort === clientPort) peerPort = await freePort();
    const spec: Spec = { dataDir, clientPort, peerPort, extraArgs: options.extraArgs ?? [], timeoutMs, tls: options.tls };
    try {
      const proc = await launch(spec);
      return handle(spec, proc);
    } catch (err) {
      lastError = err;
    }
  }
  await rm(dataDir, { recursive: true, force: true });
  throw lastError;
}

interface Spec {
  dataDir: string;
  clientPort: number;
  peerPort: number;
  extraArgs: string[];
  timeoutMs: number;
  tls?: TestEtcdTls;
}

function clientUrl(spec: Spec): string {
  return `${spec.tls ? 'https' : 'http'}://127.0.0.1:${spec.clientPort}`;
}

function handle(spec: Spec, first: ChildProcess): TestEtcd {
  let proc: ChildProcess | undefined = first;
  let lastPid = first.pid ?? 0;
  let stopped = false;
  const endpoint = clientUrl(spec);
  return {
    endpoint,
    dataDir: spec.dataDir,
    get pid() {
      return lastPid;
    },
    kill() {
      if (proc) killNow(proc);
    },
    async restart() {
      if (stopped) throw new Error('test etcd was stopped');
      if (proc) await terminate(proc, 'SIGKILL');
      proc = undefined;
      proc = await launch(spec);
      lastPid = proc.pid ?? 0;
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      if (proc) await terminate(proc, 'SIGTERM');
      proc = undefined;
      await rm(spec.dataDir, { recursive: true, force: true });
    },
  };
}

async function launch(spec: Spec): Promise<ChildProcess> {
  const client = clientUrl(spec);
  const peer = `http://127.0.0.1:${spec.peerPort}`;
  const args = [
    '--name', 'k8ts-test',
    '--data-dir', spec.dataDir,
    '--listen-client-urls', client,
    '--advertise-client-urls', client,
    '--listen-peer-urls', peer,
    '--initial-advertise-peer-urls', peer,
    '--initial-cluster', `k8ts-test=${peer}`,
    '--initial-cluster-state', 'new',
    '--logger', 'zap',
    '--log-outputs', 'stderr',
    '--log-level', 'warn',
    ...(spec.tls
      ? [
          '--cert-file', spec.tls.serverCertFile,
          '--key-file', spec.tls.serverKeyFile,
          '--trusted-ca-file', spec.tls.caFile,
          '--client-cert-auth',
        ]
      : []),
    ...spec.extraArgs,
  ];
  const proc = spawn(ETCD_BINARY, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  live.add(proc);
  let tail = '';
  const keep = (chunk: Buffer) => {
    tail = (tail + chunk.toString('utf8')).slice(-LOG_TAIL_BYTES);
  };
  proc.stdout?.on('data', keep);
  proc.stderr?.on('data', keep);
  let exited: string | undefined;
  proc.once('exit', (code, signal) => {
    live.delete(proc);
    exited = `etcd exited (code ${code}, signal ${signal})`;
  });
  proc.once('error', (err) => {
    exited = `etcd failed to start: ${err.message}`;
  });

  const deadline = Date.now() + spec.timeoutMs;
  let delay = 20;
  for (;;) {
    if (exited !== undefined) throw new Error(`${exited}\n${tail}`);
    if (await healthy(client, spec.tls)) return proc;
    if (Date.now() > deadline) {
      await terminate(proc, 'SIGKILL');
      throw new Error(`etcd did not become healthy on ${client} within ${spec.timeoutMs} ms\n${tail}`);
    }
    await new Promise((resolve) => setTimeout(resolve, delay));
    delay = Math.min(delay * 2, 200);
  }
}

/** One GET /health on the client URL; true when etcd reports itself healthy. */
function healthy(base: string, tls: TestEtcdTls | undefined): Promise<boolean> {
  return new Promise((resolve) => {
    const onResponse = (res: IncomingMessage) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve(res.statusCode === 200 && /"health"\s*:\s*"true"/.test(body)));
      res.on('error', () => resolve(false));
    };
    const req = tls
      ? httpsRequest(
          `${base}/health`,
          {
            timeout: 1000,
            ca: readFileSync(tls.caFile),
            cert: readFileSync(tls.clientCertFile),
            key: readFileSync(tls.clientKeyFile),
          },
          onResponse,
        )
      : httpRequest(`${base}/health`, { timeout: 1000 }, onResponse);
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(false));
    req.end();
  });
}

function killNow(proc: ChildProcess): void {
  if (proc.exitCode === null && proc.signalCode === null && proc.pid !== undefined) {
    try {
      process.kill(proc.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}

/** Sends signal to the pid and waits for exit; escalates to SIGKILL after 5 s. */
async function terminate(proc: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (proc.exitCode !== null || proc.signalCode !== null || proc.pid === undefined) return;
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  try {
    process.kill(proc.pid, signal);
  } catch {
    return;
  }
  const timer = setTimeout(() => killNow(proc), 5000);
  await exited;
  clearTimeout(timer);
}

/** If the test process dies without stop(), do not leave an etcd behind. */
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const proc of live) killNow(proc);
  });
}
