// Owns the local cluster's etcd: reuse one that already answers on the configured port, or start
// ours (data in <state>/etcd, mTLS on 127.0.0.1, plain peer/metrics on loopback) and wait for health.
// Must never stop an etcd it did not start, and never listen on anything but loopback.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { ClusterOptions } from './options.js';
import type { PkiFiles } from './pki.js';
import { errorMessage, get, poll, tcpOpen, type TlsMaterial } from './probe.js';
import { isOurProcess, runningPid, startDaemon, stopDaemon, tailLog } from './processes.js';

const NAME = 'etcd';
const HEALTH_TIMEOUT_MS = 30_000;

export interface EtcdEndpoint {
  url: string;
  /** Client TLS material the apiserver must present; undefined for a plain-HTTP etcd we reuse. */
  tls?: { caFile: string; certFile: string; keyFile: string };
}

export interface EtcdUpResult {
  endpoint: EtcdEndpoint;
  /** started: we started it now; running: ours, already up; reused: someone else's. */
  state: 'started' | 'running' | 'reused';
  pid?: number;
}

export function etcdDataDir(options: ClusterOptions): string {
  return path.join(options.stateDir, 'etcd');
}

/** Unique to this state dir, so a pid file can never make us signal another cluster's etcd. */
function identity(options: ClusterOptions): string {
  return `--data-dir=${etcdDataDir(options)}`;
}

export function etcdPid(options: ClusterOptions): number | undefined {
  return runningPid(options.stateDir, NAME, identity(options));
}

function mtlsEndpoint(options: ClusterOptions, files: PkiFiles): EtcdEndpoint {
  return {
    url: `https://127.0.0.1:${options.etcdClientPort}`,
    tls: { caFile: files.caCert, certFile: files.cert('apiserver-etcd-client'), keyFile: files.key('apiserver-etcd-client') },
  };
}

/** Resolves to undefined when etcd at endpoint reports healthy, else to the reason it is not. */
export async function etcdUnhealthyReason(endpoint: EtcdEndpoint): Promise<string | undefined> {
  const tls: TlsMaterial = endpoint.tls
    ? { ca: readFileSync(endpoint.tls.caFile), cert: readFileSync(endpoint.tls.certFile), key: readFileSync(endpoint.tls.keyFile) }
    : {};
  try {
    const res = await get(`${endpoint.url}/health`, tls);
    let health: unknown;
    try {
      health = (JSON.parse(res.body) as { health?: unknown }).health;
    } catch {
      health = undefined;
    }
    return res.status === 200 && health === 'true' ? undefined : `/health answered ${res.status} ${res.body.trim()}`;
  } catch (err) {
    return errorMessage(err);
  }
}

/** Finds the etcd the apiserver should use on the configured port, starting ours if none answers. */
export async function ensureEtcd(options: ClusterOptions, files: PkiFiles): Promise<EtcdUpResult> {
  const ours = mtlsEndpoint(options, files);
  const pid = etcdPid(options);
  if (pid !== undefined) {
    const healthy = await poll(async () => await etcdUnhealthyReason(ours) === undefined ? true : undefined, HEALTH_TIMEOUT_MS);
    if (!healthy) throw new Error(`etcd (pid ${pid}) runs but is not healthy on ${ours.url}: ${await etcdUnhealthyReason(ours)}`);
    return { endpoint: ours, state: 'running', pid };
  }

  if (await tcpOpen('127.0.0.1', options.etcdClientPort)) {
    // Something else listens there: reuse it when it is an etcd we can talk to.
    if (await etcdUnhealthyReason(ours) === undefined) return { endpoint: ours, state: 'reused' };
    const plain: EtcdEndpoint = { url: `http://127.0.0.1:${options.etcdClientPort}` };
    if (await etcdUnhealthyReason(plain) === undefined) return { endpoint: plain, state: 'reused' };
    throw new Error(
      `port ${options.etcdClientPort} on 127.0.0.1 is in use by something that is not an etcd this cluster can use; ` +
      'stop it or choose another port with --etcd-port',
    );
  }

  const { tls } = ours;
  const started = startDaemon(options.stateDir, {
    name: NAME,
    command: 'etcd',
    args: [
      '--name=k8ts',
      `--data-dir=${etcdDataDir(options)}`,
      `--listen-client-urls=${ours.url}`,
      `--advertise-client-urls=${ours.url}`,
      `--cert-file=${files.cert('etcd/server')}`,
      `--key-file=${files.key('etcd/server')}`,
      '--client-cert-auth',
      `--trusted-ca-file=${tls!.caFile}`,
      `--listen-peer-urls=http://127.0.0.1:${options.etcdPeerPort}`,
      `--initial-advertise-peer-urls=http://127.0.0.1:${options.etcdPeerPort}`,
      `--initial-cluster=k8ts=http://127.0.0.1:${options.etcdPeerPort}`,
      `--listen-metrics-urls=http://127.0.0.1:${options.etcdMetricsPort}`,
      '--logger=zap',
    ],
    identity: identity(options),
    // Debian's etcd 3.4 refuses to start on arm64 unless told that is fine.
    env: process.arch === 'arm64' ? { ...process.env, ETCD_UNSUPPORTED_ARCH: 'arm64' } : process.env,
  });

  let lastReason: string | undefined = 'not checked yet';
  const healthy = await poll(async () => {
    if (!isOurProcess(started, identity(options))) throw exited(options, started);
    lastReason = await etcdUnhealthyReason(ours);
    return lastReason === undefined ? true : undefined;
  }, HEALTH_TIMEOUT_MS);
  if (!healthy) {
    throw new Error(`etcd (pid ${started}) did not become healthy on ${ours.url} within ${HEALTH_TIMEOUT_MS / 1000} s: ${lastReason}${logTail(options)}`);
  }
  return { endpoint: ours, state: 'started', pid: started };
}

export function stopEtcd(options: ClusterOptions) {
  return stopDaemon(options.stateDir, NAME, identity(options));
}

function exited(options: ClusterOptions, pid: number): Error {
  return new Error(`etcd (pid ${pid}) exited during startup${logTail(options)}`);
}

function logTail(options: ClusterOptions): string {
  const lines = tailLog(options.stateDir, NAME, 10);
  return lines.length === 0 ? '' : `\nlast lines of ${path.join(options.stateDir, 'logs', 'etcd.log')}:\n  ${lines.join('\n  ')}`;
}
