// The StatefulSet controller on a real apiserver and etcd, with no kubelet: a helper marks pods
// Running/Ready and finishes graceful deletions. Checks OrderedReady creation order (each pod only
// after its predecessor is ready), reverse scale-down with claims kept, a partitioned rolling update,
// and the stock kubectl's rollout status/history/undo on ControllerRevisions.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createClient, createInformer, loadClientConfig, type Client } from '../../client/index.js';
import { statefulSetControllerDescriptor } from '../../controller-manager/statefulset/controller.js';
import type { Pod, StatefulSet } from '../../controller-manager/statefulset/types.js';
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
  tmp = mkdtempSync(path.join(os.tmpdir(), 'k8ts-sts-it-'));
  t = testControllerContext(client);
  running = statefulSetControllerDescriptor.start(t.ctx);
  await t.startInformers();
});
after(async () => {
  await t?.stop();
  await running;
  await cluster?.stop();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

const now = () => new Date().toISOString().replace(/\.\d+Z$/, 'Z');
const isReady = (p: Readonly<Pod>) => p.status?.phase === 'Running' && !!p.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True');

/** Plays the kubelet once for the namespace's pods. */
async function playKubelet(ns: string): Promise<void> {
  const pods = client.resource('pods', ns);
  for (const pod of (await pods.list()).items as Pod[]) {
    if (pod.metadata?.deletionTimestamp) {
      await pods.delete(pod.metadata.name!, { gracePeriodSeconds: 0 }).catch(() => undefined);
    } else if (pod.status?.phase !== 'Running') {
      await pods.updateStatus({ ...pod, status: { ...pod.status, phase: 'Running', conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: now() }] } } as Pod).catch(() => undefined);
    }
  }
}

const podNames = async (ns: string) => ((await client.resource('pods', ns).list()).items as Pod[]).filter((p) => !p.metadata?.deletionTimestamp).map((p) => p.metadata!.name!).sort();
const getSet = async (ns: string) => (await client.resource('statefulsets.apps', ns).get('web')) as StatefulSet;

function webSet(ns: string, replicas: number, image: string): StatefulSet {
  return {
    apiVersion: 'apps/v1', kind: 'StatefulSet',
    metadata: { name: 'web', namespace: ns },
    spec: {
      replicas,
      serviceName: 'nginx',
      selector: { matchLabels: { app: 'web' } },
      template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image, volumeMounts: [{ name: 'www', mountPath: '/www' }] }] } },
      volumeClaimTemplates: [{ metadata: { name: 'www' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } }],
    },
  } as StatefulSet;
}

/** Drives the kubelet until the set reports `replicas` ready pods at one revision. */
async function settled(ns: string, replicas: number, what: string): Promise<StatefulSet> {
  return eventually(async () => {
    await playKubelet(ns);
    const s = await getSet(ns);
    return s.status?.observedGeneration === s.metadata?.generation && s.status?.readyReplicas === replicas && s.status?.replicas === replicas ? s : undefined;
  }, what, 60_000);
}

describe('StatefulSet controller on a real cluster', () => {
  it('creates pods in order after their predecessor is ready, scales down in reverse, keeps claims', async () => {
    const ns = 'sts-ordered';
    await client.resource('namespaces').create({ metadata: { name: ns } });
    const abort = new AbortController();
    const informer = createInformer(client.resource('pods'), { namespace: ns });
    const created: string[] = [];
    const deleted: string[] = [];
    const violations: string[] = [];
    informer.on('add', (pod) => {
      const name = pod.metadata!.name!;
      created.push(name);
      const ordinal = Number(name.split('-').pop());
      if (ordinal > 0) {
        const prev = informer.store.getByKey(`${ns}/web-${ordinal - 1}`) as Pod | undefined;
        if (!prev || !isReady(prev)) violations.push(`${name} created before web-${ordinal - 1} was ready`);
      }
    });
    informer.on('delete', (pod) => { deleted.push(pod.metadata!.name!); });
    informer.start(abort.signal);
    try {
      await informer.synced;
      await client.resource('statefulsets.apps', ns).create(webSet(ns, 3, 'busybox:1'));
      const set = await settled(ns, 3, 'three ready pods');
      assert.deepEqual(created, ['web-0', 'web-1', 'web-2']);
      assert.deepEqual(violations, []);
      assert.equal(set.status?.currentRevision, set.status?.updateRevision);
      const web1 = await client.resource('pods', ns).get('web-1') as Pod;
      assert.equal(web1.spec?.hostname, 'web-1');
      assert.equal(web1.spec?.subdomain, 'nginx');
      assert.equal(web1.metadata?.labels?.['statefulset.kubernetes.io/pod-name'], 'web-1');
      assert.equal(web1.metadata?.labels?.['apps.kubernetes.io/pod-index'], '1');
      assert.equal(web1.spec?.volumes?.find((v) => v.name === 'www')?.persistentVolumeClaim?.claimName, 'www-web-1');

      await client.resource('statefulsets.apps', ns).patch('web', 'merge', { spec: { replicas: 1 } });
      await settled(ns, 1, 'scaled down to one');
      assert.deepEqual(deleted, ['web-2', 'web-1']);
      assert.deepEqual(await podNames(ns), ['web-0']);
      const claims = (await client.resource('persistentvolumeclaims', ns).list()).items.map((c) => c.metadata?.name).sort();
      assert.deepEqual(claims, ['www-web-0', 'www-web-1', 'www-web-2'], 'claims survive scale-down');

      // Scaling up again reuses the claims: no claim is created twice.
      await client.resource('statefulsets.apps', ns).patch('web', 'merge', { spec: { replicas: 2 } });
      await settled(ns, 2, 'scaled up to two');
      const web1again = await client.resource('pods', ns).get('web-1') as Pod;
      assert.equal(web1again.spec?.volumes?.find((v) => v.name === 'www')?.persistentVolumeClaim?.claimName, 'www-web-1');
      const events = (await client.resource('events', ns).list()).items as { reason: string; message: string; count?: number }[];
      assert.ok(events.some((e) => e.reason === 'SuccessfulCreate' && e.message === 'create Pod web-0 in StatefulSet web successful'));
      assert.ok(events.some((e) => e.reason === 'SuccessfulDelete' && e.message === 'delete Pod web-2 in StatefulSet web successful'));
      assert.equal(events.filter((e) => e.message === 'create Claim www-web-1 Pod web-1 in StatefulSet web success').reduce((n, e) => n + (e.count ?? 1), 0), 1);
    } finally {
      abort.abort();
    }
  });

  it('rolls a partitioned update from the highest ordinal, then kubectl rollout status/history/undo', async () => {
    const ns = 'sts-rolling';
    await client.resource('namespaces').create({ metadata: { name: ns } });
    await client.resource('statefulsets.apps', ns).create({ ...webSet(ns, 3, 'busybox:1'), spec: { ...webSet(ns, 3, 'busybox:1').spec!, updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 2 } } } } as StatefulSet);
    const first = await settled(ns, 3, 'three ready pods');
    await client.resource('statefulsets.apps', ns).patch('web', 'strategic', { spec: { template: { spec: { containers: [{ name: 'c', image: 'busybox:2' }] } } } });
    const partial = await eventually(async () => {
      await playKubelet(ns);
      const s = await getSet(ns);
      return s.status?.updatedReplicas === 1 && s.status.readyReplicas === 3 && s.status.observedGeneration === s.metadata?.generation ? s : undefined;
    }, 'web-2 updated', 60_000);
    const images = async () => Object.fromEntries(((await client.resource('pods', ns).list()).items as Pod[]).map((p) => [p.metadata!.name!, p.spec!.containers[0]!.image]));
    assert.deepEqual(await images(), { 'web-0': 'busybox:1', 'web-1': 'busybox:1', 'web-2': 'busybox:2' });
    assert.equal(partial.status?.currentRevision, first.status?.currentRevision);
    assert.notEqual(partial.status?.updateRevision, partial.status?.currentRevision);
    assert.equal(partial.status?.currentReplicas, 2);

    // Lowering the partition finishes the rollout: web-1 then web-0.
    await client.resource('statefulsets.apps', ns).patch('web', 'merge', { spec: { updateStrategy: { rollingUpdate: { partition: 0 } } } });
    const done = await eventually(async () => {
      await playKubelet(ns);
      const s = await getSet(ns);
      return s.status?.updatedReplicas === 3 && s.status.readyReplicas === 3 && s.status.currentRevision === s.status.updateRevision ? s : undefined;
    }, 'rollout complete', 60_000);
    assert.deepEqual(await images(), { 'web-0': 'busybox:2', 'web-1': 'busybox:2', 'web-2': 'busybox:2' });
    assert.equal(done.status?.currentReplicas, 3);

    if (kubectlSkip) return;
    const kubectl = (args: string[]) => runProcess('kubectl', ['--kubeconfig', cluster.kubeconfig, '--cache-dir', path.join(tmp, 'cache'), '-n', ns, ...args]);
    const status = await kubectl(['rollout', 'status', 'statefulset/web', '--timeout=20s']);
    assert.equal(status.code, 0, status.err);
    assert.match(status.out, /partitioned roll out complete: 3 new pods have been updated/);
    const history = await kubectl(['rollout', 'history', 'statefulset/web']);
    assert.equal(history.code, 0, history.err);
    assert.match(history.out, /REVISION\s+CHANGE-CAUSE\n1\s+<none>\n2\s+<none>/);
    const undo = await kubectl(['rollout', 'undo', 'statefulset/web']);
    assert.equal(undo.code, 0, undo.err);
    assert.match(undo.out, /statefulset.apps\/web rolled back/);
    await eventually(async () => {
      await playKubelet(ns);
      const s = await getSet(ns);
      const imgs = await images();
      return s.status?.currentRevision === s.status?.updateRevision && s.status?.readyReplicas === 3 && Object.values(imgs).length === 3 && Object.values(imgs).every((i) => i === 'busybox:1');
    }, 'rolled back to busybox:1', 60_000);
    const after = await kubectl(['rollout', 'history', 'statefulset/web']);
    assert.match(after.out, /REVISION\s+CHANGE-CAUSE\n2\s+<none>\n3\s+<none>/);
    assert.equal((await getSet(ns)).status?.updateRevision, first.status?.updateRevision, 'the first revision is reused, not copied');
    // kubectl compares the revision's bytes with the patch it computes from the set: they match.
    const again = await kubectl(['rollout', 'undo', 'statefulset/web', '--to-revision=3']);
    assert.equal(again.code, 0, again.err);
    assert.match(again.out, /skipped rollback \(current template already matches revision 3\)/);
  });
});
