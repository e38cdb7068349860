// Owns the node half of `npm start/stop/reset/status`: Docker and the local images, the host's
// unreachable routes, the controller-manager, scheduler, kubelet (and kube-proxy) processes, and
// waiting until the node reports Ready. Reset removes what the node daemons left on the host.
// Must never remove containers, routes or chains that are not marked as this project's.
import { setTimeout as sleep } from 'node:timers/promises';
import { createClient, loadClientConfig, NotFoundError, type KubeObject } from '../client/index.js';
import { ensureDockerd, stopDockerd } from './docker.js';
import { ensureClusterRoutes, removeClusterRoutes, removeHostGatewayRoutes, removeNodeContainers, removeProjectChains } from './host-network.js';
import { applyAddons, waitForAddons } from './addons/index.js';
import { ensureImages } from './images.js';
import { CLUSTER_DNS, ensureNodeDaemon, localNodeName, nodeDaemonPid, nodeDaemons, stopNodeDaemon } from './node-daemons.js';
import { ensureProjectImage } from './project-image.js';
import type { ClusterOptions } from './options.js';
import { hostIdentity, pkiFiles, type PkiFiles } from './pki.js';
import { logFile, tailLog, type StopResult } from './processes.js';

interface NodeObject extends KubeObject {
  status?: { conditions?: Array<{ type: string; status: string; message?: string }> };
}

const NODE_READY_TIMEOUT_MS = 120_000;
const ADDONS_TIMEOUT_MS = 180_000;
const say = (options: ClusterOptions, line: string) => options.log(`[k8ts] ${line}`);

export async function startNodeDaemons(options: ClusterOptions, files: PkiFiles, adminKubeconfig: string): Promise<void> {
  if (process.getuid?.() !== 0) {
    throw new Error('the kubelet needs root (Docker, iptables, routes): run npm start as root');
  }
  const docker = await ensureDockerd(options.stateDir);
  say(options, `docker: ${docker.state === 'reused' ? `reusing the engine on ${docker.socket}` : `${docker.state} (pid ${docker.pid})`}`);
  const images = ensureImages();
  say(options, `images: ${images.length === 0 ? 'busybox:latest and the pause image present' : `imported ${images.join(', ')}`}`);
  const routes = ensureClusterRoutes(hostIdentity().ipv4Addresses[0] ?? '127.0.0.1');
  say(options, `routes: ${routes.length === 0 ? 'service and pod CIDR routes present' : routes.join(', ')}`);
  for (const daemon of nodeDaemons(options, files)) {
    const result = ensureNodeDaemon(options, daemon);
    say(options, `${daemon.name}: ${result.state === 'started' ? 'started' : 'already running'} (pid ${result.pid})`);
  }
  await waitNodeReady(options, files, adminKubeconfig);
  await startAddons(options, adminKubeconfig);
}

/** The project image, then cluster DNS and the ingress controller, once kube-proxy serves 10.96.0.1. */
async function startAddons(options: ClusterOptions, kubeconfig: string): Promise<void> {
  const image = await ensureProjectImage({ log: (line) => say(options, line) });
  if (image.state !== 'built') say(options, `image ${image.image}: present`);
  const client = createClient(await loadClientConfig({ kubeconfig }));
  try {
    await applyAddons(client, {
      image: image.image, imageHash: image.hash, clusterDNS: CLUSTER_DNS,
      nodeIP: hostIdentity().ipv4Addresses[0], stateDir: options.stateDir, log: (line) => say(options, line),
    });
    say(options, 'addons: waiting until cluster DNS and the ingress controller are available ...');
    await waitForAddons(client, ADDONS_TIMEOUT_MS);
    say(options, 'addons: available');
  } finally {
    client.close();
  }
}

async function waitNodeReady(options: ClusterOptions, files: PkiFiles, kubeconfig: string): Promise<void> {
  const name = localNodeName();
  say(options, `node ${name}: waiting until Ready ...`);
  const client = createClient(await loadClientConfig({ kubeconfig }));
  const kubelet = nodeDaemons(options, files).find((d) => d.name === 'kubelet')!;
  const deadline = Date.now() + NODE_READY_TIMEOUT_MS;
  let last = 'not registered yet';
  try {
    while (Date.now() < deadline) {
      if (nodeDaemonPid(options, kubelet) === undefined) {
        throw new Error(`the kubelet exited; last lines of ${logFile(options.stateDir, 'kubelet')}:\n  ${tailLog(options.stateDir, 'kubelet', 15).join('\n  ')}`);
      }
      try {
        const node = await client.resource<NodeObject>('nodes').get(name);
        const ready = node.status?.conditions?.find((c) => c.type === 'Ready');
        if (ready?.status === 'True') {
          say(options, `node ${name}: Ready`);
          return;
        }
        last = ready ? `Ready=${ready.status}: ${ready.message ?? ''}` : 'no Ready condition yet';
      } catch (err) {
        if (!(err instanceof NotFoundError)) last = err instanceof Error ? err.message : String(err);
      }
      await sleep(500);
    }
  } finally {
    client.close();
  }
  throw new Error(`node ${name} not Ready after ${NODE_READY_TIMEOUT_MS / 1000} s (${last}); see ${logFile(options.stateDir, 'kubelet')}`);
}

export async function stopNodeDaemons(options: ClusterOptions, words: Record<StopResult, string>): Promise<void> {
  for (const daemon of nodeDaemons(options, pkiFiles(options.stateDir)).reverse()) {
    say(options, `${daemon.name}: ${words[await stopNodeDaemon(options, daemon)]}`);
  }
}

export function nodeDaemonsStatus(options: ClusterOptions, files: PkiFiles): void {
  for (const daemon of nodeDaemons(options, files)) {
    const pid = nodeDaemonPid(options, daemon);
    say(options, `${daemon.name}: ${pid !== undefined ? `running (pid ${pid})` : 'stopped'}`);
  }
}

/** After down: pod containers, pod network, host-gw and unreachable routes, iptables chains, our dockerd. */
export async function removeNodeState(options: ClusterOptions): Promise<void> {
  const containers = removeNodeContainers(localNodeName());
  say(options, `containers: removed ${containers} pod container(s) and the pod network`);
  const chains = removeProjectChains();
  say(options, `iptables: removed ${chains.length} chain(s)${chains.length ? ` (${chains.join(', ')})` : ''}`);
  const routes = removeHostGatewayRoutes();
  removeClusterRoutes();
  say(options, `routes: removed ${routes} host-gw route(s) and the service and pod CIDR routes`);
  const dockerd = await stopDockerd(options.stateDir);
  if (dockerd !== 'not-running') say(options, `dockerd: ${dockerd === 'terminated' ? 'stopped' : 'killed'}`);
}
