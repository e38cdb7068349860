// The DaemonSet controller on a real apiserver and etcd, with Node objects made by the test and no
// scheduler or kubelet: a helper plays both (binds each daemon pod to the node its affinity names,
// marks it Running/Ready, finishes graceful deletions). Checks placement as nodes come and change,
// a rolling update that never has more than maxUnavailable nodes without a ready pod, and the stock
// kubectl's rollout status/history/undo.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createClient, createInformer, loadClientConfig, type Client } from '../../client/index.js';
import { daemonSetControllerDescriptor } from '../../controller-manager/daemonset/controller.js';
import { targetNodeName } from '../../controller-manager/daemonset/node-affinity.js';
import type { DaemonSet, Pod } from '../../controller-manager/history/types.js';
import { startTestCluster, type TestCluster } from '../support/cluster.js';
import { eventually, testControllerContext, type TestControllerContext } from '../support/controller-context.js';
import { kubectlSkip, runProcess } from '../support/cli.js';

let cluster: TestCluster;
let client: Client;
let t: TestControllerContext;
let running: Promise<void>;
let tmp: string;

before(async () => {
  cluster = await startTestCluster();
  client = createClient(await loadClientConfig({ kubeconfig: cluster.kubeconfig }));
  tmp = mkdtempSync(path.join(os.tmpdir(), 'k8ts-ds-it-'));
  t = testControllerContext(client);
  running = daemonSetControllerDescriptor.start(t.ctx);
  await t.startInformers();
});
after(async () => {
  await t?.stop();
  await running;
  await cluster?.stop();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

const now = () => new Date().toISOString().replace(/\.\d+Z$/, 'Z');

async function createNode(name: string, labels: Record<string, string>): Promise<void> {
  await client.resource('nodes').create({ apiVersion: 'v1', kind: 'Node', metadata: { name, labels } } as never);
}

/** Plays scheduler and kubelet once for the namespace's pods. */
async function playKubelet(ns: string): Promise<void> {
  const pods = client.resource('pods', ns);
  for (const pod of (await pods.list()).items as Pod[]) {
    const name = pod.metadata!.name!;
    if (pod.metadata?.deletionTimestamp) {
      await pods.delete(name, { gracePeriodSeconds: 0 }).catch(() => undefined);
      continue;
    }
    if (!pod.spec?.nodeName) {
      const node = targetNodeName(pod.spec);
      if (node) await pods.bind(name, ns, node).catch(() => undefined);
      continue;
    }
    if (pod.status?.phase !== 'Running') {
      await pods.updateStatus({
        ...pod,
        status: { ...pod.status, phase: 'Running', conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: now() }] },
      } as Pod).catch(() => undefined);
    }
  }
}

const livePods = async (ns: string) => ((await client.resource('pods', ns).list()).items as Pod[]).filter((p) => !p.metadata?.deletionTimestamp);
const nodesWithPods = async (ns: string) => (await livePods(ns)).map((p) => targetNodeName(p.spec)).sort();

function daemonSet(ns: string, selector: Record<string, string>, image: string, strategy?: unknown): DaemonSet {
  return {
    apiVersion: 'apps/v1', kind: 'DaemonSet',
    metadata: { name: 'agent', namespace: ns },
    spec: {
      selector: { matchLabels: { app: 'agent' } },
      template: { metadata: { labels: { app: 'agent' } }, spec: { nodeSelector: selector, containers: [{ name: 'a', image }] } },
      ...(strategy ? { updateStrategy: strategy } : {}),
    },
  } as DaemonSet;
}

describe('DaemonSet controller on a real cluster', () => {
  it('runs one pod per eligible node and follows nodes being added and relabelled', async () => {
    const ns = 'ds-placement';
    await client.resource('namespaces').create({ metadata: { name: ns } });
    await createNode('place-1', { pool: 'place' });
    await createNode('place-2', { pool: 'place' });
    await createNode('place-3', { pool: 'other' });
    await client.resource('daemonsets.apps', ns).create(daemonSet(ns, { pool: 'place' }, 'busybox:1'));

    await eventually(async () => { await playKubelet(ns); return JSON.stringify(await nodesWithPods(ns)) === '["place-1","place-2"]'; }, 'pods on place-1 and place-2');
    const pod = (await livePods(ns))[0]!;
    assert.equal(pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms?.[0]?.matchFields?.[0]?.key, 'metadata.name');
    assert.ok(pod.spec?.tolerations?.some((x) => x.key === 'node.kubernetes.io/unreachable' && x.effect === 'NoExecute' && x.tolerationSeconds === undefined));

    await createNode('place-4', { pool: 'place' });
    await eventually(async () => { await playKubelet(ns); return JSON.stringify(await nodesWithPods(ns)) === '["place-1","place-2","place-4"]'; }, 'a pod on the new node');

    await client.resource('nodes').patch('place-3', 'merge', { metadata: { labels: { pool: 'place' } } });
    await client.resource('nodes').patch('place-1', 'merge', { metadata: { labels: { pool: 'other' } } });
    await eventually(async () => { await playKubelet(ns); return JSON.stringify(await nodesWithPods(ns)) === '["place-2","place-3","place-4"]'; }, 'pods follow the labels');

    const ds = await eventually(async () => {
      await playKubelet(ns);
      const d = await client.resource('daemonsets.apps', ns).get('agent') as DaemonSet;
      return d.status?.numberReady === 3 && d.status.numberMisscheduled === 0 ? d : undefined;
    }, 'status counts');
    assert.deepEqual(
      [ds.status?.desiredNumberScheduled, ds.status?.currentNumberScheduled, ds.status?.updatedNumberScheduled, ds.status?.numberAvailable, ds.status?.numberUnavailable ?? 0],
      [3, 3, 3, 3, 0],
    );
    const events = (await client.resource('events', ns).list()).items as { reason: string; message: string }[];
    assert.ok(events.some((e) => e.reason === 'SuccessfulCreate' && /^Created pod: agent-/.test(e.message)));
    assert.ok(events.some((e) => e.reason === 'SuccessfulDelete' && /^Deleted pod: agent-/.test(e.message)));
  });

  it('rolls out a new template with never more than maxUnavailable nodes lacking a ready pod', async () => {
    const ns = 'ds-rolling';
    await client.resource('namespaces').create({ metadata: { name: ns } });
    const nodes = ['roll-1', 'roll-2', 'roll-3', 'roll-4'];
    for (const n of nodes) await createNode(n, { pool: 'roll' });
    await client.resource('daemonsets.apps', ns).create(daemonSet(ns, { pool: 'roll' }, 'busybox:1', { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1 } }));
    await eventually(async () => {
      await playKubelet(ns);
      const d = await client.resource('daemonsets.apps', ns).get('agent') as DaemonSet;
      return d.status?.numberAvailable === 4;
    }, 'four ready pods');

    // Watch every pod change and check availability at each one.
    const abort = new AbortController();
    const informer = createInformer(client.resource('pods'), { namespace: ns });
    let worst = nodes.length;
    let armed = false;
    const check = () => {
      if (!armed) return; // the initial list arrives one add at a time
      const readyNodes = new Set(informer.store.list().filter((p) => !p.metadata?.deletionTimestamp && (p as Pod).status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')).map((p) => (p as Pod).spec?.nodeName));
      worst = Math.min(worst, readyNodes.size);
    };
    informer.on('add', check);
    informer.on('update', check);
    informer.on('delete', check);
    informer.start(abort.signal);
    await informer.synced;
    armed = true;
    check();
    assert.equal(worst, 4);
    try {
      await client.resource('daemonsets.apps', ns).patch('agent', 'strategic', { spec: { template: { spec: { containers: [{ name: 'a', image: 'busybox:2' }] } } } });
      await eventually(async () => {
        await playKubelet(ns);
        const d = await client.resource('daemonsets.apps', ns).get('agent') as DaemonSet;
        const pods = await livePods(ns);
        return d.status?.observedGeneration === d.metadata?.generation && d.status?.updatedNumberScheduled === 4 && d.status?.numberAvailable === 4
          && pods.length === 4 && pods.every((p) => p.spec?.containers[0]?.image === 'busybox:2');
      }, 'rollout finished', 60_000);
    } finally {
      abort.abort();
    }
    assert.equal(worst, 3, 'exactly one node at a time went without a ready pod');

    if (kubectlSkip) return;
    const kubectl = (args: string[]) => runProcess('kubectl', ['--kubeconfig', cluster.kubeconfig, '--cache-dir', path.join(tmp, 'cache'), '-n', ns, ...args]);
    const status = await kubectl(['rollout', 'status', 'daemonset/agent', '--timeout=20s']);
    assert.equal(status.code, 0, status.err);
    assert.match(status.out, /daemon set "agent" successfully rolled out/);
    const history = await kubectl(['rollout', 'history', 'daemonset/agent']);
    assert.equal(history.code, 0, history.err);
    assert.match(history.out, /REVISION\s+CHANGE-CAUSE\n1\s+<none>\n2\s+<none>/);
    const undo = await kubectl(['rollout', 'undo', 'daemonset/agent']);
    assert.equal(undo.code, 0, undo.err);
    assert.match(undo.out, /daemonset.apps\/agent rolled back/);
    await eventually(async () => {
      await playKubelet(ns);
      const pods = await livePods(ns);
      return pods.length === 4 && pods.every((p) => p.spec?.containers[0]?.image === 'busybox:1' && p.status?.phase === 'Running');
    }, 'rolled back to busybox:1', 60_000);
    const after = await kubectl(['rollout', 'history', 'daemonset/agent']);
    assert.match(after.out, /REVISION\s+CHANGE-CAUSE\n2\s+<none>\n3\s+<none>/, 'the old revision is renumbered as the newest');
    const again = await kubectl(['rollout', 'undo', 'daemonset/agent', '--to-revision=3']);
    assert.equal(again.code, 0, again.err);
    assert.match(again.out, /skipped rollback \(current template already matches revision 3\)/);
  });
});
