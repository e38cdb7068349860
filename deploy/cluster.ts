// Owns the life cycle of a local cluster in one state dir: up (PKI, etcd, apiserver, kubeconfigs),
// down (stop what we started, keep state), reset (down + remove state) and status.
// Must never stop processes it did not start, nor delete a directory that is not a k8ts state dir.
import { existsSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import {
  apiserverPid, ensureApiserver, ensureTokenFile, readAdminToken, readyzProblem, serverURL, stopApiserver, waitReady,
} from './apiserver.js';
import { ensureEtcd, etcdPid, etcdUnhealthyReason, stopEtcd } from './etcd.js';
import { writeKubeconfigs } from './kubeconfig.js';
import { defaultClusterOptions, type ClusterOptions } from './options.js';
import { ensurePki, pkiFiles } from './pki.js';
import type { StopResult } from './processes.js';
import { startNodeDaemons, stopNodeDaemons, nodeDaemonsStatus, removeNodeState } from './node-up.js';

export { defaultClusterOptions, type ClusterOptions } from './options.js';

export interface UpResult {
  stateDir: string;
  kubeconfig: string;
  server: string;
  caFile: string;
  adminCertFile: string;
  adminKeyFile: string;
  token: string;
  apiserverPid: number;
  /** undefined when an etcd that k8ts did not start is reused. */
  etcdPid?: number;
}

const say = (options: ClusterOptions, line: string) => options.log(`[k8ts] ${line}`);

export async function up(partial: Partial<ClusterOptions> = {}): Promise<UpResult> {
  const options = defaultClusterOptions(partial);
  const { files, host, written } = ensurePki(options.stateDir);
  say(options, written.length === 0 ? 'pki: ok' : `pki: ok (wrote ${written.length} files in ${files.dir})`);
  ensureTokenFile(files);

  const etcd = await ensureEtcd(options, files);
  const etcdWords = {
    started: `started (pid ${etcd.pid})`,
    running: `already running (pid ${etcd.pid})`,
    reused: 'reusing the etcd already serving',
  };
  say(options, `etcd: ${etcdWords[etcd.state]} on ${etcd.endpoint.url}`);

  const apiserver = await ensureApiserver(options, files, etcd.endpoint);
  const server = serverURL(options);
  say(options, apiserver.state === 'started'
    ? `apiserver: started (pid ${apiserver.pid}) on ${server}`
    : `apiserver: already running (pid ${apiserver.pid})`);
  say(options, 'apiserver: waiting for /readyz ...');
  await waitReady(options, files, apiserver.pid);
  say(options, 'apiserver: ready');

  const kubeconfigs = writeKubeconfigs(options.stateDir, files, server, host.hostname);
  say(options, `kubeconfig: ${kubeconfigs.admin}`);
  if (options.nodeDaemons) await startNodeDaemons(options, files, kubeconfigs.admin);

  const inCwd = path.resolve(process.cwd(), '.k8ts') === options.stateDir;
  const kubeconfigShown = inCwd ? '$PWD/.k8ts/admin.kubeconfig' : kubeconfigs.admin;
  const stopHint = inCwd ? 'npm stop' : `npm stop -- --state-dir ${options.stateDir}`;
  options.log('');
  options.log('The cluster is up. To use it:');
  options.log(`  export KUBECONFIG=${kubeconfigShown}`);
  options.log(options.nodeDaemons ? '  kubectl get nodes\n  kubectl run hello --image=busybox --image-pull-policy=IfNotPresent --restart=Never -- echo hello\n  kubectl logs hello' : '  kubectl get namespaces');
  options.log(`Logs: ${path.join(options.stateDir, 'logs')}`);
  options.log(`Stop it with: ${stopHint}`);

  const token = readAdminToken(files);
  if (token === undefined) throw new Error(`${files.tokens} holds no token`);
  return {
    stateDir: options.stateDir,
    kubeconfig: kubeconfigs.admin,
    server,
    caFile: files.caCert,
    adminCertFile: files.cert('admin'),
    adminKeyFile: files.key('admin'),
    token,
    apiserverPid: apiserver.pid,
    etcdPid: etcd.pid,
  };
}

export async function down(partial: Partial<ClusterOptions> = {}): Promise<void> {
  const options = defaultClusterOptions(partial);
  const files = pkiFiles(options.stateDir);
  const words: Record<StopResult, string> = {
    'not-running': 'not running',
    terminated: 'stopped',
    killed: 'killed (did not stop within 10 s of SIGTERM)',
  };
  if (options.nodeDaemons) await stopNodeDaemons(options, words);
  // The apiserver next, so it never sees its etcd vanish while serving.
  say(options, `apiserver: ${words[await stopApiserver(options, files)]}`);
  say(options, `etcd: ${words[await stopEtcd(options)]}`);
}

/** What a state dir of ours may contain; reset refuses to delete anything else. */
const STATE_ENTRIES = /^(pki|etcd|logs|run|kubelet|manifests|bench|lab|[\w.-]+\.kubeconfig(\.tmp-\d+)?)$/;

export async function reset(partial: Partial<ClusterOptions> = {}): Promise<void> {
  const options = defaultClusterOptions(partial);
  await down(options);
  if (options.nodeDaemons) await removeNodeState(options);
  if (!existsSync(options.stateDir)) {
    say(options, `state: ${options.stateDir} does not exist`);
    return;
  }
  const foreign = readdirSync(options.stateDir).filter((entry) => !STATE_ENTRIES.test(entry));
  if (foreign.length > 0) {
    throw new Error(`refusing to remove ${options.stateDir}: it holds ${foreign.slice(0, 3).join(', ')} which k8ts did not write`);
  }
  rmSync(options.stateDir, { recursive: true, force: true });
  say(options, `state: removed ${options.stateDir}`);
}

export interface StatusResult {
  etcd: { pid?: number; healthy: boolean };
  apiserver: { pid?: number; ready: boolean };
}

export async function status(partial: Partial<ClusterOptions> = {}): Promise<StatusResult> {
  const options = defaultClusterOptions(partial);
  const files = pkiFiles(options.stateDir);
  const havePki = existsSync(files.caCert);

  const etcdRunning = etcdPid(options);
  const etcdUrl = `https://127.0.0.1:${options.etcdClientPort}`;
  const etcdProblem = havePki
    ? await etcdUnhealthyReason({
      url: etcdUrl,
      tls: { caFile: files.caCert, certFile: files.cert('apiserver-etcd-client'), keyFile: files.key('apiserver-etcd-client') },
    })
    : 'no PKI yet';
  say(options, `etcd: ${etcdRunning !== undefined ? `running (pid ${etcdRunning})` : 'stopped'}, ` +
    `${etcdProblem === undefined ? `healthy on ${etcdUrl}` : `not healthy on ${etcdUrl} (${etcdProblem})`}`);

  const apiRunning = apiserverPid(options, files);
  const readyProblem = havePki ? await readyzProblem(options, files) : 'no PKI yet';
  say(options, `apiserver: ${apiRunning !== undefined ? `running (pid ${apiRunning})` : 'stopped'}, ` +
    `/readyz ${readyProblem === undefined ? 'ok' : `not answering (${readyProblem})`} on ${serverURL(options)}`);
  if (options.nodeDaemons) nodeDaemonsStatus(options, files);
  say(options, `state: ${options.stateDir}${existsSync(options.stateDir) ? '' : ' (does not exist)'}`);
  return {
    etcd: { pid: etcdRunning, healthy: etcdProblem === undefined },
    apiserver: { pid: apiRunning, ready: readyProblem === undefined },
  };
}
