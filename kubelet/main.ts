#!/usr/bin/env node
// Entry point of the kubelet: flags, client and Docker, the Node (registration, status, lease), the
// pod network once the node has a podCIDR (and host-gw routes to the other nodes), the volume and
// pod managers, and the HTTPS API on :10250. SIGTERM stops the kubelet; pods keep running and are
// adopted by the next kubelet, as upstream. No logic here beyond wiring.
import { mkdirSync } from 'node:fs';
import os from 'node:os';
import { CommanderError } from 'commander';
import Docker from 'dockerode';
import { pino, type Logger } from 'pino';
import { Registry, collectDefaultMetrics } from 'prom-client';
import {
  createClient, createEventRecorder, createInformer, loadClientConfig, NotFoundError, type Client, type KubeObject,
} from '../client/index.js';
import { ensurePodNetwork } from './network/pod-network.js';
import { desiredRoutes, syncRoutes } from './network/routes.js';
import { NodeStatusReporter } from './node/node-status.js';
import { parseOptions, type KubeletOptions } from './options.js';
import { startPodManager } from './pods/index.js';
import { startKubeletServer } from './server/index.js';
import { VolumeManager, type VolumeSources } from './volumes/index.js';

interface NodeObject extends KubeObject {
  spec?: { podCIDR?: string };
  status?: { addresses?: Array<{ type?: string; address?: string }> };
}

function dockerFrom(endpoint: string): Docker {
  if (endpoint.startsWith('unix://')) return new Docker({ socketPath: endpoint.slice('unix://'.length) });
  const url = new URL(endpoint);
  return new Docker({ host: url.hostname, port: Number(url.port) });
}

/** GETs for volume sources; a missing object is undefined, other errors propagate. */
function apiSources(client: Client): VolumeSources {
  const get = async <T>(resource: string, name: string, namespace?: string): Promise<T | undefined> => {
    try {
      return (await client.resource(resource, namespace).get(name)) as T;
    } catch (err) {
      if (err instanceof NotFoundError) return undefined;
      throw err;
    }
  };
  return {
    getConfigMap: (ns, name) => get('configmaps', name, ns),
    getSecret: (ns, name) => get('secrets', name, ns),
    getPersistentVolumeClaim: (ns, name) => get('persistentvolumeclaims', name, ns),
    getPersistentVolume: (name) => get('persistentvolumes', name),
  };
}

/** Resolves with the node's podCIDR: spec.podCIDR from node IPAM, else --pod-cidr. */
function waitForPodCIDR(nodes: ReturnType<typeof createInformer<NodeObject>>, o: KubeletOptions, logger: Logger, signal: AbortSignal): Promise<string> {
  return new Promise((resolve, reject) => {
    const check = () => {
      const cidr = (nodes.store.get(o.nodeName) as NodeObject | undefined)?.spec?.podCIDR ?? o.podCIDR;
      if (cidr) {
        clearInterval(timer);
        resolve(cidr);
      }
    };
    const timer = setInterval(check, 1000);
    signal.addEventListener('abort', () => { clearInterval(timer); reject(new Error('stopped')); }, { once: true });
    logger.info('waiting for the node\'s podCIDR (node IPAM of the controller-manager, or --pod-cidr)');
    check();
  });
}

async function run(o: KubeletOptions): Promise<void> {
  const logger = pino({ level: o.verbosity >= 4 ? 'debug' : 'info', base: { component: 'kubelet', node: o.nodeName } });
  mkdirSync(o.rootDir, { recursive: true });
  const client = createClient({ ...(await loadClientConfig({ kubeconfig: o.kubeconfig })), userAgent: `kubelet/v1.32.0-k8ts (${o.nodeName})` });
  const docker = dockerFrom(o.containerRuntimeEndpoint);
  const stop = new AbortController();
  // Closers run in reverse order of start on SIGTERM, whatever stage start-up has reached.
  const closers: Array<() => Promise<void>> = [async () => client.close()];
  const shutdown = async (signal: string) => {
    logger.info({ signal }, 'shutting down; pods keep running');
    stop.abort();
    const force = setTimeout(() => process.exit(0), 30_000);
    force.unref();
    for (const close of closers.reverse()) await close().catch(() => undefined);
    process.exit(0);
  };
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));
  let runtimeVersion = 'unknown';
  let networkReady = false;
  const notReadyReason = async (): Promise<string | undefined> => {
    try {
      runtimeVersion = (await docker.version()).Version;
    } catch {
      return 'container runtime is down';
    }
    return networkReady ? undefined : 'container runtime network not ready: NetworkReady=false reason:NetworkPluginNotReady message:pod network of the node is not set up yet (no podCIDR)';
  };
  try {
    runtimeVersion = (await docker.version()).Version;
  } catch (err) {
    logger.warn({ err: (err as Error).message }, 'Docker does not answer yet; the node reports NotReady until it does');
  }

  const status = new NodeStatusReporter({
    client, nodeName: o.nodeName, nodeIP: o.nodeIP, hostname: os.hostname(), kubeletPort: o.port, rootDir: o.rootDir,
    maxPods: o.maxPods, labels: o.nodeLabels, taints: o.registerWithTaints, updateFrequencyMs: o.nodeStatusUpdateFrequencyMs,
    runtimeVersion, notReadyReason, logger,
  });
  closers.push(() => status.stop());
  for (let delay = 1000; !stop.signal.aborted; delay = Math.min(delay * 2, 10_000)) {
    try {
      await status.start();
      break;
    } catch (err) {
      logger.warn({ err: (err as Error).message }, 'unable to register node with the API server; retrying');
      await new Promise((r) => setTimeout(r, delay));
    }
  }

  const nodes = createInformer<NodeObject>(client.resource('nodes'), { logger });
  nodes.start(stop.signal);
  const podCIDR = await waitForPodCIDR(nodes, o, logger, stop.signal);
  const network = await ensurePodNetwork(docker, {
    networkName: o.networkName, bridgeName: o.bridgeName, podCIDR, clusterCIDR: o.clusterCIDR, nodeName: o.nodeName,
  });
  networkReady = true;
  logger.info({ podCIDR, network: network.networkName, gateway: network.gateway }, 'pod network ready');
  await status.postStatus().catch(() => undefined);

  if (o.hostGatewayRoutes) {
    const sync = () => {
      const want = desiredRoutes(nodes.store.list() as NodeObject[], o.nodeName, o.nodeIP);
      syncRoutes(want).then(({ added, removed }) => {
        if (added.length || removed.length) logger.info({ added, removed }, 'host-gw routes updated');
      }, (err: unknown) => logger.warn({ err: (err as Error).message }, 'host-gw route sync failed'));
    };
    nodes.on('add', sync);
    nodes.on('update', sync);
    nodes.on('delete', sync);
    sync();
  }

  const recorder = createEventRecorder({ events: client.resource('events'), component: 'kubelet', host: o.nodeName, logger });
  const volumes = new VolumeManager({ rootDir: o.rootDir, sources: apiSources(client), nodeName: o.nodeName, logger, clusterDomain: o.clusterDomain });
  const pods = await startPodManager({
    client, docker, nodeName: o.nodeName, networkName: network.networkName, rootDir: o.rootDir,
    podInfraImage: o.podInfraContainerImage, podManifestPath: o.podManifestPath, clusterDNS: o.clusterDNS,
    clusterDomain: o.clusterDomain, resolvConfPath: o.resolvConf, hostIP: o.nodeIP, logger, recorder, volumes,
  }, stop.signal);
  closers.push(async () => {
    await pods.stopped;
    recorder.shutdown();
    await recorder.flush();
  });

  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  if (!o.tlsCertFile || !o.tlsPrivateKeyFile || !o.clientCAFile) {
    throw new Error('the kubelet API needs --tls-cert-file, --tls-private-key-file and --client-ca-file');
  }
  const server = await startKubeletServer({
    host: o.address, port: o.port, certFile: o.tlsCertFile, keyFile: o.tlsPrivateKeyFile, clientCAFile: o.clientCAFile,
    docker, nodeName: o.nodeName, pods: () => pods.pods(), logger, registry,
  });
  closers.push(() => server.close());
  logger.info({ port: server.port }, 'kubelet API serving');
}

try {
  run(parseOptions(process.argv.slice(2))).catch((err: unknown) => {
    process.stderr.write(`kubelet: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
} catch (err) {
  if (err instanceof CommanderError) process.exit(err.exitCode === 0 ? 0 : 1);
  throw err;
}
