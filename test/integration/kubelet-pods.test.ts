// The kubelet's pod lifecycle on real Docker, driven through a real apiserver: a pod runs to
// completion with the right exit code, logs and status; containers of a pod share localhost; init
// containers run first; env and configMap/secret/emptyDir/hostPath volumes; graceful deletion;
// images that cannot be had; nothing left behind.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { KubeObject } from '../../client/index.js';
import { startKubeletHarness, waitFor, type KubeletHarness } from './kubelet-harness.js';

let h: KubeletHarness;
const busybox = { image: 'busybox:latest', imagePullPolicy: 'IfNotPresent' as const };

before(async () => {
  h = await startKubeletHarness('kpods');
});

after(async () => {
  await h?.cleanup();
});

describe('kubelet pods on Docker', () => {
  it('runs a pod to completion: exit code, logs, status, events', async () => {
    await h.createPod({
      metadata: { name: 'once' },
      spec: { restartPolicy: 'Never', containers: [{ name: 'main', ...busybox, command: ['sh', '-c', 'echo hello from $(POD_NAME); echo oops >&2; exit 3'], env: [{ name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }] }] },
    });
    const pod = await h.waitForPod('once', 'Failed', (p) => p.status?.phase === 'Failed');
    const cs = pod.status!.containerStatuses![0]!;
    assert.equal(cs.name, 'main');
    assert.equal(cs.state?.terminated?.exitCode, 3);
    assert.equal(cs.state?.terminated?.reason, 'Error');
    assert.match(cs.containerID ?? '', /^docker:\/\/[0-9a-f]{64}$/);
    assert.match(cs.imageID, /^docker(-pullable)?:\/\//);
    assert.equal(cs.restartCount, 0);
    assert.equal(cs.ready, false);
    assert.ok(pod.status?.podIP?.startsWith('10.244.'), `podIP ${pod.status?.podIP}`);
    assert.equal(pod.status?.hostIP, '127.0.0.1');
    assert.ok(pod.status?.startTime);
    const ready = pod.status?.conditions?.find((c) => c.type === 'Ready');
    assert.equal(ready?.status, 'False');
    const id = cs.containerID!.slice('docker://'.length);
    assert.equal(await h.logs(id, { stdout: true }), 'hello from once\n');
    assert.equal(await h.logs(id, { stderr: true }), 'oops\n');
    const events = await h.events('once');
    const reasons = events.map((e) => e.reason);
    for (const r of ['Pulled', 'Created', 'Started']) assert.ok(reasons.includes(r), `event ${r} in ${reasons}`);
    assert.ok(events.some((e) => e.message === 'Created container: main'));
    assert.ok(events.some((e) => e.message === 'Started container main'));
    assert.ok(events.some((e) => e.message === 'Container image "busybox:latest" already present on machine'));
  });

  it('succeeds with exit 0 (Completed) and the sandbox is stopped', async () => {
    await h.createPod({ metadata: { name: 'ok' }, spec: { restartPolicy: 'OnFailure', containers: [{ name: 'main', ...busybox, command: ['true'] }] } });
    const pod = await h.waitForPod('ok', 'Succeeded', (p) => p.status?.phase === 'Succeeded');
    assert.equal(pod.status!.containerStatuses![0]!.state?.terminated?.reason, 'Completed');
    assert.equal(pod.status?.conditions?.find((c) => c.type === 'Ready')?.reason, 'PodCompleted');
    const uid = pod.metadata!.uid!;
    await waitFor('sandbox stopped', async () => {
      const sandboxes = await h.containers({ 'io.kubernetes.pod.uid': uid, 'io.kubernetes.docker.type': 'podsandbox' });
      return sandboxes.length === 1 && sandboxes[0]!.State === 'exited';
    });
  });

  it('two containers of one pod talk over localhost', async () => {
    await h.createPod({
      metadata: { name: 'pair' },
      spec: {
        restartPolicy: 'Never',
        containers: [
          { name: 'server', ...busybox, command: ['sh', '-c', 'mkdir -p /www && echo served-over-localhost > /www/index.html && httpd -f -p 8080 -h /www'] },
          { name: 'client', ...busybox, command: ['sh', '-c', 'for i in $(seq 1 50); do wget -q -O - http://127.0.0.1:8080/ && exit 0; sleep 0.2; done; exit 1'] },
        ],
      },
    });
    const pod = await h.waitForPod('pair', 'client finished', (p) => !!p.status?.containerStatuses?.find((c) => c.name === 'client')?.state?.terminated);
    const client = pod.status!.containerStatuses!.find((c) => c.name === 'client')!;
    assert.equal(client.state?.terminated?.exitCode, 0);
    assert.equal(await h.logs(client.containerID!.slice(9)), 'served-over-localhost\n');
    assert.equal(pod.status?.phase, 'Running'); // the server still runs
    await h.client.resource('pods', 'default').delete('pair', { gracePeriodSeconds: 1 });
  });

  it('runs init containers in order before the app containers', async () => {
    await h.createPod({
      metadata: { name: 'inits' },
      spec: {
        restartPolicy: 'Never',
        volumes: [{ name: 'work', emptyDir: {} }],
        initContainers: [
          { name: 'first', ...busybox, command: ['sh', '-c', 'sleep 1; echo first >> /work/order'], volumeMounts: [{ name: 'work', mountPath: '/work' }] },
          { name: 'second', ...busybox, command: ['sh', '-c', 'echo second >> /work/order'], volumeMounts: [{ name: 'work', mountPath: '/work' }] },
        ],
        containers: [{ name: 'app', ...busybox, command: ['sh', '-c', 'echo app >> /work/order; cat /work/order'], volumeMounts: [{ name: 'work', mountPath: '/work' }] }],
      },
    });
    // While the first init container runs, the pod is Pending and Initialized=False.
    const pending = await h.waitForPod('inits', 'initialising', (p) => p.status?.initContainerStatuses?.[0]?.state?.running !== undefined);
    assert.equal(pending.status?.phase, 'Pending');
    const init = pending.status?.conditions?.find((c) => c.type === 'Initialized');
    assert.equal(init?.status, 'False');
    assert.equal(init?.reason, 'ContainersNotInitialized');
    assert.equal(pending.status?.containerStatuses?.[0]?.state?.waiting?.reason, 'PodInitializing');
    const pod = await h.waitForPod('inits', 'Succeeded', (p) => p.status?.phase === 'Succeeded');
    const app = pod.status!.containerStatuses![0]!;
    assert.equal(await h.logs(app.containerID!.slice(9)), 'first\nsecond\napp\n');
    assert.deepEqual(pod.status!.initContainerStatuses!.map((s) => s.state?.terminated?.reason), ['Completed', 'Completed']);
    assert.equal(pod.status?.conditions?.find((c) => c.type === 'Initialized')?.status, 'True');
  });

  it('gives env and configMap/secret/emptyDir/hostPath volumes to containers', async () => {
    const hostDir = mkdtempSync(path.join(os.tmpdir(), 'kpods-hostpath-'));
    try {
      writeFileSync(path.join(hostDir, 'from-host'), 'host-data');
      await h.client.resource('configmaps', 'default').create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cfg' }, data: { greeting: 'hello', 'app.conf': 'x=1' } } as KubeObject);
      await h.client.resource('secrets', 'default').create({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'sec' }, stringData: { password: 's3cret' } } as KubeObject);
      const script = [
        'echo "env=$GREETING/$PASSWORD/$FROM_VALUE/$NODE"',
        'echo "cm=$(cat /cfg/app.conf)"',
        'echo "secret=$(cat /sec/password)"',
        'echo "host=$(cat /host/from-host)"',
        'echo scratch > /scratch/f && echo "empty=$(cat /scratch/f)"',
        'echo written-by-pod > /host/from-pod',
      ].join('; ');
      await h.createPod({
        metadata: { name: 'vols' },
        spec: {
          restartPolicy: 'Never',
          volumes: [
            { name: 'cfg', configMap: { name: 'cfg' } },
            { name: 'sec', secret: { secretName: 'sec' } },
            { name: 'scratch', emptyDir: {} },
            { name: 'host', hostPath: { path: hostDir, type: 'Directory' } },
          ],
          containers: [
            {
              name: 'main',
              ...busybox,
              command: ['sh', '-c', script],
              env: [
                { name: 'GREETING', valueFrom: { configMapKeyRef: { name: 'cfg', key: 'greeting' } } },
                { name: 'PASSWORD', valueFrom: { secretKeyRef: { name: 'sec', key: 'password' } } },
                { name: 'FROM_VALUE', value: 'plain' },
                { name: 'NODE', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } },
              ],
              volumeMounts: [
                { name: 'cfg', mountPath: '/cfg' },
                { name: 'sec', mountPath: '/sec' },
                { name: 'scratch', mountPath: '/scratch' },
                { name: 'host', mountPath: '/host' },
              ],
            },
          ],
        },
      });
      const pod = await h.waitForPod('vols', 'done', (p) => p.status?.phase === 'Succeeded' || p.status?.phase === 'Failed');
      const cs = pod.status!.containerStatuses![0]!;
      assert.equal(cs.state?.terminated?.exitCode, 0);
      assert.equal(
        await h.logs(cs.containerID!.slice(9)),
        `env=hello/s3cret/plain/${h.nodeName}\ncm=x=1\nsecret=s3cret\nhost=host-data\nempty=scratch\n`,
      );
      assert.equal(readFileSync(path.join(hostDir, 'from-pod'), 'utf8'), 'written-by-pod\n');
    } finally {
      rmSync(hostDir, { recursive: true, force: true });
    }
  });

  it('reports CreateContainerConfigError for a missing ConfigMap key, FailedMount for a missing volume source', async () => {
    await h.createPod({
      metadata: { name: 'badenv' },
      spec: { containers: [{ name: 'main', ...busybox, command: ['sleep', '3600'], env: [{ name: 'X', valueFrom: { configMapKeyRef: { name: 'cfg', key: 'nope' } } }] }] },
    });
    const bad = await h.waitForPod('badenv', 'CreateContainerConfigError', (p) => p.status?.containerStatuses?.[0]?.state?.waiting?.reason === 'CreateContainerConfigError');
    assert.equal(bad.status!.containerStatuses![0]!.state!.waiting!.message, "couldn't find key nope in ConfigMap default/cfg");
    assert.equal(bad.status?.phase, 'Pending');
    await h.createPod({
      metadata: { name: 'nomount' },
      spec: { volumes: [{ name: 'v', configMap: { name: 'does-not-exist' } }], containers: [{ name: 'main', ...busybox, command: ['sleep', '3600'], volumeMounts: [{ name: 'v', mountPath: '/v' }] }] },
    });
    await waitFor('FailedMount event', async () => (await h.events('nomount')).find((e) => e.reason === 'FailedMount'));
    const nomount = await h.getPod('nomount');
    assert.equal(nomount?.status?.containerStatuses?.[0]?.state?.waiting?.reason, 'ContainerCreating');
    const failed = (await h.events('nomount')).find((e) => e.reason === 'FailedMount')!;
    assert.match(failed.message, /configmap "does-not-exist" not found/);
    await h.client.resource('pods', 'default').delete('badenv', { gracePeriodSeconds: 0 });
    await h.client.resource('pods', 'default').delete('nomount', { gracePeriodSeconds: 0 });
  });

  it('reports ErrImageNeverPull and ErrImagePull then ImagePullBackOff', async () => {
    await h.createPod({ metadata: { name: 'never' }, spec: { containers: [{ name: 'main', image: 'k8ts-test/absent:1', imagePullPolicy: 'Never' }] } });
    const never = await h.waitForPod('never', 'ErrImageNeverPull', (p) => p.status?.containerStatuses?.[0]?.state?.waiting?.reason === 'ErrImageNeverPull');
    assert.equal(never.status!.containerStatuses![0]!.state!.waiting!.message, 'Container image "k8ts-test/absent:1" is not present with pull policy of Never');
    // A registry on loopback that refuses connections: the pull fails fast, then backs off.
    await h.createPod({ metadata: { name: 'pullfail' }, spec: { containers: [{ name: 'main', image: '127.0.0.1:1/absent:1', imagePullPolicy: 'IfNotPresent' }] } });
    // ErrImagePull shows until the next sync (about a second), then ImagePullBackOff until the backoff ends.
    const reasons = new Set<string>();
    await h.waitForPod('pullfail', 'ErrImagePull', (p) => {
      const reason = p.status?.containerStatuses?.[0]?.state?.waiting?.reason;
      if (reason) reasons.add(reason);
      return reasons.has('ErrImagePull') || reasons.has('ImagePullBackOff');
    }, 30_000, 20);
    await h.waitForPod('pullfail', 'ImagePullBackOff', (p) => p.status?.containerStatuses?.[0]?.state?.waiting?.reason === 'ImagePullBackOff', 30_000);
    const events = await h.events('pullfail');
    assert.ok(events.some((e) => e.reason === 'Pulling' && e.message === 'Pulling image "127.0.0.1:1/absent:1"'));
    assert.ok(events.some((e) => e.reason === 'Failed' && e.message.startsWith('Failed to pull image "127.0.0.1:1/absent:1": ')));
    assert.ok(events.some((e) => e.reason === 'BackOff' && e.message === 'Back-off pulling image "127.0.0.1:1/absent:1"'));
    assert.ok(events.some((e) => e.reason === 'Failed' && e.message === 'Error: ErrImagePull'));
    await h.client.resource('pods', 'default').delete('never', { gracePeriodSeconds: 0 });
    await h.client.resource('pods', 'default').delete('pullfail', { gracePeriodSeconds: 0 });
  });

  it('deletes gracefully: preStop runs, SIGTERM is handled, then the object and containers go', async () => {
    const hostDir = mkdtempSync(path.join(os.tmpdir(), 'kpods-grace-'));
    try {
      await h.createPod({
        metadata: { name: 'graceful' },
        spec: {
          terminationGracePeriodSeconds: 20,
          volumes: [{ name: 'out', hostPath: { path: hostDir } }],
          containers: [
            {
              name: 'main',
              ...busybox,
              command: ['sh', '-c', 'trap "echo got-TERM >> /out/log; exit 0" TERM; echo started >> /out/log; while true; do sleep 0.2; done'],
              lifecycle: { preStop: { exec: { command: ['sh', '-c', 'echo prestop >> /out/log'] } } },
              volumeMounts: [{ name: 'out', mountPath: '/out' }],
            },
          ],
        },
      });
      const running = await h.waitForPod('graceful', 'Running', (p) => p.status?.phase === 'Running');
      const uid = running.metadata!.uid!;
      await waitFor('container wrote started', async () => readFileSync(path.join(hostDir, 'log'), 'utf8').includes('started'));
      const t0 = Date.now();
      await h.client.resource('pods', 'default').delete('graceful');
      await waitFor('pod object removed', async () => (await h.getPod('graceful')) === undefined, 30_000);
      assert.ok(Date.now() - t0 < 15_000, 'the container ended on SIGTERM, well before the grace period');
      assert.equal(readFileSync(path.join(hostDir, 'log'), 'utf8'), 'started\nprestop\ngot-TERM\n');
      await waitFor('containers removed', async () => (await h.containers({ 'io.kubernetes.pod.uid': uid })).length === 0);
      const events = await h.events('graceful');
      assert.ok(events.some((e) => e.reason === 'Killing' && e.message === 'Stopping container main'));
    } finally {
      rmSync(hostDir, { recursive: true, force: true });
    }
  });

  it('cuts a graceful termination short when the pod is force-deleted', async () => {
    const pod = await h.createPod({
      metadata: { name: 'stubborn' },
      spec: { terminationGracePeriodSeconds: 60, containers: [{ name: 'main', ...busybox, command: ['sh', '-c', 'trap "" TERM; while true; do sleep 0.2; done'] }] },
    });
    await h.waitForPod('stubborn', 'Running', (p) => p.status?.phase === 'Running');
    const uid = pod.metadata!.uid!;
    await h.client.resource('pods', 'default').delete('stubborn'); // 60 s grace: SIGTERM is ignored
    await waitFor('termination started', async () => (await h.events('stubborn')).some((e) => e.reason === 'Killing'));
    const t0 = Date.now();
    await h.client.resource('pods', 'default').delete('stubborn', { gracePeriodSeconds: 0 });
    await waitFor('containers gone', async () => (await h.containers({ 'io.kubernetes.pod.uid': uid })).length === 0, 30_000);
    assert.ok(Date.now() - t0 < 20_000, `force deletion took ${Date.now() - t0} ms`);
  });

  it('leaves no container behind when the pods are gone', async () => {
    const list = await h.client.resource('pods', 'default').list();
    for (const p of list.items) await h.client.resource('pods', 'default').delete(p.metadata!.name!, { gracePeriodSeconds: 1 });
    await waitFor('no pods', async () => (await h.client.resource('pods', 'default').list()).items.length === 0, 60_000);
    await waitFor('no containers', async () => (await h.containers()).length === 0, 30_000);
  });
});
