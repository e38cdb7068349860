// Test support for the kubelet server and the logs/exec CLI: a test cluster, a Node whose kubelet
// endpoint is a real kubelet server on a free port, and a Pod bound to it whose containers are real
// Docker containers labelled per the kubelet contract (made here, as the pods helper would).
// stop() removes every container it made, the server and the cluster; nothing else is touched.
import { randomInt } from 'node:crypto';
import path from 'node:path';
import Docker from 'dockerode';
import { pino } from 'pino';
import { createClient, loadClientConfig, type Client } from '../../client/index.js';
import type { Pod } from '../../api/types.js';
import { startKubeletServer, type KubeletServer } from '../../kubelet/server/index.js';
import { containerLabels, containerName } from '../../kubelet/runtime/labels.js';
import { startTestCluster, type TestCluster } from './cluster.js';
import { ensureDocker } from './docker.js';

export interface KubeletFixture {
  cluster: TestCluster;
  client: Client;
  docker: Docker;
  nodeName: string;
  namespace: string;
  server: KubeletServer;
  pkiDir: string;
  /** The pods the kubelet server knows (refreshed from the apiserver by refreshPods). */
  pods: Pod[];
  /** Starts a labelled busybox container for `pod`/`container` with restart count `restartCount`. */
  runContainer(pod: Pod, container: string, restartCount: number, command: string[], options?: { tty?: boolean }): Promise<Docker.Container>;
  refreshPods(): Promise<void>;
  stop(): Promise<void>;
}

export async function startKubeletFixture(): Promise<KubeletFixture> {
  await ensureDocker();
  const cluster = await startTestCluster();
  const docker = new Docker();
  const made: Docker.Container[] = [];
  let server: KubeletServer | undefined;
  const client = createClient(await loadClientConfig({ kubeconfig: cluster.kubeconfig }));
  const nodeName = `k8ts-test-node-${randomInt(100000, 999999).toString(36)}`;
  const namespace = 'default';
  const pkiDir = path.join(cluster.stateDir, 'pki');
  const fixture: KubeletFixture = {
    cluster, client, docker, nodeName, namespace, pkiDir,
    server: undefined as unknown as KubeletServer,
    pods: [],
    async runContainer(pod, container, restartCount, command, options = {}) {
      const ref = { name: pod.metadata!.name!, namespace: pod.metadata!.namespace!, uid: pod.metadata!.uid! };
      const c = await docker.createContainer({
        name: `${containerName(ref, container, restartCount)}-${randomInt(1000, 9999)}`,
        Image: 'busybox:latest',
        Cmd: command,
        Tty: options.tty ?? false,
        OpenStdin: false,
        Labels: containerLabels(nodeName, ref, container, restartCount, { kind: 'app', hash: 'test' }),
        HostConfig: { NetworkMode: 'none' },
      });
      made.push(c);
      await c.start();
      return c;
    },
    async refreshPods() {
      const list = await client.resource('pods', namespace).list({ fieldSelector: `spec.nodeName=${nodeName}` } as never);
      fixture.pods = list.items as unknown as Pod[];
    },
    async stop() {
      await server?.close().catch(() => undefined);
      for (const c of made) await c.remove({ force: true }).catch(() => undefined);
      client.close();
      await cluster.stop();
    },
  };
  try {
    server = await startKubeletServer({
      host: '127.0.0.1',
      port: 0,
      certFile: path.join(pkiDir, 'kubelet.crt'),
      keyFile: path.join(pkiDir, 'kubelet.key'),
      clientCAFile: path.join(pkiDir, 'ca.crt'),
      docker,
      nodeName,
      pods: () => fixture.pods,
      logger: pino({ level: 'silent' }),
    });
    fixture.server = server;
    const nodes = client.resource('nodes');
    const node = await nodes.create({ apiVersion: 'v1', kind: 'Node', metadata: { name: nodeName } });
    await nodes.updateStatus({
      ...node,
      status: {
        addresses: [{ type: 'InternalIP', address: '127.0.0.1' }, { type: 'Hostname', address: nodeName }],
        daemonEndpoints: { kubeletEndpoint: { Port: server.port } },
      },
    } as never);
    return fixture;
  } catch (err) {
    await fixture.stop();
    throw err;
  }
}

/** Creates a pod bound to the fixture's node (or unbound) with busybox containers of these names. */
export async function createPod(fixture: KubeletFixture, name: string, containers: string[], bound = true): Promise<Pod> {
  return (await fixture.client.resource('pods', fixture.namespace).create({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name },
    spec: {
      ...(bound ? { nodeName: fixture.nodeName } : {}),
      containers: containers.map((c) => ({ name: c, image: 'busybox:latest' })),
    },
  } as never)) as unknown as Pod;
}

/** Writes the status a kubelet would: each container running in `running[name]`, lastState from `previous[name]`. */
export async function setRunningStatus(
  fixture: KubeletFixture,
  pod: Pod,
  running: Record<string, string>,
  previous: Record<string, string> = {},
): Promise<Pod> {
  const now = new Date().toISOString();
  const pods = fixture.client.resource('pods', fixture.namespace);
  const current = await pods.get(pod.metadata!.name!);
  const updated = await pods.updateStatus({
    ...current,
    status: {
      phase: 'Running',
      hostIP: '127.0.0.1',
      startTime: now,
      containerStatuses: Object.entries(running).map(([name, id]) => ({
        name,
        image: 'busybox:latest',
        imageID: '',
        ready: true,
        started: true,
        restartCount: previous[name] ? 1 : 0,
        containerID: `docker://${id}`,
        state: { running: { startedAt: now } },
        ...(previous[name] ? { lastState: { terminated: { exitCode: 0, reason: 'Completed', containerID: `docker://${previous[name]}` } } } : {}),
      })),
    },
  } as never);
  await fixture.refreshPods();
  return updated as unknown as Pod;
}
