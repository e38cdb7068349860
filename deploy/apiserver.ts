// Owns the local cluster's apiserver process: its static token file, its command line (the
// kube-apiserver flag names), starting it detached, waiting for /readyz, and stopping it.
// Must never skip TLS verification when probing, and never signal an apiserver it did not start.
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import type { EtcdEndpoint } from './etcd.js';
import { repoRoot, type ClusterOptions } from './options.js';
import { DEFAULT_SERVICE_CLUSTER_IP_RANGE, type PkiFiles } from './pki.js';
import { errorMessage, get, poll, tcpOpen } from './probe.js';
import { isOurProcess, logFile, runningPid, startDaemon, stopDaemon, tailLog } from './processes.js';

const NAME = 'apiserver';
export const READY_TIMEOUT_MS = 60_000;
export const apiserverProgram = path.join(repoRoot, 'dist', 'apiserver', 'main.js');

export const ADMIN_TOKEN_USER = 'kubernetes-admin';

/** Unique to this state dir, so a pid file can never make us signal another cluster's apiserver. */
function identity(files: PkiFiles): string {
  return `--token-auth-file=${files.tokens}`;
}

export function apiserverPid(options: ClusterOptions, files: PkiFiles): number | undefined {
  return runningPid(options.stateDir, NAME, identity(files));
}

/** The address clients on this host use: loopback unless the apiserver binds one address only. */
export function serverURL(options: ClusterOptions): string {
  const wildcard = ['0.0.0.0', '::', ''].includes(options.bindAddress);
  const host = wildcard ? '127.0.0.1' : options.bindAddress;
  return `https://${host.includes(':') ? `[${host}]` : host}:${options.apiserverPort}`;
}

/** Writes the static token file (token,user,uid,"groups") with one admin token unless it exists. */
export function ensureTokenFile(files: PkiFiles): void {
  if (existsSync(files.tokens) && readAdminToken(files) !== undefined) return;
  const token = randomBytes(24).toString('hex');
  const tmp = `${files.tokens}.tmp-${process.pid}`;
  writeFileSync(tmp, `${token},${ADMIN_TOKEN_USER},${ADMIN_TOKEN_USER},"system:masters"\n`, { mode: 0o600 });
  renameSync(tmp, files.tokens);
}

export function readAdminToken(files: PkiFiles): string | undefined {
  try {
    const first = readFileSync(files.tokens, 'utf8').split('\n')[0]?.split(',')[0]?.trim();
    return first ? first : undefined;
  } catch {
    return undefined;
  }
}

export function apiserverArgs(options: ClusterOptions, files: PkiFiles, etcd: EtcdEndpoint): string[] {
  const args = [
    apiserverProgram,
    `--etcd-servers=${etcd.url}`,
    ...(etcd.tls
      ? [`--etcd-cafile=${etcd.tls.caFile}`, `--etcd-certfile=${etcd.tls.certFile}`, `--etcd-keyfile=${etcd.tls.keyFile}`]
      : []),
    `--bind-address=${options.bindAddress}`,
    `--secure-port=${options.apiserverPort}`,
    `--tls-cert-file=${files.cert('apiserver')}`,
    `--tls-private-key-file=${files.key('apiserver')}`,
    `--client-ca-file=${files.caCert}`,
    identity(files),
    `--service-cluster-ip-range=${DEFAULT_SERVICE_CLUSTER_IP_RANGE}`,
    `--kubelet-client-certificate=${files.cert('apiserver-kubelet-client')}`,
    `--kubelet-client-key=${files.key('apiserver-kubelet-client')}`,
    `--kubelet-certificate-authority=${files.caCert}`,
    '--v=2',
  ];
  return args;
}

/** Resolves to undefined when /readyz answers 200, else to what it answered instead. */
export async function readyzProblem(options: ClusterOptions, files: PkiFiles): Promise<string | undefined> {
  try {
    const res = await get(`${serverURL(options)}/readyz`, { ca: readFileSync(files.caCert) });
    return res.status === 200 ? undefined : `/readyz answered ${res.status}: ${res.body.trim().split('\n').slice(-3).join(' ')}`;
  } catch (err) {
    return errorMessage(err);
  }
}

export interface ApiserverUpResult {
  state: 'started' | 'running';
  pid: number;
}

/** Starts the apiserver unless ours already runs; does not wait for it (see waitReady). */
export async function ensureApiserver(options: ClusterOptions, files: PkiFiles, etcd: EtcdEndpoint): Promise<ApiserverUpResult> {
  const running = apiserverPid(options, files);
  if (running !== undefined) return { state: 'running', pid: running };
  if (!existsSync(apiserverProgram)) {
    throw new Error(`${path.relative(process.cwd(), apiserverProgram) || apiserverProgram} is missing: run npm run build`);
  }
  if (await tcpOpen('127.0.0.1', options.apiserverPort)) {
    throw new Error(`port ${options.apiserverPort} is already in use; stop what listens there or choose another with --apiserver-port`);
  }
  const pid = startDaemon(options.stateDir, {
    name: NAME,
    command: process.execPath,
    args: apiserverArgs(options, files, etcd),
    identity: identity(files),
    cwd: repoRoot,
  });
  return { state: 'started', pid };
}

/** Polls /readyz until it answers 200; fails early if the process exits, with its log's last lines. */
export async function waitReady(options: ClusterOptions, files: PkiFiles, pid: number): Promise<void> {
  let last: string | undefined = 'not checked yet';
  const ready = await poll(async () => {
    if (!isOurProcess(pid, identity(files))) {
      throw new Error(`apiserver (pid ${pid}) exited before it became ready${logTail(options)}`);
    }
    last = await readyzProblem(options, files);
    return last === undefined ? true : undefined;
  }, READY_TIMEOUT_MS, 500);
  if (!ready) {
    throw new Error(`apiserver (pid ${pid}) not ready on ${serverURL(options)}/readyz after ${READY_TIMEOUT_MS / 1000} s: ${last}${logTail(options)}`);
  }
}

export function stopApiserver(options: ClusterOptions, files: PkiFiles) {
  return stopDaemon(options.stateDir, NAME, identity(files));
}

function logTail(options: ClusterOptions): string {
  const lines = tailLog(options.stateDir, NAME, 15);
  return lines.length === 0
    ? ` (its log ${logFile(options.stateDir, NAME)} is empty)`
    : `\nlast lines of ${logFile(options.stateDir, NAME)}:\n  ${lines.join('\n  ')}`;
}
