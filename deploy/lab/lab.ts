// Owns the life cycle of a multi-node lab: up (network, PKI, control plane, workers with their own
// dockerd, kubelet and kube-proxy, wait until every node is Ready), down (stop every process it
// started, remove worker containers, docker dirs, namespaces, veths, the state dir) and status.
// Must never stop a process it did not start, nor remove a namespace, link or dir outside its prefix.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { createClient, loadClientConfig, type KubeObject } from '../../client/index.js';
import { applyAddons, waitForAddons } from '../addons/index.js';
import { dockerAnswers } from '../docker.js';
import { ensureImages } from '../images.js';
import { repoRoot } from '../options.js';
import { ensureProjectImage } from '../project-image.js';
import { pkiFiles } from '../pki.js';
import { errorMessage, get } from '../probe.js';
import { logFile, tailLog, type StopResult } from '../processes.js';
import { ensureLabCredentials, labKubeconfigs } from './credentials.js';
import {
  controlPlaneDaemons, ensureLabDaemon, labDaemonExited, labDaemonPid, stopLabDaemon, workerDaemons, type LabDaemon,
} from './daemons.js';
import { ensureLabNetwork, labNamespaces, netnsExists, removeLabNetwork } from './network.js';
import {
  apiserverURL, clusterDNS, controlPlaneHost, defaultLabOptions, labSystemDirs, MAX_WORKERS, rootAddress, workerHosts,
  type LabOptions, type WorkerHost,
} from './options.js';

export interface LabInfo {
  options: LabOptions;
  kubeconfig: string;
  server: string;
  controlPlane: { name: string; ip: string };
  workers: Array<{ name: string; ip: string; dockerHost: string }>;
}

interface NodeObject extends KubeObject {
  spec?: { podCIDR?: string };
  status?: { conditions?: Array<{ type: string; status: string; message?: string }> };
}

const READY_TIMEOUT_MS = 180_000;
const ADDONS_TIMEOUT_MS = 180_000;
const REQUIRED_COMMANDS = ['ip', 'nsenter', 'iptables', 'dockerd', 'docker', 'etcd'];

/** Why this machine cannot run a lab, or undefined when it can. */
export function labUnsupportedReason(): string | undefined {
  if (process.getuid?.() !== 0) return 'the lab needs root (network namespaces, dockerd, iptables)';
  const missing = REQUIRED_COMMANDS.filter((c) => spawnSync('sh', ['-c', `command -v ${c}`], { stdio: 'ignore' }).status !== 0);
  if (missing.length > 0) return `missing commands: ${missing.join(', ')} (apt-get install -y iproute2 util-linux iptables docker.io etcd-server)`;
  if (!existsSync('/bin/busybox')) return '/bin/busybox is missing (apt-get install -y busybox-static)';
  return undefined;
}

function info(options: LabOptions): LabInfo {
  const cp = controlPlaneHost(options);
  return {
    options,
    kubeconfig: labKubeconfigs(options).admin,
    server: apiserverURL(options),
    controlPlane: { name: cp.name, ip: cp.ip },
    workers: workerHosts(options).map((w) => ({ name: w.name, ip: w.ip, dockerHost: `unix://${w.dockerSocket}` })),
  };
}

function describe(result: { state: 'started' | 'running'; pid: number }): string {
  return result.state === 'started' ? `started (pid ${result.pid})` : `already running (pid ${result.pid})`;
}

function exitedError(options: LabOptions, daemon: LabDaemon, what: string): Error {
  return new Error(`${daemon.name} exited ${what}; last lines of ${logFile(options.stateDir, daemon.name)}:\n  ${tailLog(options.stateDir, daemon.name, 15).join('\n  ')}`);
}

async function waitApiserverReady(options: LabOptions, apiserver: LabDaemon): Promise<void> {
  const ca = readFileSync(pkiFiles(options.stateDir).caCert);
  const deadline = Date.now() + 60_000;
  let last = 'not checked yet';
  while (Date.now() < deadline) {
    if (labDaemonExited(options, apiserver)) throw exitedError(options, apiserver, 'before it became ready');
    try {
      const res = await get(`${apiserverURL(options)}/readyz`, { ca });
      if (res.status === 200) return;
      last = `/readyz answered ${res.status}`;
    } catch (err) {
      last = errorMessage(err);
    }
    await sleep(500);
  }
  throw new Error(`apiserver not ready on ${apiserverURL(options)} after 60 s: ${last}`);
}

async function waitDockerd(options: LabOptions, w: WorkerHost, dockerd: LabDaemon): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (!dockerAnswers(w.dockerSocket)) {
    if (labDaemonExited(options, dockerd)) throw exitedError(options, dockerd, 'during start-up');
    if (Date.now() > deadline) throw new Error(`${dockerd.name} did not answer on ${w.dockerSocket} within 60 s`);
    await sleep(250);
  }
}

async function waitNodesReady(options: LabOptions, workers: WorkerHost[], daemons: Map<string, LabDaemon>): Promise<void> {
  const client = createClient(await loadClientConfig({ kubeconfig: labKubeconfigs(options).admin }));
  const deadline = Date.now() + READY_TIMEOUT_MS;
  const waiting = new Map(workers.map((w) => [w.name, 'not registered yet']));
  try {
    while (waiting.size > 0) {
      for (const name of waiting.keys()) {
        const kubelet = daemons.get(`${name}-kubelet`)!;
        if (labDaemonExited(options, kubelet)) throw exitedError(options, kubelet, 'before its node became Ready');
      }
      const nodes = await client.resource<NodeObject>('nodes').list().catch(() => ({ items: [] as NodeObject[] }));
      for (const node of nodes.items) {
        const name = node.metadata?.name ?? '';
        if (!waiting.has(name)) continue;
        const ready = node.status?.conditions?.find((c) => c.type === 'Ready');
        if (ready?.status === 'True') {
          waiting.delete(name);
          options.log(`[lab] node ${name}: Ready (podCIDR ${node.spec?.podCIDR ?? 'none'})`);
        } else {
          waiting.set(name, ready ? `Ready=${ready.status}: ${ready.message ?? ''}` : 'no Ready condition yet');
        }
      }
      if (waiting.size === 0) break;
      if (Date.now() > deadline) {
        throw new Error(`nodes not Ready after ${READY_TIMEOUT_MS / 1000} s: ${[...waiting].map(([n, why]) => `${n} (${why})`).join(', ')}`);
      }
      await sleep(500);
    }
  } finally {
    client.close();
  }
}

export async function labUp(partial: Partial<LabOptions> = {}): Promise<LabInfo> {
  const options = defaultLabOptions(partial);
  const say = (line: string) => options.log(`[lab] ${line}`);
  if (process.getuid?.() === 0) {
    // The same host preparation the Vagrant provisioning runs: packages, forwarding.
    const setup = spawnSync('sh', [path.join(repoRoot, 'deploy', 'host-setup.sh')], { encoding: 'utf8', timeout: 600_000 });
    for (const line of `${setup.stdout}${setup.stderr}`.split('\n').filter(Boolean)) say(line);
    if (setup.status !== 0) throw new Error(`deploy/host-setup.sh failed (exit ${setup.status})`);
  }
  const unsupported = labUnsupportedReason();
  if (unsupported !== undefined) throw new Error(unsupported);

  const made = ensureLabNetwork(options);
  const cp = controlPlaneHost(options);
  const workers = workerHosts(options);
  say(`network: ${made.length === 0 ? 'present' : `made ${made.length} item(s)`}; ${options.prefix} (root) ${rootAddress(options)}, ` +
    `${cp.name} ${cp.ip}, ${workers.map((w) => `${w.name} ${w.ip}`).join(', ')} on ${options.subnet}`);

  const { files, written } = ensureLabCredentials(options, workers);
  say(`pki: ${written === 0 ? 'ok' : `wrote ${written} file(s)`} in ${files.dir}`);

  const controlPlane = controlPlaneDaemons(options, files);
  for (const daemon of controlPlane) {
    say(`${cp.name} ${daemon.name}: ${describe(ensureLabDaemon(options, daemon))}`);
    if (daemon.name === 'apiserver') {
      await waitApiserverReady(options, daemon);
      say(`${cp.name} apiserver: ready on ${apiserverURL(options)}`);
    }
  }

  const all = new Map<string, LabDaemon>();
  for (const w of workers) {
    const [dockerd, ...nodeDaemons] = workerDaemons(options, files, w);
    say(`${w.name} dockerd: ${describe(ensureLabDaemon(options, dockerd!))}`);
    await waitDockerd(options, w, dockerd!);
    const images = ensureImages({ dockerHost: `unix://${w.dockerSocket}` });
    say(`${w.name} images: ${images.length === 0 ? 'present' : `imported ${images.join(', ')}`}`);
    for (const daemon of nodeDaemons) {
      all.set(daemon.name, daemon);
      say(`${w.name} ${daemon.name.slice(w.name.length + 1)}: ${describe(ensureLabDaemon(options, daemon))}`);
    }
  }
  await waitNodesReady(options, workers, all);
  if (options.addons) await ensureAddons(options, workers, say);

  const result = info(options);
  options.log('');
  options.log(`The lab is up: ${cp.name} (control plane) and ${workers.length} worker(s). To use it:`);
  options.log(`  export KUBECONFIG=${result.kubeconfig}`);
  options.log('  kubectl get nodes -o wide');
  options.log(`Logs: ${path.join(options.stateDir, 'logs')}`);
  return result;
}

/** Cluster DNS and the ingress controller on the project image, imported into every worker's dockerd. */
async function ensureAddons(options: LabOptions, workers: WorkerHost[], say: (line: string) => void): Promise<void> {
  let image: { image: string; hash: string } | undefined;
  for (const w of workers) {
    image = await ensureProjectImage({ dockerHost: `unix://${w.dockerSocket}`, log: (line) => say(`${w.name} ${line}`) });
  }
  const client = createClient(await loadClientConfig({ kubeconfig: labKubeconfigs(options).admin }));
  try {
    await applyAddons(client, {
      image: image!.image, imageHash: image!.hash, clusterDNS: clusterDNS(options), stateDir: options.stateDir,
      // hostPorts 80/443 would be checked against the root namespace, which is not a lab node.
      hostPorts: false, nodeIP: workers.map((w) => w.ip).join(','), log: say,
    });
    say('addons: waiting until coredns and the ingress controller are available ...');
    await waitForAddons(client, ADDONS_TIMEOUT_MS);
    say(`addons: available (kube-dns ${clusterDNS(options)})`);
  } finally {
    client.close();
  }
}

/** Workers whose namespace or pid files exist, whatever --workers said when the lab came up. */
function presentWorkers(options: LabOptions): WorkerHost[] {
  return workerHosts(options, MAX_WORKERS).filter((w) => netnsExists(w.name) || existsSync(path.join(options.stateDir, 'run', `${w.name}-dockerd.pid`)));
}

const WORDS: Record<StopResult, string> = { 'not-running': 'not running', terminated: 'stopped', killed: 'killed (ignored SIGTERM)' };

/** Removes every container of a worker's own dockerd (all of them are the lab's) and the pod network. */
function removeWorkerContainers(w: WorkerHost): number {
  if (!dockerAnswers(w.dockerSocket)) return 0;
  const env = { ...process.env, DOCKER_HOST: `unix://${w.dockerSocket}` };
  const ids = spawnSync('docker', ['ps', '-aq'], { env, encoding: 'utf8' }).stdout.split('\n').filter(Boolean);
  if (ids.length > 0) spawnSync('docker', ['rm', '-f', '-v', ...ids], { env, stdio: 'ignore', timeout: 120_000 });
  spawnSync('docker', ['network', 'rm', 'k8ts'], { env, stdio: 'ignore' });
  return ids.length;
}

/** Unmounts whatever is still mounted below dir (deepest first), so rm never crosses into a mount. */
function unmountBelow(dir: string): void {
  const mounts = readFileSync('/proc/self/mounts', 'utf8').split('\n')
    .map((l) => l.split(' ')[1]?.replace(/\\040/g, ' ') ?? '')
    .filter((m) => m === dir || m.startsWith(`${dir}/`))
    .sort((a, b) => b.length - a.length);
  for (const m of mounts) spawnSync('umount', ['-l', m], { stdio: 'ignore' });
}

export async function labDown(partial: Partial<LabOptions> = {}): Promise<void> {
  const options = defaultLabOptions(partial);
  const say = (line: string) => options.log(`[lab] ${line}`);
  const files = pkiFiles(options.stateDir);
  if (existsSync(options.stateDir)) {
    // Only a dir holding nothing but what up writes is removed (a mistyped --state-dir is kept).
    const ours = new RegExp(`^(pki|etcd|logs|run|[\\w.-]+\\.kubeconfig(\\.tmp-\\d+)?|${options.prefix}-w\\d+)$`);
    const foreign = readdirSync(options.stateDir).filter((entry) => !ours.test(entry));
    if (foreign.length > 0) throw new Error(`refusing to remove ${options.stateDir}: it holds ${foreign.slice(0, 3).join(', ')} which the lab did not write`);
  }
  for (const w of presentWorkers(options)) {
    const [dockerd, kubelet, proxy] = workerDaemons(options, files, w);
    say(`${w.name} kube-proxy: ${WORDS[await stopLabDaemon(options, proxy!)]}`);
    say(`${w.name} kubelet: ${WORDS[await stopLabDaemon(options, kubelet!, 10_000)]}`);
    say(`${w.name} containers: removed ${removeWorkerContainers(w)}`);
    say(`${w.name} dockerd: ${WORDS[await stopLabDaemon(options, dockerd!)]}`);
  }
  for (const daemon of controlPlaneDaemons(options, files).reverse()) {
    say(`${controlPlaneHost(options).name} ${daemon.name}: ${WORDS[await stopLabDaemon(options, daemon)]}`);
  }
  const namespaces = removeLabNetwork(options);
  say(`network: removed ${namespaces.length === 0 ? 'nothing (no namespaces)' : namespaces.join(', ')}`);
  for (const dir of [...labSystemDirs(options), options.stateDir]) {
    if (!existsSync(dir)) continue;
    unmountBelow(dir);
    rmSync(dir, { recursive: true, force: true });
    say(`removed ${dir}`);
  }
}

export interface LabStatus {
  namespaces: string[];
  daemons: Array<{ name: string; pid?: number }>;
  nodes: Array<{ name: string; ready: string }>;
}

export async function labStatus(partial: Partial<LabOptions> = {}): Promise<LabStatus> {
  const options = defaultLabOptions(partial);
  const say = (line: string) => options.log(`[lab] ${line}`);
  const files = pkiFiles(options.stateDir);
  const namespaces = labNamespaces(options);
  say(`namespaces: ${namespaces.length === 0 ? 'none' : namespaces.join(', ')}`);
  const daemons: LabStatus['daemons'] = [];
  const list = [...controlPlaneDaemons(options, files), ...presentWorkers(options).flatMap((w) => workerDaemons(options, files, w))];
  for (const daemon of list) {
    const pid = labDaemonPid(options, daemon);
    daemons.push({ name: daemon.name, pid });
    say(`${daemon.name}: ${pid === undefined ? 'stopped' : `running (pid ${pid})`}`);
  }
  const nodes: LabStatus['nodes'] = [];
  const kubeconfig = labKubeconfigs(options).admin;
  if (existsSync(kubeconfig) && daemons.find((d) => d.name === 'apiserver')?.pid !== undefined) {
    const client = createClient(await loadClientConfig({ kubeconfig }));
    try {
      const list = await client.resource<NodeObject>('nodes').list();
      for (const node of list.items) {
        const ready = node.status?.conditions?.find((c) => c.type === 'Ready')?.status ?? 'Unknown';
        nodes.push({ name: node.metadata?.name ?? '', ready });
        say(`node ${node.metadata?.name}: Ready=${ready} podCIDR=${node.spec?.podCIDR ?? 'none'}`);
      }
    } catch (err) {
      say(`nodes: apiserver not answering (${errorMessage(err)})`);
    } finally {
      client.close();
    }
  }
  say(`kubeconfig: ${existsSync(kubeconfig) ? kubeconfig : 'none (the lab is not up)'}`);
  return { namespaces, daemons, nodes };
}
