// Integration test of the Metrics API, `top` and the HPA controller: a real etcd + apiserver, a fake
// kubelet serving /stats/summary over HTTPS with the cluster's kubelet certificate (and requiring the
// apiserver's client certificate from the cluster CA), the ReplicaSet, Deployment and HPA controllers
// in-process, and stock kubectl printing what the fake reports. Cleans up everything it starts.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Pod } from '../../api/types.js';
import { createClient, loadClientConfig, type Client } from '../../client/index.js';
import { deploymentController } from '../../controller-manager/deployment/index.js';
import { horizontalPodAutoscalerController } from '../../controller-manager/podautoscaler/index.js';
import { replicaSetController } from '../../controller-manager/replicaset/index.js';
import { K8TS_CLI, kubectlSkip, runProcess } from '../support/cli.js';
import { startTestCluster, type TestCluster } from '../support/cluster.js';
import { eventually, testControllerContext, type TestControllerContext } from '../support/controller-context.js';

const NODE = 'metrics-node';
const NS = 'default';
const GiB = 1024 * 1024 * 1024;
const MiB = 1024 * 1024;

/** A kubelet's Summary API, nothing else: cumulative CPU counters that grow at a rate the test sets. */
class FakeKubelet {
  server!: https.Server;
  port = 0;
  nodeRateNanoCores = 1_500_000_000;
  podRateNanoCores = 500_000_000;
  pods: Pod[] = [];
  scrapes = 0;
  private counters = new Map<string, { cumulative: number; atMs: number }>();
  private readonly startTime = new Date(Date.now() - 3_600_000).toISOString();

  /** The counter of `key` at `atMs`, grown at `rate` since it was last read (whole seconds: exact rates). */
  private counter(key: string, rate: number, atMs: number): number {
    const c = this.counters.get(key) ?? { cumulative: 1e12, atMs };
    c.cumulative += (rate * (atMs - c.atMs)) / 1000;
    c.atMs = atMs;
    this.counters.set(key, c);
    return c.cumulative;
  }

  summary() {
    const atMs = Math.floor(Date.now() / 1000) * 1000;
    const time = new Date(atMs).toISOString();
    this.scrapes++;
    return {
      node: {
        nodeName: NODE,
        startTime: this.startTime,
        cpu: { time, usageNanoCores: this.nodeRateNanoCores, usageCoreNanoSeconds: this.counter('node', this.nodeRateNanoCores, atMs) },
        memory: { time, workingSetBytes: 2 * GiB, usageBytes: 3 * GiB },
      },
      pods: this.pods.map((pod) => ({
        podRef: { name: pod.metadata!.name, namespace: pod.metadata!.namespace, uid: pod.metadata!.uid },
        startTime: pod.status?.startTime,
        containers: (pod.spec?.containers ?? []).map((c) => ({
          name: c.name,
          startTime: pod.status?.startTime,
          cpu: { time, usageNanoCores: this.podRateNanoCores, usageCoreNanoSeconds: this.counter(`${pod.metadata!.uid}/${c.name}`, this.podRateNanoCores, atMs) },
          memory: { time, workingSetBytes: 10 * MiB },
        })),
      })),
    };
  }

  async start(pki: string): Promise<void> {
    this.server = https.createServer(
      {
        cert: readFileSync(path.join(pki, 'kubelet.crt')),
        key: readFileSync(path.join(pki, 'kubelet.key')),
        ca: readFileSync(path.join(pki, 'ca.crt')),
        requestCert: true,
        rejectUnauthorized: true,
      },
      (req, res) => {
        if (req.url?.split('?')[0] !== '/stats/summary') {
          res.writeHead(404).end('404 page not found');
          return;
        }
        res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify(this.summary()));
      },
    );
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }
}

let cluster: TestCluster;
let client: Client;
let kubelet: FakeKubelet;
let t: TestControllerContext;
let running: Promise<void>[] = [];
let cacheDir: string;

const longAgo = () => new Date(Date.now() - 600_000).toISOString().replace(/\.\d+Z$/, 'Z');

/** Plays scheduler and kubelet for the namespace: binds, marks Running and Ready, finishes deletions. */
async function playKubelet(): Promise<void> {
  const pods = client.resource('pods', NS);
  const live: Pod[] = [];
  for (const pod of (await pods.list()).items as Pod[]) {
    const name = pod.metadata!.name!;
    if (pod.metadata?.deletionTimestamp) {
      await pods.delete(name, { gracePeriodSeconds: 0 }).catch(() => undefined);
      continue;
    }
    let current = pod;
    if (!pod.spec?.nodeName) {
      await client.raw('POST', `/api/v1/namespaces/${NS}/pods/${name}/binding`, {
        apiVersion: 'v1', kind: 'Binding', metadata: { name }, target: { apiVersion: 'v1', kind: 'Node', name: NODE },
      });
      current = (await pods.get(name)) as Pod;
    }
    if (current.status?.phase !== 'Running') {
      const since = longAgo();
      current = (await pods.updateStatus({
        ...current,
        status: {
          phase: 'Running',
          startTime: since,
          hostIP: '127.0.0.1',
          podIP: '10.244.0.10',
          conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: since }, { type: 'ContainersReady', status: 'True', lastTransitionTime: since }],
          containerStatuses: (current.spec?.containers ?? []).map((c) => ({
            name: c.name, image: c.image, imageID: '', ready: true, started: true, restartCount: 0, state: { running: { startedAt: since } },
          })),
        },
      } as never)) as Pod;
    }
    live.push(current);
  }
  kubelet.pods = live;
}

function kubectl(...args: string[]) {
  return runProcess('/usr/bin/kubectl', ['--kubeconfig', cluster.kubeconfig, '--cache-dir', cacheDir, ...args]);
}

before(async () => {
  cluster = await startTestCluster();
  client = createClient(await loadClientConfig({ kubeconfig: cluster.kubeconfig }));
  cacheDir = mkdtempSync(path.join(os.tmpdir(), 'k8ts-metrics-it-'));
  kubelet = new FakeKubelet();
  await kubelet.start(path.join(cluster.stateDir, 'pki'));
  const nodes = client.resource('nodes');
  const node = await nodes.create({ apiVersion: 'v1', kind: 'Node', metadata: { name: NODE, labels: { 'kubernetes.io/hostname': NODE } } } as never);
  await nodes.updateStatus({
    ...node,
    status: {
      capacity: { cpu: '4', memory: '8Gi', pods: '110' },
      allocatable: { cpu: '4', memory: '8Gi', pods: '110' },
      addresses: [{ type: 'InternalIP', address: '127.0.0.1' }, { type: 'Hostname', address: NODE }],
      daemonEndpoints: { kubeletEndpoint: { Port: kubelet.port } },
      conditions: [{ type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status', lastHeartbeatTime: longAgo(), lastTransitionTime: longAgo() }],
    },
  } as never);
  t = testControllerContext(client, { hpaSyncPeriodMs: 1000 });
  running = [replicaSetController, deploymentController, horizontalPodAutoscalerController].map((c) => c.start(t.ctx));
  await t.startInformers();
});

after(async () => {
  await t?.stop();
  await Promise.all(running);
  client?.close();
  await kubelet?.stop();
  await cluster?.stop();
  if (cacheDir) rmSync(cacheDir, { recursive: true, force: true });
});

describe('metrics.k8s.io and kubectl top', () => {
  it('serves NodeMetrics computed from the kubelet summary, and NotFound as metrics-server', async () => {
    const list = await eventually(async () => {
      const l = await client.raw<{ kind: string; items: any[] }>('GET', '/apis/metrics.k8s.io/v1beta1/nodes');
      return l.items.length > 0 && l;
    }, 'node metrics', 20_000);
    assert.equal(list.kind, 'NodeMetricsList');
    const item = list.items[0];
    assert.equal(item.metadata.name, NODE);
    assert.deepEqual(item.metadata.labels, { 'kubernetes.io/hostname': NODE });
    assert.deepEqual(item.usage, { cpu: '1500m', memory: '2Gi' });
    assert.match(item.window, /^\d+(\.\d+)?s$/);
    assert.ok(kubelet.scrapes >= 2, 'two scrapes give the first rate');
    await assert.rejects(client.raw('GET', '/apis/metrics.k8s.io/v1beta1/nodes/nope'), { message: 'nodemetrics.metrics.k8s.io "nope" not found' });
  });

  it('kubectl top node and k8ts top node print the same table', { skip: kubectlSkip }, async () => {
    const stock = await kubectl('top', 'nodes');
    assert.equal(stock.err, '');
    assert.equal(stock.code, 0);
    assert.equal(stock.out, 'NAME           CPU(cores)   CPU(%)   MEMORY(bytes)   MEMORY(%)   \nmetrics-node   1500m        37%      2048Mi          25%         \n');
    const ours = await runProcess(process.execPath, [K8TS_CLI, '--kubeconfig', cluster.kubeconfig, 'top', 'nodes']);
    assert.equal(ours.out, stock.out);
  });
});

describe('HorizontalPodAutoscaler', () => {
  it('scales a Deployment up on high CPU and back down on low CPU', async () => {
    await client.resource('deployments.apps', NS).create({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'burner' },
      spec: {
        replicas: 1,
        selector: { matchLabels: { app: 'burner' } },
        template: {
          metadata: { labels: { app: 'burner' } },
          spec: { containers: [{ name: 'burn', image: 'busybox:latest', command: ['sh', '-c', 'while :; do :; done'], resources: { requests: { cpu: '100m' } } }] },
        },
      },
    } as never);
    kubelet.podRateNanoCores = 500_000_000;
    const pod = await eventually(async () => {
      await playKubelet();
      return kubelet.pods.length === 1 && kubelet.pods[0];
    }, 'the burner pod running', 20_000);

    // top pods: 500m, 10Mi, from the fake's summary
    const podMetrics = await eventually(async () => {
      await playKubelet();
      const l = await client.raw<{ items: any[] }>('GET', `/apis/metrics.k8s.io/v1beta1/namespaces/${NS}/pods`, undefined, { query: { labelSelector: 'app=burner' } });
      return l.items.length === 1 && l.items[0];
    }, 'pod metrics', 40_000);
    assert.equal(podMetrics.metadata.name, pod.metadata!.name);
    assert.deepEqual(podMetrics.containers, [{ name: 'burn', usage: { cpu: '500m', memory: '10Mi' } }]);
    if (!kubectlSkip) {
      const stock = await kubectl('top', 'pods', '--containers', '-l', 'app=burner');
      assert.equal(stock.code, 0, stock.err);
      const podName = pod.metadata!.name!;
      const pad = (s: string, w: number) => s + ' '.repeat(Math.max(w, s.length + 3) - s.length);
      const w = Math.max(6, podName.length + 3);
      assert.equal(stock.out, `${pad('POD', w)}NAME   CPU(cores)   MEMORY(bytes)   \n${pad(podName, w)}burn   500m         10Mi            \n`);
      const ours = await runProcess(process.execPath, [K8TS_CLI, '--kubeconfig', cluster.kubeconfig, 'top', 'pods', '--containers', '-l', 'app=burner']);
      assert.equal(ours.out, stock.out);
    }

    await client.resource('horizontalpodautoscalers.autoscaling', NS).create({
      apiVersion: 'autoscaling/v2',
      kind: 'HorizontalPodAutoscaler',
      metadata: { name: 'burner' },
      spec: {
        scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'burner' },
        minReplicas: 1,
        maxReplicas: 4,
        metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 50 } } }],
        behavior: { scaleDown: { stabilizationWindowSeconds: 0 } },
      },
    } as never);
    const stored = await client.resource('horizontalpodautoscalers.autoscaling', NS).get('burner');
    assert.deepEqual((stored as any).spec.behavior.scaleUp, {
      stabilizationWindowSeconds: 0, selectPolicy: 'Max',
      policies: [{ type: 'Pods', value: 4, periodSeconds: 15 }, { type: 'Percent', value: 100, periodSeconds: 15 }],
    }, 'the apiserver defaults behavior as upstream');

    // 500% of request against a 50% target: as many as max allows (1 -> 4 is within +4 pods per 15 s)
    const scaledUp = await eventually(async () => {
      await playKubelet();
      const hpa = (await client.resource('horizontalpodautoscalers.autoscaling', NS).get('burner')) as any;
      return hpa.status?.desiredReplicas === 4 && hpa;
    }, 'the HPA to scale up', 30_000);
    assert.equal(((await client.resource('deployments.apps', NS).get('burner')) as any).spec.replicas, 4);
    assert.equal(scaledUp.status.currentReplicas, 1);
    assert.ok(scaledUp.status.lastScaleTime);
    assert.deepEqual(scaledUp.status.currentMetrics, [{ type: 'Resource', resource: { name: 'cpu', current: { averageValue: '500m', averageUtilization: 500 } } }]);
    const conditions = Object.fromEntries(scaledUp.status.conditions.map((c: any) => [c.type, c]));
    assert.equal(conditions.AbleToScale.reason, 'SucceededRescale');
    assert.equal(conditions.ScalingActive.reason, 'ValidMetricFound');
    assert.equal(conditions.ScalingActive.message, 'the HPA was able to successfully calculate a replica count from cpu resource utilization (percentage of request)');
    assert.equal(conditions.ScalingLimited.status, 'True');
    assert.equal(conditions.ScalingLimited.reason, 'TooManyReplicas');
    const upEvent = await eventually(async () => {
      const events = (await client.resource('events', NS).list({ fieldSelector: 'involvedObject.name=burner,involvedObject.kind=HorizontalPodAutoscaler' })).items as any[];
      return events.find((e) => e.reason === 'SuccessfulRescale');
    }, 'the SuccessfulRescale event');
    assert.equal(upEvent.message, 'New size: 4; reason: cpu resource utilization (percentage of request) above target');
    assert.equal(upEvent.source.component, 'horizontal-pod-autoscaler');

    // The four pods now idle at 5m (5% of request): all metrics below target, down to minReplicas.
    kubelet.podRateNanoCores = 5_000_000;
    await eventually(async () => {
      await playKubelet();
      const d = (await client.resource('deployments.apps', NS).get('burner')) as any;
      return d.spec.replicas === 1;
    }, 'the HPA to scale down', 60_000);
    const down = await eventually(async () => {
      const events = (await client.resource('events', NS).list({ fieldSelector: 'involvedObject.name=burner,involvedObject.kind=HorizontalPodAutoscaler' })).items as any[];
      return events.find((e) => e.reason === 'SuccessfulRescale' && e.message.startsWith('New size: 1'));
    }, 'the scale-down event');
    assert.equal(down.message, 'New size: 1; reason: All metrics below target');

    if (!kubectlSkip) {
      const got = await kubectl('get', 'hpa', 'burner');
      assert.equal(got.code, 0, got.err);
      const [header, row] = got.out.split('\n');
      assert.match(header!, /^NAME\s+REFERENCE\s+TARGETS\s+MINPODS\s+MAXPODS\s+REPLICAS\s+AGE$/);
      assert.match(row!, /^burner\s+Deployment\/burner\s+cpu: (\d+%|<unknown>)\/50%\s+1\s+4\s+\d+\s+\d+s$/);
    }
  });
});
