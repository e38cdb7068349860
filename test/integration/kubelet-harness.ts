// Test support for the kubelet pod tests: a private cluster, a Node object, a private Docker bridge
// network, a temp root dir and the real pod manager (kubelet/pods) in this process, restartable.
// cleanup() removes every container carrying the test node's label, the network and the temp dir.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import Docker from 'dockerode';
import { pino } from 'pino';
import { createClient, createEventRecorder, loadClientConfig, NotFoundError, type Client, type EventRecorder, type KubeObject } from '../../client/index.js';
import type { Pod } from '../../api/types.js';
import { startPodManager, type PodManager, type PodManagerOptions } from '../../kubelet/pods/index.js';
import { VolumeManager } from '../../kubelet/volumes/index.js';
import { NODE_LABEL } from '../../kubelet/runtime/labels.js';
import { ensureDocker } from '../support/docker.js';
import { startTestCluster, type TestCluster } from '../support/cluster.js';

export interface KubeletHarness {
  cluster: TestCluster;
  client: Client;
  docker: Docker;
  nodeName: string;
  namespace: string;
  rootDir: string;
  networkName: string;
  manager(): PodManager;
  /** Stops the pod manager (containers keep running) and starts a new one, as a kubelet restart. */
  restart(): Promise<void>;
  stopManager(): Promise<void>;
  startManager(): Promise<void>;
  createPod(pod: Partial<Pod> & { metadata: { name: string }; spec: Pod['spec'] }): Promise<Pod>;
  getPod(name: string): Promise<Pod | undefined>;
  waitForPod(name: string, what: string, ok: (pod: Pod) => boolean, timeoutMs?: number, intervalMs?: number): Promise<Pod>;
  events(podName: string): Promise<Array<{ reason: string; message: string; type: string; count?: number }>>;
  containers(filter?: Record<string, string>): Promise<Docker.ContainerInfo[]>;
  logs(containerId: string, streams?: { stdout?: boolean; stderr?: boolean }): Promise<string>;
  cleanup(): Promise<void>;
}

export async function waitFor<T>(what: string, fn: () => Promise<T | undefined | false>, timeoutMs = 30_000, intervalMs = 200): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v !== undefined && v !== false) return v as T;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

async function createNetwork(docker: Docker, name: string, nodeName: string): Promise<void> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const third = 200 + Math.floor(Math.random() * 55);
    try {
      await docker.createNetwork({
        Name: name,
        Driver: 'bridge',
        CheckDuplicate: true,
        Labels: { [NODE_LABEL]: nodeName },
        IPAM: { Config: [{ Subnet: `10.244.${third}.0/24`, Gateway: `10.244.${third}.1` }] },
      });
      return;
    } catch (err) {
      if (!/overlap/i.test((err as Error).message)) throw err;
    }
  }
  throw new Error('no free test subnet');
}

export async function startKubeletHarness(prefix: string, extra: Partial<PodManagerOptions> = {}): Promise<KubeletHarness> {
  await ensureDocker();
  const docker = new Docker({ socketPath: '/var/run/docker.sock' });
  const id = randomBytes(3).toString('hex');
  const nodeName = `${prefix}-${id}`;
  const namespace = 'default';
  const networkName = `k8ts-${prefix}-${id}`.slice(0, 60);
  const rootDir = mkdtempSync(path.join(os.tmpdir(), `k8ts-${prefix}-`));
  const cluster = await startTestCluster();
  const client = createClient(await loadClientConfig({ kubeconfig: cluster.kubeconfig }));
  await client.resource('nodes').create({
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name: nodeName, labels: { 'kubernetes.io/hostname': nodeName } },
    status: { addresses: [{ type: 'InternalIP', address: '127.0.0.1' }], allocatable: { cpu: '2', memory: '4Gi', pods: '110' }, capacity: { cpu: '2', memory: '4Gi', pods: '110' } },
  } as KubeObject);
  await createNetwork(docker, networkName, nodeName);
  const logger = pino({ level: process.env.K8TS_TEST_LOG ?? 'silent' });
  const recorder: EventRecorder = createEventRecorder({ events: client.resource('events'), component: 'kubelet', host: nodeName });
  const volumes = new VolumeManager({
    rootDir,
    nodeName,
    logger,
    sources: {
      getConfigMap: async (ns, name) => (await client.resource('configmaps', ns).get(name).catch((e) => (e instanceof NotFoundError ? undefined : Promise.reject(e)))) as never,
      getSecret: async (ns, name) => (await client.resource('secrets', ns).get(name).catch((e) => (e instanceof NotFoundError ? undefined : Promise.reject(e)))) as never,
      getPersistentVolumeClaim: async (ns, name) => (await client.resource('persistentvolumeclaims', ns).get(name).catch((e) => (e instanceof NotFoundError ? undefined : Promise.reject(e)))) as never,
      getPersistentVolume: async (name) => (await client.resource('persistentvolumes').get(name).catch((e) => (e instanceof NotFoundError ? undefined : Promise.reject(e)))) as never,
    },
  });
  let controller: AbortController | undefined;
  let current: PodManager | undefined;
  const startManager = async () => {
    controller = new AbortController();
    current = await startPodManager(
      {
        client,
        docker,
        nodeName,
        networkName,
        rootDir,
        podInfraImage: 'k8ts/pause:3.9',
        clusterDomain: 'cluster.local',
        hostIP: '127.0.0.1',
        logger,
        recorder,
        volumes,
        gcPeriodMs: 5_000,
        ...extra,
      },
      controller.signal,
    );
  };
  const stopManager = async () => {
    controller?.abort();
    await current?.stopped;
  };
  await startManager();

  const getPod = async (name: string) => {
    try {
      return (await client.resource('pods', namespace).get(name)) as unknown as Pod;
    } catch (err) {
      if (err instanceof NotFoundError) return undefined;
      throw err;
    }
  };
  return {
    cluster,
    client,
    docker,
    nodeName,
    namespace,
    rootDir,
    networkName,
    manager: () => current!,
    restart: async () => {
      await stopManager();
      await startManager();
    },
    stopManager,
    startManager,
    createPod: async (pod) =>
      (await client.resource('pods', namespace).create({
        apiVersion: 'v1',
        kind: 'Pod',
        ...pod,
        spec: { ...pod.spec!, nodeName },
      } as unknown as KubeObject)) as unknown as Pod,
    getPod,
    waitForPod: async (name, what, ok, timeoutMs = 30_000, intervalMs = 200) =>
      waitFor(`pod ${name}: ${what}`, async () => {
        const p = await getPod(name);
        return p && ok(p) ? p : undefined;
      }, timeoutMs, intervalMs),
    events: async (podName) => {
      await recorder.flush();
      const list = await client.resource('events', namespace).list({ fieldSelector: `involvedObject.name=${podName}` });
      return (list.items as Array<{ reason: string; message: string; type: string; count?: number }>);
    },
    containers: async (filter = {}) => {
      const label = [`${NODE_LABEL}=${nodeName}`, ...Object.entries(filter).map(([k, v]) => `${k}=${v}`)];
      return docker.listContainers({ all: true, filters: JSON.stringify({ label }) });
    },
    logs: async (containerId, streams = { stdout: true, stderr: true }) => {
      const buf = (await docker.getContainer(containerId).logs({ stdout: !!streams.stdout, stderr: !!streams.stderr })) as unknown as Buffer;
      const parts: string[] = [];
      let i = 0;
      while (i + 8 <= buf.length) {
        const size = buf.readUInt32BE(i + 4);
        parts.push(buf.subarray(i + 8, i + 8 + size).toString('utf8'));
        i += 8 + size;
      }
      return parts.join('');
    },
    cleanup: async () => {
      await stopManager().catch(() => undefined);
      recorder.shutdown();
      const left = await docker.listContainers({ all: true, filters: JSON.stringify({ label: [`${NODE_LABEL}=${nodeName}`] }) });
      for (const c of left) await docker.getContainer(c.Id).remove({ force: true, v: true }).catch(() => undefined);
      await docker.getNetwork(networkName).remove().catch(() => undefined);
      client.close();
      await cluster.stop();
      rmSync(rootDir, { recursive: true, force: true });
    },
  };
}
