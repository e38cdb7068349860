// The replicaset and deployment controllers of a real controller-manager process (dist/controller-
// manager/main.js) on a private etcd + apiserver, with a test "kubelet" that marks pods Running and
// Ready: a rolling update never drops below replicas - maxUnavailable available pods nor exceeds
// replicas + maxSurge, `kubectl rollout undo` restores the previous template, and a controller-manager
// killed with SIGKILL mid-rollout resumes with no extra and no lost pods. Stops everything it starts.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { createClient, loadClientConfig, type Client, type KubeObject } from '../../client/index.js';
import type { Deployment, Pod } from '../../api/types.js';
import { startTestCluster, type TestCluster } from '../support/cluster.js';

const run = promisify(execFile);
const NS = 'deploy-it';
const KUBECTL = '/usr/bin/kubectl';
const MAIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../controller-manager/main.js');
type KPod = Pod & KubeObject;
type KDeployment = Deployment & KubeObject;

async function eventually(what: string, check: () => Promise<boolean> | boolean, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      if (await check()) return;
    } catch (err) {
      last = err;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
}

/** Plays the kubelet: every pod in NS becomes Running, then Ready after `readyDelayMs`. */
function startFakeKubelet(client: Client, signal: AbortSignal, readyDelayMs: () => number): Promise<void> {
  const pods = client.resource<KPod>('pods', NS);
  const handled = new Set<string>();
  const markReady = async (pod: KPod) => {
    const name = pod.metadata!.name!;
    await new Promise((r) => setTimeout(r, readyDelayMs()));
    if (signal.aborted) return;
    const now = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
    await pods.patch(name, 'merge', {
      status: { phase: 'Running', startTime: now, conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: now }, { type: 'ContainersReady', status: 'True', lastTransitionTime: now }] },
    }, {}, NS, 'status').catch(() => undefined);
  };
  return (async () => {
    while (!signal.aborted) {
      try {
        for await (const ev of pods.watch({ signal })) {
          if (ev.type !== 'ADDED' && ev.type !== 'MODIFIED') continue;
          const pod = ev.object;
          const uid = pod.metadata?.uid ?? '';
          if (handled.has(uid) || pod.metadata?.deletionTimestamp) continue;
          handled.add(uid);
          void markReady(pod);
        }
      } catch {
        if (signal.aborted) return;
      }
    }
  })();
}

interface PodState { ready: boolean; image: string; rs: string; terminating: boolean }

/** Watches pods and checks availability and surge on every event. */
function startMonitor(client: Client, signal: AbortSignal) {
  const pods = new Map<string, PodState>();
  const created = new Map<string, Set<string>>();
  const deletedByRS = new Map<string, number>();
  const stats = { minAvailable: Infinity, maxPods: 0, events: 0 };
  const done = (async () => {
    for await (const ev of client.resource<KPod>('pods', NS).watch({ signal })) {
      if (ev.type === 'ERROR' || ev.type === 'BOOKMARK') continue;
      const p = ev.object;
      const uid = p.metadata!.uid!;
      const rs = p.metadata?.ownerReferences?.[0]?.name ?? '';
      if (ev.type === 'DELETED') {
        pods.delete(uid);
        deletedByRS.set(rs, (deletedByRS.get(rs) ?? 0) + 1);
      } else {
        if (!created.has(rs)) created.set(rs, new Set());
        created.get(rs)!.add(uid);
        pods.set(uid, {
          ready: p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false,
          image: p.spec?.containers?.[0]?.image ?? '',
          rs,
          terminating: !!p.metadata?.deletionTimestamp,
        });
      }
      const live = [...pods.values()].filter((s) => !s.terminating);
      stats.events++;
      stats.maxPods = Math.max(stats.maxPods, live.length);
      stats.minAvailable = Math.min(stats.minAvailable, live.filter((s) => s.ready).length);
    }
  })().catch(() => undefined);
  return {
    stats,
    pods,
    created,
    deletedByRS,
    reset() {
      stats.minAvailable = Infinity;
      stats.maxPods = 0;
      stats.events = 0;
    },
    done,
  };
}

function deployment(image: string): KDeployment {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: NS },
    spec: {
      replicas: 4,
      selector: { matchLabels: { app: 'web' } },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 1 } },
      template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image }] } },
    },
  };
}

const skip = !existsSync(MAIN) ? `${MAIN} is missing: build first` : !existsSync(KUBECTL) ? 'kubectl not installed' : false;

describe('deployment and replicaset controllers on a real apiserver', { skip }, () => {
  let cluster: TestCluster;
  let client: Client;
  let cm: ChildProcess | undefined;
  let cmLog = '';
  const stop = new AbortController();
  let readyDelay = 200;
  let monitor: ReturnType<typeof startMonitor>;

  const startControllerManager = () => {
    cm = spawn(process.execPath, [MAIN, '--kubeconfig', cluster.kubeconfig, '--controllers', 'replicaset,deployment', '--secure-port', '0', '--leader-elect=false'], { stdio: ['ignore', 'pipe', 'pipe'] });
    cm.stdout!.on('data', (b: Buffer) => { cmLog = (cmLog + b.toString()).slice(-20_000); });
    cm.stderr!.on('data', (b: Buffer) => { cmLog = (cmLog + b.toString()).slice(-20_000); });
  };
  const killControllerManager = async (signal: NodeJS.Signals) => {
    const child = cm;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill(signal);
    await exited;
  };
  const kubectl = async (...args: string[]) => (await run(KUBECTL, ['--kubeconfig', cluster.kubeconfig, '-n', NS, ...args], { timeout: 90_000 })).stdout;
  const getDeployment = () => client.resource<KDeployment>('deployments.apps', NS).get('web');
  const rolledOut = async () => {
    const d = await getDeployment();
    const s = d.status ?? {};
    return (s.observedGeneration ?? 0) >= (d.metadata?.generation ?? 0) && s.updatedReplicas === 4 && s.replicas === 4 && s.availableReplicas === 4;
  };

  before(async () => {
    cluster = await startTestCluster();
    client = createClient(await loadClientConfig({ kubeconfig: cluster.kubeconfig }));
    await client.resource('namespaces').create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } });
    void startFakeKubelet(client, stop.signal, () => readyDelay);
    monitor = startMonitor(client, stop.signal);
    startControllerManager();
  });

  after(async () => {
    if (process.env.K8TS_TEST_CM_LOG) writeFileSync(process.env.K8TS_TEST_CM_LOG, cmLog);
    stop.abort();
    await killControllerManager('SIGKILL');
    client?.close();
    await cluster?.stop();
  });

  it('creates the replica set and pods, with status kubectl rollout status accepts', async () => {
    await client.resource<KDeployment>('deployments.apps', NS).create(deployment('busybox:v1'));
    await eventually('first rollout', rolledOut);
    const out = await kubectl('rollout', 'status', 'deployment/web', '--timeout=60s');
    assert.match(out, /deployment "web" successfully rolled out/);
    const d = await getDeployment();
    assert.equal(d.metadata?.annotations?.['deployment.kubernetes.io/revision'], '1');
    const available = d.status?.conditions?.find((c) => c.type === 'Available');
    assert.equal(available?.reason, 'MinimumReplicasAvailable');
    const progressing = d.status?.conditions?.find((c) => c.type === 'Progressing');
    assert.equal(progressing?.reason, 'NewReplicaSetAvailable');
    const rss = (await client.resource('replicasets.apps', NS).list()).items;
    assert.equal(rss.length, 1);
    const rs = rss[0];
    const hash = rs.metadata?.labels?.['pod-template-hash'];
    assert.ok(hash && rs.metadata?.name === `web-${hash}`, `replica set named after its hash: ${rs.metadata?.name}`);
    assert.equal(rs.metadata?.ownerReferences?.[0]?.controller, true);
    assert.equal(rs.metadata?.ownerReferences?.[0]?.blockOwnerDeletion, true);
    assert.equal(rs.metadata?.annotations?.['deployment.kubernetes.io/desired-replicas'], '4');
    assert.equal(rs.metadata?.annotations?.['deployment.kubernetes.io/max-replicas'], '5');
    const events = async () => (await client.resource('events', NS).list()).items as { reason?: string; message?: string; involvedObject?: { kind?: string } }[];
    await eventually('ScalingReplicaSet event on the deployment', async () => (await events()).some((e) => e.reason === 'ScalingReplicaSet' && e.involvedObject?.kind === 'Deployment' && e.message === `Scaled up replica set ${rs.metadata?.name} from 0 to 4`));
    await eventually('SuccessfulCreate event on the replica set', async () => (await events()).some((e) => e.reason === 'SuccessfulCreate' && e.involvedObject?.kind === 'ReplicaSet' && /^Created pod: web-/.test(e.message ?? '')));
  });

  it('rolls out a new image within maxUnavailable and maxSurge at every moment', async () => {
    readyDelay = 400;
    monitor.reset();
    await client.resource<KDeployment>('deployments.apps', NS).patch('web', 'strategic', { spec: { template: { spec: { containers: [{ name: 'web', image: 'busybox:v2' }] } } } });
    await eventually('rollout of v2', rolledOut);
    await kubectl('rollout', 'status', 'deployment/web', '--timeout=60s');
    await eventually('old pods gone', () => [...monitor.pods.values()].every((p) => p.image === 'busybox:v2'));
    assert.ok(monitor.stats.events > 8, `saw the rollout (${monitor.stats.events} events)`);
    assert.ok(monitor.stats.minAvailable >= 3, `available pods never below replicas - maxUnavailable = 3 (min ${monitor.stats.minAvailable})`);
    assert.ok(monitor.stats.maxPods <= 5, `pods never above replicas + maxSurge = 5 (max ${monitor.stats.maxPods})`);
    const d = await getDeployment();
    assert.equal(d.metadata?.annotations?.['deployment.kubernetes.io/revision'], '2');
    const history = await kubectl('rollout', 'history', 'deployment/web');
    assert.match(history, /^1\s/m);
    assert.match(history, /^2\s/m);
  });

  it('kubectl rollout undo restores the previous template', async () => {
    monitor.reset();
    const out = await kubectl('rollout', 'undo', 'deployment/web');
    assert.match(out, /rolled back/);
    await eventually('rollback complete', async () => (await rolledOut()) && (await getDeployment()).spec?.template?.spec?.containers?.[0]?.image === 'busybox:v1');
    await eventually('only v1 pods', () => monitor.pods.size === 4 && [...monitor.pods.values()].every((p) => p.image === 'busybox:v1'));
    assert.ok(monitor.stats.minAvailable >= 3, `rollback kept availability (min ${monitor.stats.minAvailable})`);
    const d = await getDeployment();
    assert.equal(d.metadata?.annotations?.['deployment.kubernetes.io/revision'], '3');
    const rss = (await client.resource('replicasets.apps', NS).list()).items;
    assert.equal(rss.length, 2, `the v1 replica set was reused, not recreated: ${JSON.stringify(rss.map((r) => [r.metadata?.name, r.metadata?.annotations, (r.spec as { template?: unknown }).template]))}`);
    const v1 = rss.find((rs) => (rs.spec as { template: { spec: { containers: { image: string }[] } } }).template.spec.containers[0].image === 'busybox:v1')!;
    assert.equal(v1.metadata?.annotations?.['deployment.kubernetes.io/revision'], '3');
    assert.equal(v1.metadata?.annotations?.['deployment.kubernetes.io/revision-history'], '1');
  });

  it('a controller-manager killed mid-rollout resumes with no extra or lost pods', async () => {
    readyDelay = 1500;
    monitor.reset();
    await client.resource<KDeployment>('deployments.apps', NS).patch('web', 'strategic', { spec: { template: { spec: { containers: [{ name: 'web', image: 'busybox:v3' }] } } } });
    await eventually('rollout under way', () => {
      const images = [...monitor.pods.values()].map((p) => p.image);
      return images.includes('busybox:v3') && images.includes('busybox:v1');
    });
    await killControllerManager('SIGKILL');
    startControllerManager();
    await eventually('rollout of v3 after restart', rolledOut, 90_000);
    await eventually('only v3 pods', () => monitor.pods.size === 4 && [...monitor.pods.values()].every((p) => p.image === 'busybox:v3'));
    const v3 = [...monitor.pods.values()][0].rs;
    assert.equal(monitor.created.get(v3)?.size, 4, 'exactly 4 pods were ever created for the new replica set');
    assert.equal(monitor.deletedByRS.get(v3) ?? 0, 0, 'no pod of the new replica set was deleted');
    assert.ok(monitor.stats.minAvailable >= 3, `availability held across the restart (min ${monitor.stats.minAvailable})`);
    assert.ok(monitor.stats.maxPods <= 5, `surge held across the restart (max ${monitor.stats.maxPods})`);
    assert.equal((await client.resource('pods', NS).list()).items.length, 4);
  });

  it('kubectl scale, pause/resume and restart work through the controllers', async () => {
    readyDelay = 100;
    await kubectl('scale', 'deployment/web', '--replicas=6');
    await eventually('scaled to 6', async () => (await getDeployment()).status?.availableReplicas === 6 && monitor.pods.size === 6);
    await kubectl('scale', 'deployment/web', '--replicas=4');
    await eventually('scaled to 4', async () => (await rolledOut()) && monitor.pods.size === 4);
    await kubectl('rollout', 'pause', 'deployment/web');
    await eventually('paused condition', async () => (await getDeployment()).status?.conditions?.some((c) => c.type === 'Progressing' && c.reason === 'DeploymentPaused') ?? false);
    await kubectl('set', 'image', 'deployment/web', 'web=busybox:v4');
    // Paused: the template change makes no new replica set.
    await eventually('paused sync observed', async () => { const d = await getDeployment(); return (d.status?.observedGeneration ?? 0) >= (d.metadata?.generation ?? 0); });
    const before = (await client.resource('replicasets.apps', NS).list()).items.length;
    assert.ok([...monitor.pods.values()].every((p) => p.image === 'busybox:v3'), 'no v4 pods while paused');
    await kubectl('rollout', 'resume', 'deployment/web');
    await eventually('v4 rolled out', async () => (await rolledOut()) && (await client.resource('replicasets.apps', NS).list()).items.length === before + 1, 90_000);
    await kubectl('rollout', 'restart', 'deployment/web');
    await eventually('restart rolled out', async () => (await rolledOut()) && (await client.resource('replicasets.apps', NS).list()).items.length === before + 2, 90_000);
    const restarted = await getDeployment();
    assert.ok(restarted.spec?.template?.metadata?.annotations?.['kubectl.kubernetes.io/restartedAt'], 'restartedAt on the template');
    await eventually('restarted pods', () => monitor.pods.size === 4);
    const out = await kubectl('rollout', 'status', 'deployment/web', '--timeout=60s');
    assert.match(out, /successfully rolled out/);
  });
});
