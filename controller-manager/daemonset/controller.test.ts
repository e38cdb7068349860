// Unit tests of the DaemonSet controller: reconcile against the in-memory apiserver and assert the
// writes it makes (pods pinned to eligible nodes, revisions, deletions, status) as a user would see them.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { pino } from 'pino';
import { startMemoryApiserver, type MemoryApiserver, type RecordedWrite } from '../../test/support/memory-apiserver.js';
import { eventually, setTestPodReady, testControllerContext, type TestControllerContext } from '../../test/support/controller-context.js';
import type { DaemonSet, Node, Pod } from '../history/types.js';
import { createDaemonSetController, type DaemonSetController } from './controller.js';
import { targetNodeName } from './node-affinity.js';

let api: MemoryApiserver;
let seq = 0;
before(async () => { api = await startMemoryApiserver(); });
after(async () => { await api.stop(); });

interface Rig { t: TestControllerContext; c: DaemonSetController; ns: string; prefix: string }

async function rig(nodes: { name: string; labels?: Record<string, string>; taints?: unknown[] }[], now?: () => number): Promise<Rig> {
  const n = ++seq;
  const ns = `ds-${n}`;
  const prefix = `r${n}-`;
  await api.client.resource('namespaces').create({ metadata: { name: ns } });
  for (const node of nodes) {
    await api.client.resource('nodes').create({ metadata: { name: prefix + node.name, labels: { ...(node.labels ?? {}), rig: String(n) } }, spec: { taints: node.taints ?? [] } } as never);
  }
  const t = testControllerContext(api.client);
  const c = createDaemonSetController({ client: api.client, informers: t.ctx.informers, recorder: t.ctx.recorder('daemonset-controller'), logger: pino({ level: 'silent' }), now });
  await t.startInformers();
  return { t, c, ns, prefix };
}

/** A DaemonSet of rig r (its nodeSelector always includes the rig's label: nodes are cluster-wide). */
function daemonSet(r: Rig, extra: { nodeSelector?: Record<string, string> } = {}, image = 'busybox:1'): DaemonSet {
  const ns = r.ns;
  extra = { ...extra, nodeSelector: { ...(extra.nodeSelector ?? {}), rig: r.prefix.slice(1, -1) } };
  return {
    apiVersion: 'apps/v1', kind: 'DaemonSet',
    metadata: { name: 'agent', namespace: ns },
    spec: {
      selector: { matchLabels: { app: 'agent' } },
      template: { metadata: { labels: { app: 'agent' } }, spec: { containers: [{ name: 'a', image }], ...extra } },
    },
  } as DaemonSet;
}

const podsOf = (r: Rig) => r.t.ctx.informers.informer<Pod>('pods').store.byIndex('byNamespace', r.ns);
const bodyOf = <T>(w: RecordedWrite): T => (typeof w.body === 'string' ? JSON.parse(w.body) : w.body) as T;
const writesTo = (r: Rig, suffix: string, verb: RecordedWrite['verb']) => api.writes.filter((w) => w.verb === verb && w.path.includes(`/namespaces/${r.ns}/`) && w.path.endsWith(suffix));

async function synced(r: Rig, what: string, check: () => boolean) {
  await eventually(() => check(), what);
}

describe('DaemonSet controller', () => {
  it('creates one pod per eligible node, pinned by affinity, with daemon tolerations and the revision hash', async () => {
    const r = await rig([
      { name: 'a', labels: { role: 'worker' } },
      { name: 'b', labels: { role: 'worker' } },
      { name: 'tainted', labels: { role: 'worker' }, taints: [{ key: 'dedicated', value: 'db', effect: 'NoSchedule' }] },
      { name: 'pressured', labels: { role: 'worker' }, taints: [{ key: 'node.kubernetes.io/memory-pressure', effect: 'NoSchedule' }] },
      { name: 'other', labels: { role: 'edge' } },
    ]);
    try {
      await api.client.resource('daemonsets.apps', r.ns).create(daemonSet(r, { nodeSelector: { role: 'worker' } }));
      await synced(r, 'ds in cache', () => !!r.t.ctx.informers.informer('daemonsets.apps').store.getByKey(`${r.ns}/agent`));
      api.clearWrites();
      await r.c.reconcile(`${r.ns}/agent`);

      const revisionCreates = writesTo(r, '/controllerrevisions', 'create');
      assert.equal(revisionCreates.length, 1);
      const podCreates = writesTo(r, '/pods', 'create');
      const targets = podCreates.map((w) => targetNodeName(bodyOf<Pod>(w).spec)).sort();
      assert.deepEqual(targets, [`${r.prefix}a`, `${r.prefix}b`, `${r.prefix}pressured`]);
      const pod = bodyOf<Pod>(podCreates[0]!);
      assert.equal(pod.metadata?.generateName, 'agent-');
      assert.equal(pod.spec?.nodeName, undefined, 'the scheduler binds daemon pods');
      const terms = pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms;
      assert.equal(terms?.length, 1);
      assert.deepEqual(terms![0]!.matchFields, [{ key: 'metadata.name', operator: 'In', values: [targetNodeName(pod.spec)] }]);
      assert.deepEqual(pod.spec?.tolerations?.map((t) => `${t.key}:${t.effect}`), [
        'node.kubernetes.io/not-ready:NoExecute', 'node.kubernetes.io/unreachable:NoExecute', 'node.kubernetes.io/disk-pressure:NoSchedule',
        'node.kubernetes.io/memory-pressure:NoSchedule', 'node.kubernetes.io/pid-pressure:NoSchedule', 'node.kubernetes.io/unschedulable:NoSchedule',
      ]);
      const revision = bodyOf<{ metadata: { labels: Record<string, string>; name: string } }>(revisionCreates[0]!);
      const hash = revision.metadata.labels['controller-revision-hash']!;
      assert.equal(revision.metadata.name, `agent-${hash}`);
      assert.equal(pod.metadata?.labels?.['controller-revision-hash'], hash);
      assert.equal(pod.metadata?.ownerReferences?.[0]?.kind, 'DaemonSet');

      // A second sync before the informer shows the pods creates nothing more (expectations).
      api.clearWrites();
      await r.c.reconcile(`${r.ns}/agent`);
      assert.equal(writesTo(r, '/pods', 'create').length, 0);

      await synced(r, 'pods in cache', () => podsOf(r).length === 3);
      await r.c.reconcile(`${r.ns}/agent`);
      const ds = await api.client.resource('daemonsets.apps', r.ns).get('agent') as DaemonSet;
      assert.equal(ds.status?.desiredNumberScheduled, 3);
      assert.equal(ds.status?.currentNumberScheduled, 3);
      assert.equal(ds.status?.updatedNumberScheduled, 3);
      assert.equal(ds.status?.numberReady, 0);
      assert.equal(ds.status?.numberUnavailable, 3);
      assert.equal(ds.status?.observedGeneration, ds.metadata?.generation);

      const events = await api.client.resource('events', r.ns).list();
      await r.t.stop();
      const all = (await api.client.resource('events', r.ns).list()).items as { reason: string; message: string }[];
      assert.ok(all.length >= events.items.length);
      assert.equal(all.filter((e) => e.reason === 'SuccessfulCreate').length, 3);
      assert.match(all.find((e) => e.reason === 'SuccessfulCreate')!.message, /^Created pod: agent-/);
    } finally {
      await r.t.stop();
    }
  });

  it('deletes the pod of a node that stops matching and counts misscheduled pods', async () => {
    const r = await rig([{ name: 'a', labels: { role: 'worker' } }, { name: 'b', labels: { role: 'worker' } }]);
    try {
      await api.client.resource('daemonsets.apps', r.ns).create(daemonSet(r, { nodeSelector: { role: 'worker' } }));
      await synced(r, 'ds in cache', () => !!r.t.ctx.informers.informer('daemonsets.apps').store.getByKey(`${r.ns}/agent`));
      await r.c.reconcile(`${r.ns}/agent`);
      await synced(r, 'pods in cache', () => podsOf(r).length === 2);
      await api.client.resource('nodes').patch(`${r.prefix}b`, 'merge', { metadata: { labels: { role: 'edge' } } });
      await synced(r, 'node relabelled', () => r.t.ctx.informers.informer<Node>('nodes').store.getByKey(`${r.prefix}b`)?.metadata?.labels?.role === 'edge');
      const before = podsOf(r);
      api.clearWrites();
      await r.c.reconcile(`${r.ns}/agent`);
      const deletes = writesTo(r, '', 'delete').filter((w) => w.path.includes('/pods/'));
      assert.equal(deletes.length, 1);
      const victim = before.find((p) => deletes[0]!.path.endsWith(`/pods/${p.metadata?.name}`));
      assert.equal(targetNodeName(victim?.spec), `${r.prefix}b`);
    } finally {
      await r.t.stop();
    }
  });

  it('rolls out a new template deleting at most maxUnavailable available old pods at a time', async () => {
    const r = await rig([{ name: 'a' }, { name: 'b' }, { name: 'c' }]);
    try {
      const created = daemonSet(r);
      (created.spec as { updateStrategy?: unknown }).updateStrategy = { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1 } };
      await api.client.resource('daemonsets.apps', r.ns).create(created);
      await synced(r, 'ds in cache', () => !!r.t.ctx.informers.informer('daemonsets.apps').store.getByKey(`${r.ns}/agent`));
      await r.c.reconcile(`${r.ns}/agent`);
      await synced(r, 'pods in cache', () => podsOf(r).length === 3);
      // Play the scheduler and the kubelet: bind each pod to its node and mark it ready.
      for (const pod of podsOf(r)) {
        await api.client.resource('pods', r.ns).bind(pod.metadata!.name!, r.ns, targetNodeName(pod.spec)!);
      }
      await eventually(async () => {
        for (const pod of podsOf(r)) if (!pod.spec?.nodeName) return false;
        return true;
      }, 'pods bound');
      for (const pod of podsOf(r)) await setTestPodReady(api.client, r.ns, pod.metadata!.name!, true, '10.244.0.9');
      await synced(r, 'pods ready in cache', () => podsOf(r).every((p) => p.status?.phase === 'Running'));
      await api.client.resource('daemonsets.apps', r.ns).patch('agent', 'strategic', { spec: { template: { spec: { containers: [{ name: 'a', image: 'busybox:2' }] } } } });
      await synced(r, 'new template in cache', () => (r.t.ctx.informers.informer<DaemonSet>('daemonsets.apps').store.getByKey(`${r.ns}/agent`)?.metadata?.generation ?? 0) >= 2);
      api.clearWrites();
      await r.c.reconcile(`${r.ns}/agent`);
      assert.equal(writesTo(r, '/controllerrevisions', 'create').length, 1, 'a second revision');
      const deletes = api.writes.filter((w) => w.verb === 'delete' && w.path.includes(`/namespaces/${r.ns}/pods/`));
      assert.equal(deletes.length, 1, 'one old pod at a time');
      assert.equal(writesTo(r, '/pods', 'create').length, 0);
      // While the old pod terminates (bound pods are deleted gracefully), nothing else is deleted.
      const terminating = await eventually(() => podsOf(r).find((p) => p.metadata?.deletionTimestamp), 'old pod terminating');
      api.clearWrites();
      await r.c.reconcile(`${r.ns}/agent`);
      assert.equal(api.writes.filter((w) => w.verb === 'delete' && w.path.includes('/pods/')).length, 0);
      assert.equal(writesTo(r, '/pods', 'create').length, 0);
      // The kubelet finishes the deletion; the node then gets a pod of the new template.
      await api.client.resource('pods', r.ns).delete(terminating.metadata!.name!, { gracePeriodSeconds: 0 });
      await synced(r, 'deleted pod gone', () => podsOf(r).length === 2);
      api.clearWrites();
      await r.c.reconcile(`${r.ns}/agent`);
      assert.equal(api.writes.filter((w) => w.verb === 'delete' && w.path.includes('/pods/')).length, 0);
      const creates = writesTo(r, '/pods', 'create');
      assert.equal(creates.length, 1, 'the node without a pod gets a new one');
      assert.equal(bodyOf<Pod>(creates[0]!).spec?.containers[0]?.image, 'busybox:2');
      const ds = await api.client.resource('daemonsets.apps', r.ns).get('agent') as DaemonSet;
      assert.equal(ds.status?.desiredNumberScheduled, 3);
    } finally {
      await r.t.stop();
    }
  });

  it('replaces a failed daemon pod, then backs off before replacing it again', async () => {
    const clock = { now: Date.now() };
    const r = await rig([{ name: 'a' }], () => clock.now);
    const key = `${r.ns}/agent`;
    const fail = async () => {
      const pod = await eventually(() => podsOf(r).find((p) => !p.metadata?.deletionTimestamp && p.status?.phase !== 'Failed'), 'a live pod');
      await api.client.resource('pods', r.ns).updateStatus({ ...structuredClone(pod), status: { phase: 'Failed' } } as Pod);
      await synced(r, 'failed pod in cache', () => podsOf(r).some((p) => p.status?.phase === 'Failed'));
    };
    try {
      await api.client.resource('daemonsets.apps', r.ns).create(daemonSet(r));
      await synced(r, 'ds in cache', () => !!r.t.ctx.informers.informer('daemonsets.apps').store.getByKey(key));
      await r.c.reconcile(key);
      await fail();
      api.clearWrites();
      await r.c.reconcile(key);
      assert.equal(api.writes.filter((w) => w.verb === 'delete' && w.path.includes('/pods/')).length, 1, 'the failed pod is deleted');
      await synced(r, 'failed pod gone', () => podsOf(r).length === 0);
      await r.c.reconcile(key);
      await fail();
      api.clearWrites();
      const result = await r.c.reconcile(key);
      assert.equal(api.writes.filter((w) => w.verb === 'delete' && w.path.includes('/pods/')).length, 0, 'the second failure waits');
      assert.ok(result && result.requeueAfterMs! > 0 && result.requeueAfterMs! <= 1000);
      clock.now += 1001;
      await r.c.reconcile(key);
      assert.equal(api.writes.filter((w) => w.verb === 'delete' && w.path.includes('/pods/')).length, 1, 'deleted once the backoff has passed');
      await r.t.stop();
      const events = (await api.client.resource('events', r.ns).list()).items as { reason: string; message: string; type: string }[];
      assert.ok(events.some((e) => e.reason === 'FailedDaemonPod' && e.type === 'Warning' && /^Found failed daemon pod ds-\d+\/agent-\w+ on node r\d+-a, will try to kill it$/.test(e.message)));
    } finally {
      await r.t.stop();
    }
  });
});
