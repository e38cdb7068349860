// Restarts on real Docker: CrashLoopBackOff with growing delays (backoff shrunk to 2 s doubling to
// 8 s to keep the test bounded), a failing liveness probe restarts the container, readiness flips the
// Ready condition, activeDeadlineSeconds fails the pod, OOMKilled, and privileged on a host that
// cannot grant full privilege.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startKubeletHarness, waitFor, type KubeletHarness } from './kubelet-harness.js';

let h: KubeletHarness;
const busybox = { image: 'busybox:latest', imagePullPolicy: 'IfNotPresent' as const };

before(async () => {
  h = await startKubeletHarness('krestart', { crashLoopBackoff: { initialMs: 2000, maxMs: 8000 } });
});

after(async () => {
  await h?.cleanup();
});

describe('kubelet restarts on Docker', () => {
  it('backs off a crash-looping container with growing delays', async () => {
    const pod = await h.createPod({ metadata: { name: 'crash' }, spec: { restartPolicy: 'Always', containers: [{ name: 'main', ...busybox, command: ['sh', '-c', 'exit 1'] }] } });
    const uid = pod.metadata!.uid!;
    // Every instance's start and finish, from Docker (older instances are removed, so record as we go).
    const seen = new Map<number, { started: number; finished: number }>();
    let backoffStatus: string | undefined;
    await waitFor('five instances', async () => {
      for (const c of await h.containers({ 'io.kubernetes.pod.uid': uid, 'io.kubernetes.container.name': 'main' })) {
        const n = Number(c.Labels['io.kubernetes.container.restartCount']);
        if (seen.has(n) && seen.get(n)!.finished > 0) continue;
        const info = await h.docker.getContainer(c.Id).inspect().catch(() => undefined);
        if (!info || info.State.Running) continue;
        const started = Date.parse(info.State.StartedAt);
        const finished = Date.parse(info.State.FinishedAt);
        if (started > 0 && finished > 0) seen.set(n, { started, finished });
      }
      const p = await h.getPod('crash');
      const waiting = p?.status?.containerStatuses?.[0]?.state?.waiting;
      if (waiting?.reason === 'CrashLoopBackOff') backoffStatus = waiting.message;
      return [0, 1, 2, 3, 4].every((n) => seen.has(n));
    }, 40_000, 50);
    const gaps = [1, 2, 3, 4].map((n) => seen.get(n)!.started - seen.get(n - 1)!.finished);
    assert.ok(gaps[0]! < 1900, `first restart at once (gap ${gaps[0]} ms)`);
    assert.ok(gaps[1]! >= 1900 && gaps[1]! < 4000, `second restart after 2 s (gap ${gaps[1]} ms)`);
    assert.ok(gaps[2]! >= 3900 && gaps[2]! < 6500, `third restart after 4 s (gap ${gaps[2]} ms)`);
    assert.ok(gaps[3]! >= 7900 && gaps[3]! < 11000, `fourth restart after 8 s (gap ${gaps[3]} ms)`);
    assert.match(backoffStatus ?? '', new RegExp(`^back-off \\d+s restarting failed container=main pod=crash_default\\(${uid}\\)$`));
    const p = await h.getPod('crash');
    const cs = p!.status!.containerStatuses![0]!;
    assert.ok(cs.restartCount >= 4);
    assert.equal(cs.lastState?.terminated?.exitCode, 1);
    assert.equal(cs.lastState?.terminated?.reason, 'Error');
    assert.equal(p?.status?.phase, 'Running');
    const events = await h.events('crash');
    assert.ok(events.some((e) => e.reason === 'BackOff' && e.message === `Back-off restarting failed container main in pod crash_default(${uid})`));
    // Only the newest dead instance is kept next to the current one.
    await waitFor('at most two instances', async () => (await h.containers({ 'io.kubernetes.pod.uid': uid, 'io.kubernetes.container.name': 'main' })).length <= 2);
    await h.client.resource('pods', 'default').delete('crash', { gracePeriodSeconds: 0 });
  });

  it('restarts a container whose liveness probe fails', async () => {
    await h.createPod({
      metadata: { name: 'live' },
      spec: {
        terminationGracePeriodSeconds: 2,
        containers: [
          {
            name: 'main',
            ...busybox,
            command: ['sh', '-c', 'touch /tmp/healthy; sleep 2; rm /tmp/healthy; sleep 3600'],
            livenessProbe: { exec: { command: ['cat', '/tmp/healthy'] }, periodSeconds: 1, failureThreshold: 1 },
          },
        ],
      },
    });
    const pod = await h.waitForPod('live', 'restarted once', (p) => (p.status?.containerStatuses?.[0]?.restartCount ?? 0) >= 1, 30_000);
    const cs = pod.status!.containerStatuses![0]!;
    assert.ok(cs.lastState?.terminated, 'the killed instance is the last state');
    const events = await h.events('live');
    assert.ok(events.some((e) => e.reason === 'Unhealthy' && e.type === 'Warning' && e.message.startsWith('Liveness probe failed: ')), JSON.stringify(events.map((e) => e.message)));
    assert.ok(events.some((e) => e.reason === 'Killing' && e.message === 'Container main failed liveness probe, will be restarted'));
    await h.client.resource('pods', 'default').delete('live', { gracePeriodSeconds: 0 });
  });

  it('flips the Ready condition with the readiness probe', async () => {
    await h.createPod({
      metadata: { name: 'ready' },
      spec: {
        terminationGracePeriodSeconds: 2,
        containers: [{ name: 'main', ...busybox, command: ['sleep', '3600'], readinessProbe: { exec: { command: ['cat', '/tmp/ready'] }, periodSeconds: 1 } }],
      },
    });
    const running = await h.waitForPod('ready', 'Running', (p) => p.status?.phase === 'Running' && !!p.status.containerStatuses?.[0]?.state?.running);
    const ready = (p: typeof running) => p.status?.conditions?.find((c) => c.type === 'Ready');
    assert.equal(ready(running)?.status, 'False');
    const id = running.status!.containerStatuses![0]!.containerID!.slice(9);
    const exec = async (cmd: string[]) => {
      const e = await h.docker.getContainer(id).exec({ Cmd: cmd });
      const stream = await e.start({});
      await new Promise((r) => { stream.on('end', r); stream.resume(); });
    };
    await exec(['touch', '/tmp/ready']);
    const nowReady = await h.waitForPod('ready', 'Ready=True', (p) => ready(p)?.status === 'True');
    assert.equal(nowReady.status?.conditions?.find((c) => c.type === 'ContainersReady')?.status, 'True');
    assert.equal(nowReady.status?.containerStatuses?.[0]?.ready, true);
    await exec(['rm', '/tmp/ready']);
    const unready = await h.waitForPod('ready', 'Ready=False', (p) => ready(p)?.status === 'False');
    assert.equal(ready(unready)?.reason, 'ContainersNotReady');
    assert.equal(ready(unready)?.message, 'containers with unready status: [main]');
    assert.equal(unready.status?.containerStatuses?.[0]?.restartCount, 0);
    await h.client.resource('pods', 'default').delete('ready', { gracePeriodSeconds: 0 });
  });

  it('fails a pod past activeDeadlineSeconds', async () => {
    await h.createPod({ metadata: { name: 'deadline' }, spec: { activeDeadlineSeconds: 2, terminationGracePeriodSeconds: 2, containers: [{ name: 'main', ...busybox, command: ['sleep', '3600'] }] } });
    const pod = await h.waitForPod('deadline', 'Failed', (p) => p.status?.phase === 'Failed', 20_000);
    assert.equal(pod.status?.reason, 'DeadlineExceeded');
    assert.equal(pod.status?.message, 'Pod was active on the node longer than the specified deadline');
    await waitFor('container stopped', async () => (await h.getPod('deadline'))?.status?.containerStatuses?.[0]?.state?.terminated);
  });

  it('reports OOMKilled and applies cgroup limits', async () => {
    await h.createPod({
      metadata: { name: 'oom' },
      spec: {
        restartPolicy: 'Never',
        containers: [{ name: 'main', ...busybox, command: ['sh', '-c', 'x=$(head -c 200000000 /dev/zero | tr "\\0" a); echo survived'], resources: { limits: { memory: '16Mi', cpu: '250m' } } }],
      },
    });
    const pod = await h.waitForPod('oom', 'terminated', (p) => !!p.status?.containerStatuses?.[0]?.state?.terminated, 30_000);
    const cs = pod.status!.containerStatuses![0]!;
    assert.equal(cs.state?.terminated?.reason, 'OOMKilled');
    const info = await h.docker.getContainer(cs.containerID!.slice(9)).inspect();
    assert.equal(info.HostConfig.Memory, 16 * 1024 * 1024);
    assert.equal(info.HostConfig.CpuQuota, 25000);
    assert.equal(info.HostConfig.CpuPeriod, 100000);
    assert.equal(info.HostConfig.CpuShares, 256);
  });

  it('runs a privileged container with every capability the host allows and says what was left out', async () => {
    await h.createPod({
      metadata: { name: 'priv' },
      spec: { restartPolicy: 'Never', containers: [{ name: 'main', ...busybox, command: ['sh', '-c', 'grep CapEff /proc/self/status'], securityContext: { privileged: true } }] },
    });
    const pod = await h.waitForPod('priv', 'done', (p) => !!p.status?.containerStatuses?.[0]?.state?.terminated, 30_000);
    const cs = pod.status!.containerStatuses![0]!;
    assert.equal(cs.state?.terminated?.exitCode, 0);
    const out = await h.logs(cs.containerID!.slice(9));
    const mask = BigInt(`0x${out.split(/\s+/)[1]}`);
    assert.ok((mask >> 21n) & 1n, 'CAP_SYS_ADMIN granted');
    const events = await h.events('priv');
    const warning = events.find((e) => e.reason === 'PrivilegedLimited');
    assert.ok(warning && warning.type === 'Warning', JSON.stringify(events));
    const capBnd = (await import('node:fs')).readFileSync('/proc/self/status', 'utf8').match(/CapBnd:\s*([0-9a-f]+)/)![1]!;
    if (!((BigInt(`0x${capBnd}`) >> 24n) & 1n)) assert.match(warning.message, /CAP_SYS_RESOURCE/);
  });
});
