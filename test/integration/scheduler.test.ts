// The scheduler against a real apiserver on a real etcd, with Node objects only (no kubelet): where
// pods land (resources, taints, affinity, anti-affinity), the message and event of a pod that fits
// nowhere, preemption, and no double booking under a burst of 500 pods. The scheduler runs in this
// process here; scheduler-leader.test.ts runs the real program.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { pino } from 'pino';
import { createClient, createEventRecorder, loadClientConfig, type Client, type EventRecorder } from '../../client/index.js';
import { SchedulerMetrics } from '../../scheduler/metrics.js';
import { createScheduler } from '../../scheduler/scheduler.js';
import { startTestCluster, type TestCluster } from '../support/cluster.js';
import { createNamespace, createNode, cleanUp, eventsOf, inParallel, nodeOf, pod, waitFor } from './scheduler-support.js';

let cluster: TestCluster;
let client: Client;
let recorder: EventRecorder;
let metrics: SchedulerMetrics;
const stop = new AbortController();
let running: Promise<void>;

before(async () => {
  cluster = await startTestCluster();
  client = createClient(await loadClientConfig({ kubeconfig: cluster.kubeconfig }));
  recorder = createEventRecorder({ events: client.resource('events'), component: 'default-scheduler' });
  metrics = new SchedulerMetrics();
  const scheduler = createScheduler({ client, logger: pino({ level: 'silent' }), recorder, metrics });
  running = scheduler.run(stop.signal);
});

after(async () => {
  stop.abort();
  await running?.catch(() => undefined);
  recorder?.shutdown();
  client?.close();
  await cluster?.stop();
});

describe('scheduler', { concurrency: 1 }, () => {
  it('places pods by resource fit and reports Insufficient cpu', async () => {
    const ns = 'fit';
    await createNamespace(client, ns);
    await createNode(client, 'fit-small', { cpu: '2' });
    await createNode(client, 'fit-big', { cpu: '8' });
    try {
      const pods = client.resource('pods', ns);
      await pods.create(pod('needs-6', { cpu: '6' }));
      assert.equal(await waitFor('needs-6 bound', () => nodeOf(client, ns, 'needs-6')), 'fit-big');
      await pods.create(pod('needs-3', { cpu: '3' }));
      // 2 cpu left on each node: nowhere.
      const p = await waitFor('needs-3 unschedulable', async () => {
        const got = await pods.get('needs-3');
        return (got.status as any)?.conditions?.find((c: any) => c.type === 'PodScheduled' && c.status === 'False') ? got : undefined;
      });
      const cond = (p.status as any).conditions.find((c: any) => c.type === 'PodScheduled');
      assert.equal(cond.reason, 'Unschedulable');
      assert.equal(cond.message, '0/2 nodes are available: 2 Insufficient cpu. preemption: 0/2 nodes are available: 2 No preemption victims found for incoming pod.');
      // Scheduled event of the placed pod.
      const scheduled = await waitFor('Scheduled event', async () => (await eventsOf(client, ns, 'needs-6', 'Scheduled'))[0]);
      assert.equal(scheduled.message, `Successfully assigned ${ns}/needs-6 to fit-big`);
      assert.equal(scheduled.type, 'Normal');
      // Freeing room is a cluster event that brings the pending pod back.
      await pods.delete('needs-6', { gracePeriodSeconds: 0 });
      assert.ok(await waitFor('needs-3 bound after room freed', () => nodeOf(client, ns, 'needs-3')));
    } finally {
      await cleanUp(client, ns, ['fit-small', 'fit-big']);
    }
  });

  it('gives the unschedulable message in upstream form on the pod and in a FailedScheduling event', async () => {
    const ns = 'message';
    await createNamespace(client, ns);
    const taints = [{ key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' }];
    await createNode(client, 'msg-worker', { cpu: '1' });
    await createNode(client, 'msg-cp1', { taints });
    await createNode(client, 'msg-cp2', { taints });
    try {
      await client.resource('pods', ns).create(pod('big', { cpu: '2' }));
      const want =
        '0/3 nodes are available: 1 Insufficient cpu, 2 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }. preemption: 0/3 nodes are available: 1 No preemption victims found for incoming pod, 2 Preemption is not helpful for scheduling.';
      const cond = await waitFor('PodScheduled=False', async () => {
        const got = await client.resource('pods', ns).get('big');
        return (got.status as any)?.conditions?.find((c: any) => c.type === 'PodScheduled' && c.status === 'False');
      });
      assert.deepEqual({ status: cond.status, reason: cond.reason, message: cond.message }, { status: 'False', reason: 'Unschedulable', message: want });
      const event = await waitFor('FailedScheduling event', async () => (await eventsOf(client, ns, 'big', 'FailedScheduling'))[0]);
      assert.equal(event.type, 'Warning');
      assert.equal(event.message, want);
      assert.equal((event.source as any)?.component, 'default-scheduler');
    } finally {
      await cleanUp(client, ns, ['msg-worker', 'msg-cp1', 'msg-cp2']);
    }
  });

  it('keeps pods off tainted nodes unless they tolerate the taint, and leaves other schedulers\' pods alone', async () => {
    const ns = 'taints';
    await createNamespace(client, ns);
    await createNode(client, 'taint-plain', { labels: { pool: 'taints' } });
    await createNode(client, 'taint-gpu', { labels: { pool: 'taints' }, taints: [{ key: 'gpu', value: 'true', effect: 'NoSchedule' }] });
    try {
      const pods = client.resource('pods', ns);
      const selector = { nodeSelector: { pool: 'taints' } };
      for (let i = 0; i < 4; i++) await pods.create(pod(`plain-${i}`, { spec: selector }));
      for (let i = 0; i < 4; i++) assert.equal(await waitFor(`plain-${i} bound`, () => nodeOf(client, ns, `plain-${i}`)), 'taint-plain');
      await pods.create(pod('gpu-user', { spec: { nodeSelector: { 'kubernetes.io/hostname': 'taint-gpu' }, tolerations: [{ key: 'gpu', operator: 'Equal', value: 'true', effect: 'NoSchedule' }] } }));
      assert.equal(await waitFor('gpu-user bound', () => nodeOf(client, ns, 'gpu-user')), 'taint-gpu');
      await pods.create(pod('other-scheduler', { spec: { schedulerName: 'someone-else' } }));
      await pods.create(pod('marker', { spec: selector }));
      await waitFor('marker bound', () => nodeOf(client, ns, 'marker'));
      assert.equal(await nodeOf(client, ns, 'other-scheduler'), undefined);
      assert.equal(((await pods.get('other-scheduler')).status as any)?.conditions, undefined);
    } finally {
      await cleanUp(client, ns, ['taint-plain', 'taint-gpu']);
    }
  });

  it('honours node affinity and pod affinity, and spreads with pod anti-affinity', async () => {
    const ns = 'affinity';
    await createNamespace(client, ns);
    const names = ['aff-a1', 'aff-a2', 'aff-b1'];
    await createNode(client, 'aff-a1', { labels: { 'topology.kubernetes.io/zone': 'a' } });
    await createNode(client, 'aff-a2', { labels: { 'topology.kubernetes.io/zone': 'a' } });
    await createNode(client, 'aff-b1', { labels: { 'topology.kubernetes.io/zone': 'b' } });
    try {
      const pods = client.resource('pods', ns);
      await pods.create(pod('in-zone-b', { spec: { affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'topology.kubernetes.io/zone', operator: 'In', values: ['b'] }] }] } } } } }));
      assert.equal(await waitFor('in-zone-b bound', () => nodeOf(client, ns, 'in-zone-b')), 'aff-b1');

      await pods.create(pod('db', { labels: { app: 'db' }, spec: { nodeSelector: { 'kubernetes.io/hostname': 'aff-a2' } } }));
      await waitFor('db bound', () => nodeOf(client, ns, 'db'));
      const nearDb = { affinity: { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: { app: 'db' } }, topologyKey: 'topology.kubernetes.io/zone' }] } } };
      for (let i = 0; i < 3; i++) await pods.create(pod(`near-db-${i}`, { spec: nearDb }));
      for (let i = 0; i < 3; i++) assert.match(await waitFor(`near-db-${i} bound`, () => nodeOf(client, ns, `near-db-${i}`)), /^aff-a[12]$/);

      const anti = { affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: { app: 'web' } }, topologyKey: 'kubernetes.io/hostname' }] } } };
      for (let i = 0; i < 3; i++) await pods.create(pod(`web-${i}`, { labels: { app: 'web' }, spec: anti }));
      const placed = [];
      for (let i = 0; i < 3; i++) placed.push(await waitFor(`web-${i} bound`, () => nodeOf(client, ns, `web-${i}`)));
      assert.deepEqual([...placed].sort(), names, 'one web pod per node');
      await pods.create(pod('web-3', { labels: { app: 'web' }, spec: anti }));
      const cond = await waitFor('web-3 unschedulable', async () => ((await pods.get('web-3')).status as any)?.conditions?.find((c: any) => c.type === 'PodScheduled' && c.status === 'False'));
      assert.equal(cond.message, "0/3 nodes are available: 3 node(s) didn't match pod anti-affinity rules. preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod.");
    } finally {
      await cleanUp(client, ns, names);
    }
  });

  it('preempts the fewest lower-priority pods, nominates the node and binds once they are gone', async () => {
    const ns = 'preempt';
    await createNamespace(client, ns);
    const pcs = client.resource('priorityclasses.scheduling.k8s.io');
    await pcs.create({ apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name: 'sched-low' }, value: 10 });
    await pcs.create({ apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name: 'sched-high' }, value: 1000 });
    await createNode(client, 'pre-a', { cpu: '2' });
    await createNode(client, 'pre-b', { cpu: '2' });
    try {
      const pods = client.resource('pods', ns);
      const low = (name: string, cpu: string, node: string) => pod(name, { cpu, spec: { priorityClassName: 'sched-low', nodeSelector: { 'kubernetes.io/hostname': node } } });
      await pods.create(low('a-1', '1', 'pre-a'));
      await pods.create(low('a-2', '1', 'pre-a'));
      await pods.create(low('b-1', '2', 'pre-b'));
      for (const n of ['a-1', 'a-2', 'b-1']) await waitFor(`${n} bound`, () => nodeOf(client, ns, n));
      assert.equal(((await pods.get('a-1')).spec as any).priority, 10, 'admission resolved the class');

      await pods.create(pod('urgent', { cpu: '2', spec: { priorityClassName: 'sched-high' } }));
      const nominated = await waitFor('nominatedNodeName', async () => ((await pods.get('urgent')).status as any)?.nominatedNodeName);
      assert.equal(nominated, 'pre-b', 'one victim on pre-b beats two on pre-a');
      const victim = await pods.get('b-1');
      assert.ok(victim.metadata?.deletionTimestamp, 'the victim is deleted gracefully');
      assert.ok(((victim.status as any)?.conditions ?? []).some((c: any) => c.type === 'DisruptionTarget' && c.reason === 'PreemptionByScheduler'));
      for (const n of ['a-1', 'a-2']) assert.equal((await pods.get(n)).metadata?.deletionTimestamp, undefined, `${n} stays`);
      const preempted = await waitFor('Preempted event', async () => (await eventsOf(client, ns, 'b-1', 'Preempted'))[0]);
      const urgentUid = (await pods.get('urgent')).metadata!.uid;
      assert.equal(preempted.message, `Preempted by pod ${urgentUid} on node pre-b`);
      // No kubelet here: finish the graceful deletion as the kubelet would.
      await pods.delete('b-1', { gracePeriodSeconds: 0 });
      assert.equal(await waitFor('urgent bound', () => nodeOf(client, ns, 'urgent')), 'pre-b');
    } finally {
      await cleanUp(client, ns, ['pre-a', 'pre-b']);
    }
  });

  it('never books a node beyond capacity under a burst of 500 pods', async () => {
    const ns = 'burst';
    await createNamespace(client, ns);
    const nodes = Array.from({ length: 10 }, (_, i) => `burst-${i}`);
    for (const n of nodes) await createNode(client, n, { pods: '50', cpu: '64', memory: '256Gi' });
    try {
      const pods = client.resource('pods', ns);
      const names = Array.from({ length: 505 }, (_, i) => `p-${i}`);
      await inParallel(names, 16, (n) => pods.create(pod(n, { cpu: '10m' })));
      const bound = await waitFor(
        '500 pods bound',
        async () => {
          const list = await pods.list();
          const placed = list.items.filter((p) => (p.spec as any)?.nodeName);
          return placed.length >= 500 ? list.items : undefined;
        },
        120_000,
      );
      const perNode = new Map<string, number>();
      for (const p of bound) {
        const n = (p.spec as any)?.nodeName;
        if (n) perNode.set(n, (perNode.get(n) ?? 0) + 1);
      }
      assert.equal(bound.filter((p) => (p.spec as any)?.nodeName).length, 500, 'exactly the 500 slots are used');
      for (const n of nodes) assert.equal(perNode.get(n), 50, `${n} holds exactly its 50 pods`);
      const left = bound.filter((p) => !(p.spec as any)?.nodeName);
      assert.equal(left.length, 5);
      const cond = await waitFor('the 5 extra pods are unschedulable', async () => {
        const p = await pods.get(left[0]!.metadata!.name!);
        return ((p.status as any)?.conditions ?? []).find((c: any) => c.type === 'PodScheduled' && c.status === 'False');
      });
      assert.equal(cond.message, '0/10 nodes are available: 10 Too many pods. preemption: 0/10 nodes are available: 10 No preemption victims found for incoming pod.');
      const attempts = await metrics.registry.getSingleMetricAsString('scheduler_schedule_attempts_total');
      assert.match(attempts, /scheduler_schedule_attempts_total\{result="scheduled",profile="default-scheduler"\} \d+/);
    } finally {
      await cleanUp(client, ns, nodes);
    }
  });
});
